package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.HostileViews.Chars;
import io.veza.routing.HostileViews.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 11 item 4: nothing on the request and response path throws, whatever the views do (lengths that lie,
 * {@code charAt} or {@code toString} that throw, {@code headerCount} of {@link Integer#MAX_VALUE} or negative,
 * headers that throw or are null, garbage values), over pools of 1 to 50 servers in random states with every balance
 * mode and every cookie mode; and the work is bounded: a call reads at most a few times {@code maxCookieHeaders}
 * headers, counted on the view, however many it claims.
 */
class RouteNeverThrowsProperties {

  static final CookieSigning SIGNING = CookieSigning.hmacSha256("never-throws-key-0123456789"
      .getBytes(StandardCharsets.US_ASCII));

  static final List<Balance> BALANCES = List.of(Balance.roundRobin(), Balance.uri(), Balance.uri().whole().len(7)
      .depth(2), Balance.uri().pathOnly(), Balance.header("X-User"), Balance.queryParam("u"), Balance.pathSegment(1),
      Balance.key(r -> r.method().substring(1)), Balance.key(r -> r.header("X-User", 0)));

  static final List<CookiePersistence> COOKIES = List.of(
      CookiePersistence.insert("SERVERID").indirect().nocache().build(),
      CookiePersistence.insert("SERVERID").indirect().maxIdleSeconds(60).maxLifeSeconds(3600).signed(SIGNING)
          .build(),
      CookiePersistence.insert("S").postonly().preserve().httpOnly().secure().domain(".veza.io").build(),
      CookiePersistence.prefix("JSESSIONID").indirect().build(),
      CookiePersistence.prefix("SERVERID").signed(SIGNING).build(),
      CookiePersistence.rewrite("SRV").build(),
      CookiePersistence.passive("SERVERID").indirect().preserve().build(),
      CookiePersistence.insert("SERVERID").dynamic().dynamicKey("k").build());

  record Config(int servers, int balance, int cookie, boolean stick, boolean allBackups, boolean persist,
                int maxHeaders, int maxBytes, long states) {}

  @Provide
  Arbitrary<Config> configs() {
    return Combinators.combine(Arbitraries.integers().between(1, 50), Arbitraries.integers().between(0,
            BALANCES.size() - 1), Arbitraries.integers().between(-1, COOKIES.size() - 1), Arbitraries.of(true, false),
        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(1, 8, 101),
        Arbitraries.of(64, 16384)).as((n, b, c, st, ab, pe, mh, mb) -> new Config(n, b, c, st, ab, pe, mh, mb, 0))
        .flatMap(c -> Arbitraries.longs().map(s -> new Config(c.servers(), c.balance(), c.cookie(), c.stick(),
            c.allBackups(), c.persist(), c.maxHeaders(), c.maxBytes(), s)));
  }

  static BackendPool pool(Config c) {
    BackendPool.Builder b = Pools.builder("fuzz").balance(BALANCES.get(c.balance())).redispatch(true)
        .allBackups(c.allBackups()).persist(c.persist()).retries(2).maxCookieHeaders(c.maxHeaders())
        .maxCookieBytes(c.maxBytes());
    if (c.cookie() >= 0) {
      b.cookie(COOKIES.get(c.cookie()));
    }
    if (c.stick()) {
      b.stickOn(r -> r.header("X-Token", 0), 100, Duration.ofMinutes(1));
    }
    java.util.Random random = new java.util.Random(c.states());
    for (int i = 0; i < c.servers(); i++) {
      int k = i;
      boolean dynamic = c.cookie() == COOKIES.size() - 1;
      b.server("s" + i, dynamic ? Pools.resolved(i) : Pools.addr(i), s -> s.cookie(dynamic && k % 2 == 0 ? null
          : "c" + k % 7).backup(random.nextInt(5) == 0).id(random.nextBoolean() ? k + 1 : 0));
    }
    BackendPool pool = b.build();
    for (Server s : pool.servers()) {
      Pools.apply(pool, s.id(), Pools.State.values()[random.nextInt(Pools.State.values().length)]);
    }
    return pool;
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().withChars("/?&=;,|~\"% \t\r\n\u0000SERVIDJSONabc0123:.").ofMaxLength(80),
        Arbitraries.of("SERVERID=c1", "SERVERID=c3; a=1", "JSESSIONID=c2~abc", "SRV=c4", "S=c0|ZVPxA|ZVPxA",
            "/hls/track-1/seg.ts", "/p?u=42", "http://h/a/b?x"),
        Arbitraries.just(null));
  }

  @Provide
  Arbitrary<List<String>> texts() {
    return text().list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.oneOf(Arbitraries.of("GET", "POST", "HEAD", "", "G"), text());
  }

  @Property(tries = 1500, seed = "1104")
  void noPoolCallThrowsWhateverTheViewsDo(@ForAll("configs") Config config, @ForAll("methods") String method,
      @ForAll("text") String uri, @ForAll("texts") List<String> cookies, @ForAll("texts") List<String> headers,
      @ForAll Chars chars, @ForAll Headers mode, @ForAll Chars responseChars, @ForAll Headers responseMode,
      @ForAll("texts") List<String> setCookies, @ForAll("texts") List<String> cacheControl,
      @ForAll int status) {
    BackendPool pool = pool(config);
    HostileViews.Request request = new HostileViews.Request(method, uri, cookies, headers, chars, mode);
    long cap = 4L * config.maxHeaders() + 16;

    long before = request.headerCalls.get();
    RouteDecision d = pool.route(request);
    assertNotNull(d);
    assertTrue(d.server() == null || d.server().isMember());
    assertTrue(request.headerCalls.get() - before <= cap, "route read too many headers: " + request.headerCalls);

    for (int failures = 1; failures <= 3; failures++) {
      RouteDecision r = pool.retry(request, d, failures);
      assertTrue(r == null || r.server() == null || r.server().isMember());
    }
    pool.retry(request, RouteDecision.NO_SERVER, 1);

    before = request.headerCalls.get();
    RequestEdits edits = pool.editRequest(d, request);
    assertNotNull(edits);
    assertTrue(request.headerCalls.get() - before <= cap, "editRequest read too many headers: "
        + (request.headerCalls.get() - before));
    // what reaches the backend: the edited headers, or the request's own when there is nothing to edit
    List<String> forwarded = edits.replacesCookies() ? edits.cookieHeaders()
        : cookies.stream().filter(java.util.Objects::nonNull).toList();
    if (config.cookie() >= 0 && chars == Chars.PLAIN && mode == Headers.PLAIN) {
      for (String h : forwarded) {
        assertTrue(h.indexOf('\r') < 0 && h.indexOf('\n') < 0 && h.indexOf('\0') < 0, "CR/LF/NUL forwarded: "
            + h.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + " by " + edits);
      }
    }
    for (String h : cookies) {
      if (h != null) {
        CharSequence fwd = pool.forwardCookieHeader(d, HostileViews.chars(h, chars, request.calls));
        // without a persistence cookie the pool leaves Cookie headers alone (documented): nothing to check
        if (fwd != null && chars == Chars.PLAIN && config.cookie() >= 0) {
          String f = fwd.toString();
          assertTrue(f.indexOf('\r') < 0 && f.indexOf('\n') < 0 && f.indexOf('\0') < 0, "CR/LF/NUL forwarded: " + f);
        }
      }
    }

    HostileViews.Response response = new HostileViews.Response(status, setCookies, cacheControl, responseChars,
        responseMode);
    ResponseEdits re = pool.editResponse(d, response);
    assertNotNull(re);
    assertTrue(response.calls.get() <= 2 * cap + 8, "editResponse read the view " + response.calls + " times");
    pool.editResponse(RouteDecision.NO_SERVER, response);
    if (d.server() != null) {
      pool.reportResponse(d.server(), status);
      pool.reportConnectFailure(d.server());
    }
  }

  @Property(tries = 200, seed = "1105")
  void aNullViewIsBalanced(@ForAll("configs") Config config) {
    BackendPool pool = pool(config);
    RouteDecision d = pool.route(null);
    assertNotNull(d);
    assertNotNull(pool.editRequest(d, null));
    assertNotNull(pool.editResponse(d, null));
    RouteDecision r = pool.retry(null, d, 1);
    assertTrue(r == null || r.server() == null || r.server().isMember());
  }
}
