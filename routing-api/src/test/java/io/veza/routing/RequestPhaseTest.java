package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request phase ({@link BackendPool#editRequest}, {@link BackendPool#forwardCookieHeader}) as HAProxy's
 * {@code http_manage_client_side_cookies} edits the {@code Cookie} headers, request parsing by HAProxy's grammar,
 * and the caps on the work per request (past a cap the persistence cookie counts as absent, never an exception).
 */
class RequestPhaseTest {

  static BackendPool pool(CookiePersistence.Builder cookie, String... values) {
    return ResponsePhaseTest.pool(cookie, values);
  }

  static List<String> forwarded(BackendPool pool, TestRequest r) {
    RequestEdits e = pool.editRequest(pool.route(r), r);
    if (!e.replacesCookies()) {
      List<String> same = new java.util.ArrayList<>();
      for (int i = 0; i < r.headerCount("Cookie"); i++) {
        same.add(r.header("Cookie", i).toString());
      }
      return same;
    }
    return e.cookieHeaders();
  }

  @Test
  void insertIndirectRemovesOurCookieFromTheRequest() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID").indirect(), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals("a=1; b=2", pool.forwardCookieHeader(d, "a=1; SERVERID=s1; b=2"));
    assertEquals("a=1", pool.forwardCookieHeader(d, "a=1; SERVERID=s1"));
    assertEquals("b=2", pool.forwardCookieHeader(d, "SERVERID=s1; b=2"));
    assertNull(pool.forwardCookieHeader(d, "SERVERID=s1"), "nothing left: remove the header");
    assertNull(pool.forwardCookieHeader(d, "SERVERID=s1; $Path=/"), "its $attributes go with it");
    String untouched = "a=1; b=2";
    assertSame(untouched, pool.forwardCookieHeader(d, untouched));
    assertEquals(List.of("lang=fr", "b=2"), forwarded(pool, TestRequest.get("/").header("Cookie",
        "lang=fr; SERVERID=s1").header("Cookie", "SERVERID=s1").header("Cookie", "b=2")));
  }

  @Test
  void insertWithoutIndirectForwardsOurCookie() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1");
    TestRequest r = TestRequest.withCookie("a=1; SERVERID=s1");
    assertSame(RequestEdits.NONE, pool.editRequest(pool.route(r), r));
  }

  @Test
  void spacesAroundEqualsAreNormalisedOnEveryRequestWhenACookieIsConfigured() {
    for (CookiePersistence.Builder c : List.of(CookiePersistence.insert("SERVERID"),
        CookiePersistence.passive("SERVERID"), CookiePersistence.rewrite("SERVERID"),
        CookiePersistence.prefix("SERVERID"))) {
      BackendPool pool = pool(c, "s1");
      assertEquals(List.of("a=1; b=2"), forwarded(pool, TestRequest.withCookie("a = 1; b= 2")), c.build().toString());
      assertEquals(List.of("x=\"a = b\"; SERVERID=s1"), forwarded(pool, TestRequest.withCookie(
          "x =\"a = b\"; SERVERID\t=\ts1")), "quoted values are kept, " + c.build());
    }
    BackendPool none = Pools.builder("p").server("s", Pools.addr(0)).build();
    TestRequest r = TestRequest.withCookie("a = 1");
    assertSame(RequestEdits.NONE, none.editRequest(none.route(r), r), "no cookie configured: untouched");
  }

  @Test
  void prefixModeStripsTheServerPrefix() {
    BackendPool pool = pool(CookiePersistence.prefix("JSESSIONID"), "s1", "s2");
    TestRequest r = TestRequest.withCookie("JSESSIONID=s2~0123abc; lang=fr");
    RouteDecision d = pool.route(r);
    assertEquals("s1", Pools.id(d));
    assertEquals(Reason.PERSISTED, d.reason());
    assertEquals(List.of("JSESSIONID=0123abc; lang=fr"), pool.editRequest(d, r).cookieHeaders());
  }

  @Test
  void crLfAndNulNeverReachAForwardedHeader() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1");
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals("a=1; c=3", pool.forwardCookieHeader(d, "a=1; b=x\r\nInjected: y; c=3"));
    assertEquals("a=1", pool.forwardCookieHeader(d, "a=1; b=\u0000"));
    assertNull(pool.forwardCookieHeader(d, "b=\n"));
    TestRequest r = TestRequest.get("/").header("Cookie", "ok=1").header("Cookie", "evil=\r\nX: y");
    for (String h : forwarded(pool, r)) {
      assertTrue(h.indexOf('\r') < 0 && h.indexOf('\n') < 0 && h.indexOf('\0') < 0, h);
    }
  }

  @Test
  void requestParsingFollowsHaproxyGrammar() {
    BackendPool pool = pool(CookiePersistence.insert("SERVERID"), "s1", "s2");
    assertEquals("s1", Pools.id(pool.route(TestRequest.withCookie("a=1; SERVERID=s2; b=2"))));
    assertEquals("s1", Pools.id(pool.route(TestRequest.withCookie("a=1,SERVERID = \ts2 ,b=2"))));
    assertEquals("s1", Pools.id(pool.route(TestRequest.withCookie("$Version=1; SERVERID=s2; $Path=/"))));
    assertEquals(Reason.BALANCED, pool.route(TestRequest.withCookie("serverid=s2")).reason(), "case-sensitive");
    assertEquals(Reason.INVALID_COOKIE, pool.route(TestRequest.withCookie("SERVERID=\"s2\"")).reason(),
        "quotes are part of the value");
    assertEquals(Reason.INVALID_COOKIE, pool.route(TestRequest.withCookie("SERVERID=")).reason());
    assertEquals(Reason.INVALID_COOKIE, pool.route(TestRequest.withCookie("SERVERID=s3")).reason());
    assertEquals(Reason.BALANCED, pool.route(TestRequest.withCookie("SERVERID; s2")).reason(), "no '=': skipped");
    assertEquals("s1", Pools.id(pool.route(TestRequest.withCookie("x=\"a;SERVERID=s1\"; SERVERID=s2"))),
        "a quoted ';' does not split");
    assertEquals("s0", Pools.id(pool.route(TestRequest.withCookie("SERVERID=s1; SERVERID=s2"))),
        "the first occurrence designating an eligible server wins");
    assertEquals("s1", Pools.id(pool.route(TestRequest.get("/").header("Cookie", "SERVERID=bogus")
        .header("Cookie", "SERVERID=s2"))), "headers are read in order");
  }

  // ------------------------------------------------------------------ caps (issue 9 item 6)

  @Test
  void moreCookieHeadersThanTheCapMeanNoCookie() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").indirect().build())
        .maxCookieHeaders(3).server(ServerSpec.builder("s0", Pools.addr(0)).cookie("a").build())
        .server(ServerSpec.builder("s1", Pools.addr(1)).cookie("b").build()).build();
    TestRequest three = TestRequest.get("/").header("Cookie", "x=1").header("Cookie", "y=2")
        .header("Cookie", "SERVERID=b");
    assertEquals(Reason.PERSISTED, pool.route(three).reason());
    TestRequest four = TestRequest.get("/").header("Cookie", "x=1").header("Cookie", "y=2")
        .header("Cookie", "SERVERID=b").header("Cookie", "z=3; SERVERID=b");
    RouteDecision d = pool.route(four);
    assertTrue(d.reason() == Reason.BALANCED, "past the cap the cookie counts as absent: " + d);
    RequestEdits e = pool.editRequest(d, four);
    assertEquals(List.of("x=1", "y=2"), e.cookieHeaders(), "the inspected headers, edited; the rest dropped");
  }

  @Test
  void moreCookieBytesThanTheCapMeanNoCookie() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").build()).maxCookieBytes(40)
        .server(ServerSpec.builder("s0", Pools.addr(0)).cookie("a").build())
        .server(ServerSpec.builder("s1", Pools.addr(1)).cookie("b").build()).build();
    assertEquals(Reason.PERSISTED, pool.route(TestRequest.withCookie("pad=" + "x".repeat(20) + "; SERVERID=b"))
        .reason());
    RouteDecision d = pool.route(TestRequest.get("/").header("Cookie", "pad=" + "x".repeat(30))
        .header("Cookie", "SERVERID=b"));
    assertEquals(Reason.BALANCED, d.reason(), "41+ characters: absent");
  }

  @Test
  void aHugeHeaderCountIsReadOnlyUpToTheCap() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").indirect().build())
        .maxCookieHeaders(101).server(ServerSpec.builder("s0", Pools.addr(0)).cookie("a").build()).build();
    HostileViews.Request r = new HostileViews.Request("GET", "/", List.of("SERVERID=a"), List.of(),
        HostileViews.Chars.PLAIN, HostileViews.Headers.HUGE_COUNT_REPEATING);
    RouteDecision d = pool.route(r);
    assertEquals(Reason.BALANCED, d.reason());
    assertEquals(0, r.headerCalls.get(), "route: a count above the cap is enough to give up");
    RequestEdits e = pool.editRequest(d, r);
    assertTrue(r.headerCalls.get() <= 2 * 101, "editRequest read " + r.headerCalls + " headers");
    assertEquals(List.of(), e.cookieHeaders());
  }
}
