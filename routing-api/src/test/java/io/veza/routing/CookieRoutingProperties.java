package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CookieRoutingProperties {

  private static BackendPool apiPool(int n, boolean persist) {
    BackendPool.Builder b = BackendPool.builder("api")
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .persist(persist).ticker(new ManualTicker());
    for (int i = 0; i < n; i++) {
      int k = i;
      b.server("api" + i, Pools.addr(i), s -> s.cookie("a" + k));
    }
    return b.build();
  }

  @Provide
  Arbitrary<List<Pools.State>> states() {
    return Arbitraries.of(Pools.State.class).list().ofMinSize(2).ofMaxSize(6);
  }

  @Property(tries = 300)
  void cookieTrafficFollowsCookieEligibility(@ForAll("states") List<Pools.State> states,
                                             @ForAll @IntRange(min = 0, max = 5) int target,
                                             @ForAll boolean persist) {
    int n = states.size();
    int t = target % n;
    BackendPool pool = apiPool(n, persist);
    for (int i = 0; i < n; i++) {
      Pools.apply(pool.health(), i, states.get(i));
    }
    RouteDecision d = pool.route(TestRequest.get("/api").header("Cookie", "lang=fr; SERVERID=a" + t));
    Pools.State st = states.get(t);
    boolean persisted = st == Pools.State.UP || st == Pools.State.DRAIN || st == Pools.State.WEIGHT_0
        || (persist && st == Pools.State.DOWN);
    if (persisted) {
      assertEquals(Reason.PERSISTED, d.reason(), () -> st + " keeps its cookie clients: " + d);
      assertEquals(t, d.server().index());
      assertNull(d.setCookie(), "indirect: a client holding the right cookie gets none");
      assertTrue(d.rewriteRequestCookies());
      assertEquals(List.of("lang=fr"), d.requestCookieHeaders(TestRequest.get("/").header("Cookie",
          "lang=fr; SERVERID=a" + t)));
    } else {
      // DOWN (without persist) or MAINT: never cookie traffic; balanced elsewhere with a new cookie
      if (d.server() == null) {
        assertEquals(Reason.NO_SERVER, d.reason());
        return;
      }
      assertEquals(Reason.COOKIE_SERVER_DOWN, d.reason());
      assertNotEquals(t, d.server().index());
      assertEquals(Pools.State.UP, states.get(d.server().index()), "only balanceable servers get balanced traffic");
      assertEquals("SERVERID=a" + d.server().index() + "; path=/", d.setCookie());
      assertTrue(d.cacheControlPrivate());
    }
  }

  @Property(tries = 100)
  void insertThenRouteRoundTrips(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll @IntRange(min = 0, max = 50) int k) {
    BackendPool pool = apiPool(n, false);
    RouteDecision first = null;
    for (int i = 0; i <= k; i++) {
      first = pool.route(TestRequest.get("/"));
    }
    assertEquals(Reason.BALANCED, first.reason());
    String cookie = first.setCookie().substring(0, first.setCookie().indexOf(';'));
    RouteDecision again = pool.route(TestRequest.get("/").header("Cookie", cookie));
    assertEquals(Reason.PERSISTED, again.reason());
    assertSame(first.server(), again.server());
  }

  @Test
  void unknownCookieIsInvalidAndReissued() {
    BackendPool pool = apiPool(3, false);
    RouteDecision d = pool.route(TestRequest.get("/").header("Cookie", "SERVERID=nope"));
    assertEquals(Reason.INVALID_COOKIE, d.reason());
    assertEquals("SERVERID=a0; path=/", d.setCookie());
    assertEquals(List.of(), d.requestCookieHeaders(TestRequest.get("/").header("Cookie", "SERVERID=nope")));
  }

  @Test
  void commonPathsReturnPreallocatedDecisions() {
    BackendPool pool = apiPool(2, false);
    RouteDecision hit1 = pool.route(TestRequest.get("/").header("Cookie", "SERVERID=a1"));
    RouteDecision hit2 = pool.route(TestRequest.get("/x").header("Cookie", "SERVERID=a1"));
    assertSame(hit1, hit2);
    RouteDecision b1 = pool.route(TestRequest.get("/"));
    pool.route(TestRequest.get("/"));
    RouteDecision b3 = pool.route(TestRequest.get("/"));
    assertSame(b1, b3);
    assertFalse(b1.rewriteRequestCookies());
  }

  @Test
  void drainedServerKeepsCookieClientsButGetsNoNewOnes() {
    BackendPool pool = apiPool(3, false);
    pool.health().setAdminState(1, AdminState.DRAIN);
    assertEquals(1, pool.route(TestRequest.get("/").header("Cookie", "SERVERID=a1")).server().index());
    for (int i = 0; i < 30; i++) {
      assertNotEquals(1, pool.route(TestRequest.get("/")).server().index());
    }
  }

  @Test
  void responseSetCookieOfTheBackendIsDeletedInInsertMode() {
    BackendPool pool = apiPool(2, false);
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(ResponseCookieAction.DELETE, d.responseCookieAction());
    assertNull(pool.rewriteResponseSetCookie(d, "SERVERID=xyz; path=/"));
    assertEquals("other=1", pool.rewriteResponseSetCookie(d, "other=1"));
  }
}
