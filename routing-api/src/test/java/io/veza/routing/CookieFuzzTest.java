package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer fuzz targets for the cookie parser and the value / date / signature decoding. In a normal
 * {@code mvn verify} each target runs its corpus ({@code src/test/resources/io/veza/routing/CookieFuzzTestInputs/
 * <method>/}) as a regression test; {@code JAZZER_FUZZ=1} turns on coverage-guided fuzzing.
 *
 * <p>Inputs are read as ISO-8859-1 text so the corpus stays human-readable; {@code '\n'} separates repeated
 * {@code Cookie} headers.
 */
class CookieFuzzTest {

  static final long NOW = 1_700_000_000L;
  static final CookieSigning SIGNING =
      CookieSigning.hmacSha256("fuzz-key-0123456789".getBytes(StandardCharsets.US_ASCII))
          .withPreviousKey("fuzz-old-key-0123456".getBytes(StandardCharsets.US_ASCII));
  private static final List<String> SERVERS = Arrays.asList("s1", "s2", null, "s1", "web.3");

  static final List<CookieBinding> BINDINGS = List.of(
      CookieBinding.bind(CookiePersistence.insert("SERVERID").indirect().nocache().build(), SERVERS),
      CookieBinding.bind(CookiePersistence.insert("SERVERID").indirect().maxIdleSeconds(600).maxLifeSeconds(3600)
          .signed(SIGNING).build(), SERVERS),
      CookieBinding.bind(CookiePersistence.insert("SERVERID").maxLifeSeconds(60).build(), SERVERS),
      CookieBinding.bind(CookiePersistence.prefix("SERVERID").signed(SIGNING).build(), SERVERS),
      CookieBinding.bind(CookiePersistence.prefix("SERVERID").indirect().preserve().build(), SERVERS),
      CookieBinding.bind(CookiePersistence.rewrite("SERVERID").build(), SERVERS),
      CookieBinding.bind(CookiePersistence.passive("SERVERID").indirect().build(), SERVERS));

  @FuzzTest(maxDuration = "30s")
  void cookieHeaders(byte[] data) {
    String[] headers = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
    CookieMatch m = new CookieMatch();
    for (CookieBinding b : BINDINGS) {
      for (boolean persist : new boolean[] {false, true}) {
        m.reset();
        for (String h : headers) {
          b.match(h, i -> i != 1, persist, NOW, m);
        }
        assertTrue(m.server() >= -1 && m.server() < b.serverCount(), m::toString);
        if (m.server() >= 0) {
          assertTrue(persist || m.server() != 1, "a DOWN server is only assigned with persist");
        }
      }
      for (String h : headers) {
        String fwd = b.forwardedCookieHeader(h);
        boolean deletes = b.config().mode() == CookiePersistence.Mode.INSERT && b.config().indirect();
        if (deletes && fwd != null) {
          assertEquals(CookieHeaders.NOT_FOUND, CookieHeaders.next(fwd, CookieHeaders.START, "SERVERID"), fwd);
        }
        if (fwd != null && fwd != h) {
          // forwarding is idempotent: a rewritten header needs no further change
          assertTrue(fwd == b.forwardedCookieHeader(fwd) || b.config().mode() == CookiePersistence.Mode.PREFIX, fwd);
        }
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void setCookieDatesAndSignatures(byte[] data) {
    String s = new String(data, StandardCharsets.ISO_8859_1);
    for (CookieBinding b : BINDINGS) {
      for (int server = -1; server < b.serverCount(); server++) {
        String out = b.rewriteSetCookie(s, server, (data.length & 1) == 0);
        if (out != null && out != s) {
          assertTrue(out.startsWith(s.substring(0, Math.min(s.length(), out.indexOf('=')))), out);
        }
      }
      b.isOurSetCookie(s);
    }
    if (s.length() >= CookieDates.LENGTH) {
      int v = CookieDates.b64tos30(s, 0);
      if (v >= 0) {
        char[] back = new char[CookieDates.LENGTH];
        CookieDates.s30tob64(v, back, 0);
        assertEquals(s.substring(0, CookieDates.LENGTH), new String(back));
      }
    }
    int dot = s.lastIndexOf('.');
    if (dot >= 0) {
      boolean ok = SIGNING.verify("SERVERID", s, 0, dot, dot + 1, s.length());
      if (ok) {
        assertEquals(SIGNING.tag("SERVERID", s, 0, dot), s.substring(dot + 1));
      }
    }
    String signed = SIGNING.sign("SERVERID", s.replace('\u0100', 'x'));
    int d = signed.lastIndexOf('.');
    assertTrue(SIGNING.verify("SERVERID", signed, 0, d, d + 1, signed.length()));
  }
}
