package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz target for the whole routing decision: {@code route}, {@code retry}, the forwarded {@code Cookie}
 * headers and the response {@code Set-Cookie} rewrite, over the six pool configurations of
 * {@link RouteNeverThrowsProperties} (every balance mode, every cookie mode, a stick table, one server DOWN).
 * In {@code mvn verify} the corpus in {@code src/test/resources/io/veza/routing/RouteFuzzTestInputs/route/} runs as
 * a regression test; {@code JAZZER_FUZZ=1} fuzzes.
 *
 * <p>Input format (ISO-8859-1 so the corpus stays readable): line 1 the method, line 2 the request-target, then
 * {@code Cookie:} lines (one header each) and any other {@code Name: value} lines.
 */
class RouteFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void route(byte[] data) {
    String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
    String method = lines[0];
    String uri = lines.length > 1 ? lines[1] : null;
    List<String> cookies = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    for (int i = 2; i < lines.length; i++) {
      String line = lines[i];
      if (line.regionMatches(true, 0, "Cookie:", 0, 7)) {
        cookies.add(line.substring(7));
      } else {
        headers.add(line.indexOf(':') >= 0 ? line.substring(line.indexOf(':') + 1) : line);
      }
    }
    RequestView view = new RouteNeverThrowsProperties.ArrayableView(method, uri, cookies, headers);
    for (BackendPool pool : RouteNeverThrowsProperties.POOLS) {
      RouteDecision d = pool.route(view);
      assertNotNull(d);
      // three of four servers are usable in every pool, so a decision always names one, and never the DOWN one
      // unless a cookie (persist is off) or the stick table could have pinned it: neither accepts a DOWN server
      assertNotNull(d.server(), d::toString);
      assertTrue(d.server().index() != 1, () -> "server 1 is DOWN: " + d);
      RouteDecision r = pool.retry(view, d);
      assertNotNull(r.server(), r::toString);
      assertTrue(r.server().index() != d.server().index(), () -> "redispatch picks another server: " + r);
      List<String> forwarded = d.requestCookieHeaders(view);
      assertNotNull(forwarded);
      pool.rewriteResponseSetCookie(d, uri == null ? "SERVERID=x; path=/" : uri);
    }
  }
}
