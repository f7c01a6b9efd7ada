package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Differential check: the cookie scanning of {@link CookieHeaders} and {@link CookieStage} returns exactly what
 * the pre-deduplication code ({@link LegacyCookieHeaders}) returns, for every flag combination, including whether
 * an unchanged header comes back as the same instance.
 */
class CookieScanDifferentialProperties {

  private static final String[] NAMES = {"SERVERID", "serverid", "S", "$Path"};

  /** Headers built from cookie-shaped tokens, so that names, '=', quotes and delimiters meet in every order. */
  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> token = Arbitraries.oneOf(
        Arbitraries.of("SERVERID", "serverid", "S", "$Version", "$Path", "$", "a~b", "s1~", "~", "s1|x|y", "x.tag"),
        Arbitraries.of("=", "=", ";", ",", " ", "\t", "  ", "\"", "\\", "\\\"", "\"a;b,c\"", "\u0000", "\u007f",
            "\r", "\n", "\u00e9", "\u2028"),
        Arbitraries.strings().withChars("abSERVID019=;,\"\\$ \t~|.").ofMaxLength(4));
    Arbitrary<String> structured = token.list().ofMaxSize(24).map(l -> String.join("", l));
    return Arbitraries.oneOf(structured, structured,
        Arbitraries.strings().withChars("SERVID=;,\"\\$ \t~|.aZ09\u0001").ofMaxLength(40),
        Arbitraries.strings().all().ofMaxLength(30));
  }

  private static List<Long> occurrences(boolean legacy, CharSequence h, int resume, String name) {
    List<Long> out = new ArrayList<>();
    long f = legacy ? LegacyCookieHeaders.next(h, resume, name) : CookieHeaders.next(h, resume, name);
    // each hit ends strictly after the previous resume point or at the end; bound the loop regardless
    for (int guard = 0; f != CookieHeaders.NOT_FOUND && guard <= h.length() + 1; guard++) {
      out.add(f);
      int r = CookieHeaders.valueEnd(f);
      f = legacy ? LegacyCookieHeaders.next(h, r, name) : CookieHeaders.next(h, r, name);
    }
    return out;
  }

  @Property(tries = 2000, seed = "7300")
  void requestHeaderScansAndRewritesMatchTheLegacyCode(@ForAll("headers") String h,
      @ForAll @IntRange(min = -1, max = 45) int resume) {
    for (String name : NAMES) {
      assertEquals(occurrences(true, h, CookieHeaders.START, name), occurrences(false, h, CookieHeaders.START, name),
          () -> "next from START, name " + name + ", header " + escape(h));
      assertEquals(occurrences(true, h, resume, name), occurrences(false, h, resume, name),
          () -> "next from " + resume + ", name " + name + ", header " + escape(h));
      for (int flags = 0; flags < 4; flags++) {
        boolean stripPrefix = (flags & 1) != 0;
        boolean deleteOurs = (flags & 2) != 0;
        String what = "name " + name + ", stripPrefix " + stripPrefix + ", deleteOurs " + deleteOurs + ", header "
            + escape(h);
        assertEquals(LegacyCookieHeaders.requestHeaderChanges(h, name, stripPrefix, deleteOurs),
            CookieHeaders.requestHeaderChanges(h, name, stripPrefix, deleteOurs), () -> "changes? " + what);
        String legacy = LegacyCookieHeaders.forwardRequestHeader(h, name, stripPrefix, deleteOurs);
        String now = CookieHeaders.forwardRequestHeader(h, name, stripPrefix, deleteOurs);
        assertEquals(legacy, now, () -> "forward " + what);
        assertEquals(legacy == h, now == h, () -> "same instance when unchanged, " + what);
      }
    }
  }

  @Property(tries = 2000, seed = "7301")
  void setCookieScansMatchTheLegacyCode(@ForAll("headers") String h) {
    for (BackendPool pool : CookieFuzzTest.POOLS) {
      CookieStage b = new CookieStage(pool.cookie().orElseThrow());
      String what = b.config() + ", Set-Cookie " + escape(h);
      assertEquals(LegacyCookieHeaders.isOurSetCookie(b.config(), h), b.isOurSetCookie(h), () -> "ours? " + what);
      List<Server> servers = new ArrayList<>(pool.servers());
      servers.add(null);
      for (Server server : servers) {
        String written = server == null ? null : server.cookieStrings().written();
        for (boolean direct : new boolean[] {false, true}) {
          String legacy = LegacyCookieHeaders.rewriteSetCookie(b.config(), h, server != null, written, direct);
          String now = b.rewriteSetCookie(h, server, direct);
          String s = server == null ? "none" : server.id();
          assertEquals(legacy, now, () -> "rewrite for server " + s + ", direct " + direct + ", " + what);
          assertEquals(legacy == h, now == h, () -> "same instance when unchanged, server " + s + ", " + what);
        }
      }
    }
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
