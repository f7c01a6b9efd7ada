package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.OperationalState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response phase ({@link BackendPool#editResponse}) against the exact strings HAProxy produces
 * ({@code http_process_res_common}, {@code http_manage_server_side_cookies}, {@code
 * http_check_response_for_cacheability} of src/http_ana.c, 2.6): Set-Cookie formats and attribute order, dates,
 * dynamic and signed values, backend Set-Cookie handling per mode, and {@code nocache} by cacheability.
 */
class ResponsePhaseTest {
  static final long NOW = Pools.NOW_SECONDS; // "ZVPxA"

  static BackendPool pool(CookiePersistence.Builder cookie, String... values) {
    BackendPool.Builder b = Pools.builder("p").cookie(cookie.build());
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).cookie(v).build());
    }
    return b.build();
  }

  /** The decision for a request without cookie that lands on server {@code id} (round robin, so route until it does). */
  static RouteDecision balancedTo(BackendPool pool, TestRequest r, String id) {
    for (int k = 0; k < 64; k++) {
      RouteDecision d = pool.route(r);
      if (id.equals(Pools.id(d))) {
        return d;
      }
    }
    throw new AssertionError("never routed to " + id);
  }

  static List<String> setCookies(BackendPool pool, RouteDecision d, TestResponse response) {
    ResponseEdits e = pool.editResponse(d, response);
    return e.replacesSetCookies() ? e.setCookies() : List.of();
  }

  // ------------------------------------------------------------------ insert: formats

  @Test
  void insertWritesNameValueAndPath() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1", "s2");
    RouteDecision d = balancedTo(pool, TestRequest.get("/"), "s1");
    assertEquals(List.of("SERVERID=s2; path=/"), setCookies(pool, d, TestResponse.ok()));
  }

  @Test
  void insertAttributesInHaproxyOrder() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").attr("SameSite=Lax").secure().httpOnly()
        .domain(".veza.io").domain(".veza.fm").attr("Partitioned"), "s1");
    assertEquals(List.of("SERVERID=s1; path=/; domain=.veza.io; domain=.veza.fm; HttpOnly; Secure; SameSite=Lax;"
        + " Partitioned"), setCookies(pool, pool.route(TestRequest.get("/")), TestResponse.ok()));
  }

  @Test
  void serverWithoutCookieGetsHaproxyRemoval() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").httpOnly(), (String) null);
    assertEquals(List.of("SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; HttpOnly"),
        setCookies(pool, pool.route(TestRequest.get("/")), TestResponse.ok()));
  }

  @Test
  void undatedSetCookieIsAPrecomputedConstant() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertSame(setCookies(pool, d, TestResponse.ok()).get(0), setCookies(pool, d, TestResponse.ok()).get(0));
  }

  @Test
  void aClientHoldingAValidCookieGetsNoneUnlessItIsReRouted() {
    BackendPool pool = Pools.builder("p").redispatch(true).cookie(CookiePersistence.insert("SERVERID").indirect()
        .build()).server(ServerSpec.builder("s0", Pools.addr(0)).cookie("s1").build())
        .server(ServerSpec.builder("s1", Pools.addr(1)).cookie("s2").build()).build();
    TestRequest r = TestRequest.withCookie("SERVERID=s2");
    RouteDecision d = pool.route(r);
    assertEquals(Reason.PERSISTED, d.reason());
    assertEquals(ResponseEdits.NONE, pool.editResponse(d, TestResponse.ok()));
    assertSame(d, pool.retry(r, d, 1), "retries 3: the first two retries stay on the server");
    RouteDecision moved = pool.retry(r, d, 3); // the last retry redispatches: the client is re-pinned
    assertEquals(Reason.REDISPATCHED, moved.reason());
    assertEquals(List.of("SERVERID=s1; path=/"), setCookies(pool, moved, TestResponse.ok()));
  }

  @Test
  void postonlyInsertsOnlyOnPost() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").postonly(), "s1");
    assertEquals(ResponseEdits.NONE, pool.editResponse(pool.route(TestRequest.get("/")), TestResponse.ok()));
    assertEquals(List.of("SERVERID=s1; path=/"), setCookies(pool, pool.route(TestRequest.post("/")),
        TestResponse.ok()));
  }

  @Test
  void aDownServersCookieIsReplaced() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1", "s2");
    pool.setHealth("s0", OperationalState.DOWN);
    RouteDecision d = pool.route(TestRequest.withCookie("SERVERID=s1"));
    assertEquals(Reason.COOKIE_SERVER_DOWN, d.reason());
    assertEquals(List.of("SERVERID=s2; path=/"), setCookies(pool, d, TestResponse.ok()));
  }

  // ------------------------------------------------------------------ dates (maxidle / maxlife)

  @Test
  void maxidleAddsLastDateAndMaxlifeAddsFirst() {
    BackendPool idle = pool(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    assertEquals(List.of("SERVERID=s1|ZVPxA; path=/"), setCookies(idle, idle.route(TestRequest.get("/")),
        TestResponse.ok()));
    BackendPool life = pool(CookiePersistence.insert("SERVERID").maxLifeSeconds(86400), "s1");
    assertEquals(List.of("SERVERID=s1|ZVPxA|ZVPxA; path=/"), setCookies(life, life.route(TestRequest.get("/")),
        TestResponse.ok()));
  }

  @Test
  void reissueKeepsTheFirstDateAndRefreshesTheLast() {
    Pools.TestClock clock = new Pools.TestClock(NOW + 100);
    BackendPool pool = Pools.builder("p").wallClock(clock).cookie(CookiePersistence.insert("SERVERID")
        .maxIdleSeconds(3600).maxLifeSeconds(86400).build()).server(ServerSpec.builder("s0", Pools.addr(0))
        .cookie("s1").build()).build();
    RouteDecision d = pool.route(TestRequest.withCookie("SERVERID=s1|ZVPxA|ZVPxA"));
    assertEquals(Reason.PERSISTED, d.reason());
    // (1700000100 + 3) >> 2 = 425000025 = "ZVPxZ"; FIRST kept
    assertEquals(List.of("SERVERID=s1|ZVPxZ|ZVPxA; path=/"), setCookies(pool, d, TestResponse.ok()));
  }

  @Test
  void maxidleExpiresAnIdleCookieAndDatesADayAheadAreInvalid() {
    Pools.TestClock clock = new Pools.TestClock(NOW);
    BackendPool pool = Pools.builder("p").wallClock(clock).cookie(CookiePersistence.insert("SERVERID")
        .maxIdleSeconds(3600).build()).server(ServerSpec.builder("s0", Pools.addr(0)).cookie("s1").build()).build();
    String issued = "SERVERID=s1|" + CookieDates.encode(NOW);
    clock.advance(Duration.ofSeconds(3600));
    assertEquals(Reason.PERSISTED, pool.route(TestRequest.withCookie(issued)).reason());
    clock.advance(Duration.ofSeconds(1));
    RouteDecision expired = pool.route(TestRequest.withCookie(issued));
    assertEquals(Reason.INVALID_COOKIE, expired.reason());
    assertEquals(List.of("SERVERID=s1|" + CookieDates.encode(NOW + 3601) + "; path=/"),
        setCookies(pool, expired, TestResponse.ok()));
    Pools.TestClock now = new Pools.TestClock(NOW);
    BackendPool p2 = Pools.builder("p").wallClock(now).cookie(CookiePersistence.insert("SERVERID")
        .maxIdleSeconds(3600).build()).server(ServerSpec.builder("s0", Pools.addr(0)).cookie("s1").build()).build();
    assertEquals(Reason.PERSISTED, p2.route(TestRequest.withCookie("SERVERID=s1|" + CookieDates.encode(NOW + 86400)))
        .reason());
    assertEquals(Reason.INVALID_COOKIE, p2.route(TestRequest.withCookie("SERVERID=s1|"
        + CookieDates.encode(NOW + 86408))).reason());
  }

  // ------------------------------------------------------------------ dynamic and signed

  @Test
  void dynamicValuesFollowTheAddress() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").dynamic().dynamicKey("veza")
        .build()).server(ServerSpec.of("s0", Pools.resolved(1))).build();
    Server s = pool.server("s0").orElseThrow();
    String before = s.cookieValue();
    assertEquals(CookieXxh64.dynamicCookie("veza", Pools.resolved(1).getAddress(), 8080), before);
    assertEquals(List.of("SERVERID=" + before + "; path=/"), setCookies(pool, pool.route(TestRequest.get("/")),
        TestResponse.ok()));
    pool.setAddress("s0", Pools.resolved(2)); // HAProxy srv_set_dyncookie: the value follows the address
    String after = s.cookieValue();
    assertEquals(CookieXxh64.dynamicCookie("veza", Pools.resolved(2).getAddress(), 8080), after);
    assertEquals(Reason.PERSISTED, pool.route(TestRequest.withCookie("SERVERID=" + after)).reason());
    assertEquals(Reason.INVALID_COOKIE, pool.route(TestRequest.withCookie("SERVERID=" + before)).reason());
  }

  @Test
  void signedInsertRoundTripsAndRejectsForgery() {
    CookieSigning signing = CookieSigning.hmacSha256("0123456789abcdef0123".getBytes());
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").signed(signing), "s1", "s2");
    RouteDecision d = balancedTo(pool, TestRequest.get("/"), "s1");
    String sc = setCookies(pool, d, TestResponse.ok()).get(0);
    String value = sc.substring("SERVERID=".length(), sc.indexOf(';'));
    assertTrue(value.startsWith("s2."), value);
    assertEquals("s1", Pools.id(pool.route(TestRequest.withCookie("SERVERID=" + value))));
    RouteDecision forged = pool.route(TestRequest.withCookie("SERVERID=s2"));
    assertEquals(Reason.INVALID_COOKIE, forged.reason());
  }

  // ------------------------------------------------------------------ backend Set-Cookie per mode

  @Test
  void insertDeletesTheBackendsOwnCookieUnlessPreserve() {
    BackendPool insert = pool(CookiePersistence.insert("SERVERID"), "s1");
    RouteDecision d = insert.route(TestRequest.get("/"));
    assertEquals(List.of("other=1; path=/", "SERVERID=s1; path=/"), setCookies(insert, d, TestResponse.ok()
        .setCookie("SERVERID=x; path=/").setCookie("other=1; path=/")));
    BackendPool preserve = pool(CookiePersistence.insert("SERVERID").preserve(), "s1");
    RouteDecision p = preserve.route(TestRequest.get("/"));
    // the backend's own cookie stays and ours is not added: one SERVERID reaches the browser
    assertEquals(ResponseEdits.NONE, preserve.editResponse(p, TestResponse.ok().setCookie("SERVERID=; Max-Age=0")));
    assertEquals(List.of("SERVERID=s1; path=/"), setCookies(preserve, p, TestResponse.ok()));
  }

  @Test
  void rewriteReplacesTheBackendValueAndNormalisesSpaces() {
    BackendPool pool = pool(CookiePersistence.rewrite("SERVERID"), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(List.of("SERVERID=s1; path=/"), setCookies(pool, d, TestResponse.ok()
        .setCookie("SERVERID = backend-set; path=/")));
    assertEquals(List.of("a=1"), setCookies(pool, d, TestResponse.ok().setCookie("a = 1")));
    assertEquals(ResponseEdits.NONE, pool.editResponse(d, TestResponse.ok().setCookie("a=1")));
  }

  @Test
  void prefixPrependsTheServerValue() {
    BackendPool pool = pool(CookiePersistence.prefix("JSESSIONID"), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(List.of("JSESSIONID=s1~0123abc; path=/; HttpOnly", "other=1"), setCookies(pool, d,
        TestResponse.ok().setCookie("JSESSIONID=0123abc; path=/; HttpOnly").setCookie("other=1")));
  }

  @Test
  void passiveIndirectDeletesTheBackendCookieOnDirectRequestsOnly() {
    BackendPool pool = pool(CookiePersistence.passive("SERVERID").indirect(), "s1");
    RouteDecision direct = pool.route(TestRequest.withCookie("SERVERID=s1"));
    RouteDecision balanced = pool.route(TestRequest.get("/"));
    TestResponse r = TestResponse.ok().setCookie("SERVERID=s1; path=/");
    assertEquals(new ResponseEdits(true, List.of(), null).toString(), pool.editResponse(direct, r).toString());
    assertEquals(ResponseEdits.NONE, pool.editResponse(balanced, r));
  }

  // ------------------------------------------------------------------ status classes

  @Test
  void interimResponsesAreLeftAloneAndUpgradesEdited() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").nocache(), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(ResponseEdits.NONE, pool.editResponse(d, TestResponse.status(100)));
    assertEquals(ResponseEdits.NONE, pool.editResponse(d, TestResponse.status(103).setCookie("SERVERID=x")));
    ResponseEdits upgrade = pool.editResponse(d, TestResponse.status(101));
    assertEquals(List.of("SERVERID=s1; path=/"), upgrade.setCookies());
    assertNull(upgrade.cacheControl(), "a 101 is never cacheable");
  }

  // ------------------------------------------------------------------ nocache by cacheability

  static String cacheControl(String method, TestResponse response) {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").nocache(), "s1");
    return pool.editResponse(pool.route(new TestRequest(method, "/")), response).cacheControl();
  }

  /** A 200 that HAProxy deems cacheable: it carries an explicit expiration time. */
  static TestResponse fresh(int status) {
    return TestResponse.status(status).header("Cache-Control", "max-age=60");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501})
  void cacheableStatusesGetPrivate(int status) {
    assertEquals("private", cacheControl("GET", fresh(status)));
    assertEquals("private", cacheControl("HEAD", fresh(status)));
    assertNull(cacheControl("GET", TestResponse.status(status)), "no expiration time and no validator");
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 202, 302, 303, 304, 307, 308, 400, 401, 403, 500, 502, 503})
  void otherStatusesAreNotCacheable(int status) {
    assertNull(cacheControl("GET", fresh(status)));
    assertEquals("private", cacheControl("GET", TestResponse.status(status).header("Cache-Control",
        "public, max-age=60")), "public makes any response cacheable");
    assertNull(cacheControl("GET", TestResponse.status(status).header("Cache-Control", "public")),
        "but not one without an expiration time or a validator");
  }

  @Test
  void onlyGetHeadOptionsTraceAreCacheableMethods() {
    assertEquals("private", cacheControl("OPTIONS", fresh(200)));
    assertEquals("private", cacheControl("TRACE", fresh(200)));
    assertNull(cacheControl("POST", fresh(200)));
    assertNull(cacheControl("PUT", fresh(200)));
    assertNull(cacheControl("get", fresh(200)), "methods are case-sensitive");
  }

  @Test
  void cacheControlAndPragmaFollowHaproxy() {
    assertNull(cacheControl("GET", fresh(200).header("Pragma", "no-cache")));
    assertEquals("private", cacheControl("GET", fresh(200).header("Pragma", "x").header("Pragma", "no-cache")),
        "only the first Pragma is read");
    for (String v : List.of("private", "no-cache", "no-store", "max-age=0", "s-maxage=0", "PRIVATE", " no-store ")) {
      assertNull(cacheControl("GET", TestResponse.ok().header("Cache-Control", v + ", s-maxage=60")), v);
    }
    assertEquals("private", cacheControl("GET", TestResponse.ok().header("Cache-Control",
        "no-cache=\"set-cookie\", max-age=60")), "no-cache=\"set-cookie\" only clears TX_CACHE_COOK");
    assertNull(cacheControl("GET", fresh(200).header("Cache-Control", "public, no-store")), "in order");
    assertEquals("private", cacheControl("GET", TestResponse.ok().header("Cache-Control", "no-store")
        .header("Cache-Control", "public, max-age=1")), "across headers, in order");
  }

  /**
   * HAProxy 2.6 (maintenance branch, the Debian 2.6.12 binary): a response with neither an explicit expiration time
   * nor a validator is not cacheable, so it gets no {@code Cache-control: private} (integration-tests/haproxy-interop
   * compares this with the real HAProxy).
   */
  @Test
  void freshnessOrValidatorIsRequired() {
    assertNull(cacheControl("GET", TestResponse.ok()));
    assertNull(cacheControl("GET", TestResponse.ok().header("Cache-Control", "public")));
    assertNull(cacheControl("GET", TestResponse.ok().header("Cache-Control", "must-revalidate, no-transform")));
    assertNull(cacheControl("GET", TestResponse.ok().header("Cache-Control", "max-age=0")),
        "max-age=0 makes it not cacheable, and is no freshness information");
    for (String v : List.of("max-age=60", "MAX-AGE=60", " s-maxage=5", "s-maxage=5, public", "max-agex")) {
      assertEquals("private", cacheControl("GET", TestResponse.ok().header("Cache-Control", v)),
          v + ": a value starting with max-age or s-maxage (istmatchi) is freshness information");
    }
    for (String[] h : List.of(new String[] {"Expires", "Thu, 01 Jan 2099 00:00:00 GMT"}, new String[] {"Expires", "0"},
        new String[] {"ETag", "\"x\""}, new String[] {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"})) {
      assertEquals("private", cacheControl("GET", TestResponse.ok().header(h[0], h[1])), h[0]);
    }
  }

  @Test
  void noCookieInsertedNoCacheControl() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").indirect().nocache(), "s1");
    RouteDecision pinned = pool.route(TestRequest.withCookie("SERVERID=s1"));
    assertEquals(ResponseEdits.NONE, pool.editResponse(pinned, TestResponse.ok()));
    BackendPool noNocache = pool(CookiePersistence.insert("SERVERID"), "s1");
    assertNull(noNocache.editResponse(noNocache.route(TestRequest.get("/")), TestResponse.ok()).cacheControl());
  }
}
