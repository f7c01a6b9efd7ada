package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veza.routing.HostileViews.Chars;
import io.veza.routing.HostileViews.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz target for the whole request and response path: {@code route}, {@code retry}, {@code editRequest},
 * {@code forwardCookieHeader} and {@code editResponse}, over pools of 1, 4, 50 and 1,000 servers in random states with
 * every balance mode and cookie mode ({@link RouteNeverThrowsProperties#pool}), through hostile views (the input picks
 * how the view's character sequences and header lookups misbehave). In {@code mvn verify} the corpus in
 * {@code src/test/resources/io/veza/routing/RouteFuzzTestInputs/route/} runs as a regression test;
 * {@code JAZZER_FUZZ=1} fuzzes.
 *
 * <p>Input format (ISO-8859-1 so the corpus stays readable): line 1 the method, line 2 the request-target, then
 * {@code Cookie:} lines (one header each), {@code Set-Cookie:} lines (the response's) and any other
 * {@code Name: value} lines. The input's length picks the view's misbehaviour (plain for most of the corpus).
 */
class RouteFuzzTest {

  static final List<BackendPool> POOLS = pools();

  private static List<BackendPool> pools() {
    List<BackendPool> out = new ArrayList<>();
    int[] sizes = {1, 4, 50, 1000};
    for (int i = 0; i < 12; i++) {
      out.add(RouteNeverThrowsProperties.pool(new RouteNeverThrowsProperties.Config(sizes[i % sizes.length],
          i % RouteNeverThrowsProperties.BALANCES.size(), i % (RouteNeverThrowsProperties.COOKIES.size() + 1) - 1,
          i % 3 == 0, i % 2 == 0, i % 5 == 0, i % 4 == 3 ? 2 : 101, 16384, i)));
    }
    return List.copyOf(out);
  }

  @FuzzTest(maxDuration = "30s")
  void route(byte[] data) {
    String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
    String method = lines[0];
    String uri = lines.length > 1 ? lines[1] : null;
    List<String> cookies = new ArrayList<>();
    List<String> setCookies = new ArrayList<>();
    List<String> headers = new ArrayList<>();
    for (int i = 2; i < lines.length; i++) {
      String line = lines[i];
      if (line.regionMatches(true, 0, "Cookie:", 0, 7)) {
        cookies.add(line.substring(7));
      } else if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
        setCookies.add(line.substring(11));
      } else {
        headers.add(line.indexOf(':') >= 0 ? line.substring(line.indexOf(':') + 1) : line);
      }
    }
    Chars chars = data.length % 7 < 3 ? Chars.PLAIN : Chars.values()[data.length % Chars.values().length];
    Headers mode = data.length % 5 < 2 ? Headers.PLAIN : Headers.values()[data.length % Headers.values().length];
    for (BackendPool pool : POOLS) {
      HostileViews.Request view = new HostileViews.Request(method, uri, cookies, headers, chars, mode);
      RouteDecision d = pool.route(view);
      assertNotNull(d);
      assertTrue(d.server() == null || d.server().isMember(), d::toString);
      for (int failures = 1; failures <= 3; failures++) {
        RouteDecision r = pool.retry(view, d, failures);
        assertTrue(r == null || r.server() == null || r.server().isMember());
      }
      assertNotNull(pool.editRequest(d, view));
      for (String c : cookies) {
        pool.forwardCookieHeader(d, HostileViews.chars(c, chars, view.calls));
      }
      assertNotNull(pool.editResponse(d, new HostileViews.Response(200, setCookies, headers, chars, mode)));
      assertTrue(view.headerCalls.get() <= 8L * 101 + 64, "header reads " + view.headerCalls);
    }
  }
}
