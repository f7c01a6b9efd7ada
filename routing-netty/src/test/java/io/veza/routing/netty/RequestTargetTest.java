package io.veza.routing.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request-target rules of {@link RequestTarget}, one by one, and as properties over generated paths. */
class RequestTargetTest {

  private static String normalise(String raw) {
    RequestTarget t = new RequestTarget();
    assertTrue(t.parse(raw), raw);
    return t.target();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/hls/../api/v1/whoami|/api/v1/whoami",
      "/hls/%2e%2E/api/v1/whoami|/api/v1/whoami",
      "/a/b/c/./../../g|/a/g", // RFC 3986 5.2.4's example
      "/mid/content=5/../6|/mid/6",
      "/..|/",
      "/../../x|/x",
      "/a/..|/",
      "/a/.|/a/",
      "/a/./b/|/a/b/",
      "/.|/",
      "/a//../b|/a/b",
      "/a/%7Euser/%41|/a/~user/A", // unreserved: decoded
      "/a/%2f/%2F/%3a|/a/%2F/%2F/%3A", // reserved: kept, hex upper-cased
      "/a/%2e%2e%2fb|/a/..%2Fb", // an encoded slash never separates segments
      "/q/../r?x=/../%2e&y|/r?x=/../%2e&y", // the query is kept
      "/plain/path?a=b|/plain/path?a=b",
      "*|*"})
  void normalises(String raw, String expected) {
    assertEquals(expected, normalise(raw));
  }

  @Test
  void aTargetThatNeedsNoChangeIsReturnedAsTheSameString() {
    String raw = new String("/api/v1/whoami?x=1");
    RequestTarget t = new RequestTarget();
    assertTrue(t.parse(raw));
    assertSame(raw, t.target());
    assertEquals("/api/v1/whoami", t.path().toString());
    assertTrue(t.pathStartsWith("/api/"));
    assertFalse(t.pathStartsWith("/api/v1/whoami?"));
    assertNull(t.authority());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://veza.example/api/x?y|/api/x?y|veza.example",
      "HTTPS://veza.example:8443/a/../b|/b|veza.example:8443",
      "http://veza.example|/|veza.example",
      "http://veza.example?q=1|/?q=1|veza.example",
      "http://[::1]:8080/x|/x|[::1]:8080"})
  void absoluteFormBecomesOriginFormWithItsAuthority(String raw, String origin, String authority) {
    RequestTarget t = new RequestTarget();
    assertTrue(t.parse(raw));
    assertEquals(origin, t.target());
    assertEquals(authority, t.authority());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/a\u0000b", "/a\rb", "/a\nb", "/a\tb", "/a b", "/a\u007fb", "/a\u0080", "/caf\u00e9",
      "/a#frag", "/a/%", "/a/%4", "/a/%4g", "/a/%g4", "example.com:443", "ftp://host/x", "http://", "http:///x",
      "http://user@host/x", "a/b", "**"})
  void rejects(String raw) {
    assertFalse(new RequestTarget().parse(raw), raw);
  }

  // ------------------------------------------------------------------------------------------ properties

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of(".", "..", "", "%2e", "%2E%2e", "a", "b", "%41", "%2f", "%7e", "x.y", "..a", ".b"),
        Arbitraries.strings().withChars("abz09-._~%2F").ofMaxLength(4)
            .filter(s -> !s.contains("%") || s.matches("(%[0-9A-Fa-f]{2}|[^%])*")));
    return segment.list().ofMaxSize(8).map(l -> "/" + String.join("/", l));
  }

  @Property(seed = "15")
  void normalisingIsIdempotent(@ForAll("paths") String path) {
    String once = normalise(path);
    assertEquals(once, normalise(once));
  }

  @Property(seed = "15")
  void theResultHasNoDotSegmentsAndMatchesTheRfcAlgorithm(@ForAll("paths") String path) {
    String out = normalise(path);
    assertTrue(out.startsWith("/"));
    for (String seg : out.substring(1).split("/", -1)) {
      assertFalse(seg.equals(".") || seg.equals(".."), out);
    }
    assertEquals(reference(decodeUnreserved(path)), out);
  }

  /** RFC 3986 5.2.4 written as the RFC states it: an input buffer and an output buffer of strings. */
  static String reference(String input) {
    StringBuilder in = new StringBuilder(input);
    StringBuilder out = new StringBuilder();
    while (in.length() > 0) {
      String s = in.toString();
      if (s.startsWith("../")) {
        in.delete(0, 3);
      } else if (s.startsWith("./")) {
        in.delete(0, 2);
      } else if (s.startsWith("/./")) {
        in.delete(0, 2);
      } else if (s.equals("/.")) {
        in.replace(0, 2, "/");
      } else if (s.startsWith("/../")) {
        in.delete(0, 3);
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
      } else if (s.equals("/..")) {
        in.replace(0, 3, "/");
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
      } else if (s.equals(".") || s.equals("..")) {
        in.setLength(0);
      } else {
        int next = s.indexOf('/', s.startsWith("/") ? 1 : 0);
        int end = next < 0 ? s.length() : next;
        out.append(s, 0, end);
        in.delete(0, end);
      }
    }
    return out.toString();
  }

  private static String decodeUnreserved(String path) {
    List<String> parts = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        char d = (char) Integer.parseInt(path.substring(i + 1, i + 3), 16);
        if (Character.isLetterOrDigit(d) && d < 128 || "-._~".indexOf(d) >= 0) {
          b.append(d);
        } else {
          b.append('%').append(path.substring(i + 1, i + 3).toUpperCase(java.util.Locale.ROOT));
        }
        i += 2;
      } else {
        b.append(c);
      }
    }
    parts.add(b.toString());
    return parts.get(0);
  }
}
