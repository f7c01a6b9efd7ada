package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.StringJoiner;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The one-pass {@code Cookie} header writer ({@link CookieHeaders#rewrite}) on long headers: the same characters as
 * HAProxy's edit-in-place loop ({@link LegacyCookieHeaders}, which moves the rest of the header after every edit) for
 * headers of up to 300 cookie-shaped tokens, many of them ours; and headers of 65,536 cookies, where the legacy loop
 * takes seconds, against their expected value. The short headers of {@link CookieScanDifferentialProperties} cover the
 * grammar's corners; these cover long runs of deletions, prefix strips and blanks, and the plain headers browsers send,
 * which {@link CookieHeaders#forwardPlain} edits without the character-by-character writer.
 */
class CookieRewriteProperties {

  private static final String NAME = "SERVERID";

  @Provide
  Arbitrary<String> longHeaders() {
    Arbitrary<String> token = Arbitraries.oneOf(
        Arbitraries.of("SERVERID=s1", "SERVERID = s2~x", "SERVERID=~", " SERVERID=a~b~c", "SERVERID", "$Path=/",
            "$Version=1", "a=1", "b = 2", "c=\"x;y\"", "d", "=e", "", "f=\"\\\"\""),
        Arbitraries.of(";", ",", " ", "  ", "\t", "; ", ", ", " ;", ";\t"));
    return token.list().ofMinSize(50).ofMaxSize(300).map(l -> String.join("", l));
  }

  @Property(tries = 300, seed = "1202")
  void longHeadersAreRewrittenAsHaproxyDoes(@ForAll("longHeaders") String h) {
    for (int flags = 0; flags < 4; flags++) {
      boolean stripPrefix = (flags & 1) != 0;
      boolean deleteOurs = (flags & 2) != 0;
      String legacy = LegacyCookieHeaders.forwardRequestHeader(h, NAME, stripPrefix, deleteOurs);
      String now = CookieHeaders.forwardRequestHeader(h, NAME, stripPrefix, deleteOurs);
      assertEquals(legacy, now, () -> "stripPrefix " + stripPrefix + ", deleteOurs " + deleteOurs + ", " + h);
      assertEquals(legacy == h, now == h, "same instance when unchanged");
    }
  }

  @Provide
  Arbitrary<String> plainHeaders() {
    Arbitrary<String> cookie = Arbitraries.of("SERVERID=s1", "SERVERID=", "SERVERID=s1~x", "a=1", "b=x=y", "c=1 ",
        "SERVERIDX=1", "XSERVERID=2", "d=%20", "e f=1", "serverid=s2");
    Arbitrary<String> sep = Arbitraries.of("; ", ";", ";  ", " ; ", ";\t", "\t; ");
    return Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.of(" ", "\t")).flatMap(lead -> cookie.list()
        .ofMinSize(1).ofMaxSize(12).flatMap(cs -> sep.list().ofSize(cs.size() - 1).map(ss -> {
          StringBuilder sb = new StringBuilder(lead);
          for (int i = 0; i < cs.size(); i++) {
            sb.append(i == 0 ? "" : ss.get(i - 1)).append(cs.get(i));
          }
          return sb.toString();
        })));
  }

  @Property(tries = 3000, seed = "1204")
  void plainHeadersAreRewrittenAsHaproxyDoes(@ForAll("plainHeaders") String h) {
    for (boolean deleteOurs : new boolean[] {false, true}) {
      String plain = CookieHeaders.forwardPlain(h, NAME, deleteOurs);
      Statistics.label("path").collect(plain == CookieHeaders.NOT_PLAIN ? "writer" : "plain");
      String legacy = LegacyCookieHeaders.forwardRequestHeader(h, NAME, false, deleteOurs);
      String now = CookieHeaders.forwardRequestHeader(h, NAME, false, deleteOurs);
      assertEquals(legacy, now, () -> "deleteOurs " + deleteOurs + ", \"" + h + "\"");
      assertEquals(legacy == h, now == h, "same instance when unchanged");
      if (plain != CookieHeaders.NOT_PLAIN) {
        assertEquals(now, plain);
        assertEquals(now == h, plain == h, "same instance when unchanged");
      }
    }
    // seed 1204: 87 % of the headers take the plain path (the others hold "SERVERID=" followed by a blank)
    Statistics.label("path").coverage(c -> c.check("plain").percentage(p -> p > 50));
  }

  /** {@code c0=v0; SERVERID=s1; c1=v1; SERVERID=s1; ...}: {@code cookies} cookies, every second one ours. */
  static String alternating(int cookies) {
    StringJoiner j = new StringJoiner("; ");
    for (int i = 0; i < cookies; i++) {
      j.add(i % 2 == 0 ? "c" + i / 2 + "=v" + i / 2 : "SERVERID=s1");
    }
    return j.toString();
  }

  static String others(int cookies) {
    StringJoiner j = new StringJoiner("; ");
    for (int i = 0; i < cookies; i += 2) {
      j.add("c" + i / 2 + "=v" + i / 2);
    }
    return j.toString();
  }

  @Example
  void sixtyFourThousandCookiesWithHalfOfThemOurs() {
    String h = alternating(65_536);
    assertEquals(others(65_536), CookieHeaders.forwardRequestHeader(h, NAME, false, true));
    String prefixed = h.replace("SERVERID=s1", "SERVERID=s1~app");
    assertEquals(h.replace("SERVERID=s1", "SERVERID=app"),
        CookieHeaders.forwardRequestHeader(prefixed, NAME, true, false));
    assertSame(h, CookieHeaders.forwardRequestHeader(h, NAME, false, false));
    String onlyOurs = "SERVERID=s1; ".repeat(65_535) + "SERVERID=s1";
    assertNull(CookieHeaders.forwardRequestHeader(onlyOurs, NAME, false, true));
  }

  @Example
  void fourThousandCookiesAsTheLegacyLoop() {
    String h = alternating(4096).replace("; c1", " ;\tc1").replace("SERVERID=s1; c2", "SERVERID = s1 , c2");
    for (int flags = 0; flags < 4; flags++) {
      boolean stripPrefix = (flags & 1) != 0;
      boolean deleteOurs = (flags & 2) != 0;
      assertEquals(LegacyCookieHeaders.forwardRequestHeader(h, NAME, stripPrefix, deleteOurs),
          CookieHeaders.forwardRequestHeader(h, NAME, stripPrefix, deleteOurs));
    }
  }

  @Example
  void theScratchBufferIsNotKeptForHugeHeadersAndServesTheNextCall() {
    String huge = alternating(20_000);
    assertEquals(others(20_000), CookieHeaders.forwardRequestHeader(huge, NAME, false, true));
    assertEquals("a=1; b=2", CookieHeaders.forwardRequestHeader("a=1; SERVERID=s1; b=2", NAME, false, true));
    assertEquals(others(20_000), CookieHeaders.forwardRequestHeader(huge, NAME, false, true));
  }
}
