package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OperationalState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Configuration errors, membership basics, admin by id, passive health, and the decision as a plain value. */
class BackendPoolTest {

  private static String error(Supplier<BackendPool.Builder> b) {
    return assertThrows(IllegalArgumentException.class, () -> b.get().build()).getMessage();
  }

  private static String specError(Supplier<ServerSpec.Builder> b) {
    return assertThrows(IllegalArgumentException.class, () -> b.get().build()).getMessage();
  }

  @Test
  void configurationErrorsNameFieldAndValue() {
    assertEquals("server id must be unique, was duplicate \"a\" (pool p)", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0)).server("a", Pools.addr(1))));
    assertEquals("server persistent id must be unique, was duplicate 3 (pool p, server b)",
        error(() -> BackendPool.builder("p").server("a", Pools.addr(0), s -> s.id(3))
            .server("b", Pools.addr(1), s -> s.id(3))));
    assertEquals("stick-table size must be > 0, was 0 (pool p)", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0)).stickOn(r -> "k", 0, Duration.ofMinutes(1))));
    assertEquals("stick-table expire must be > 0, was PT0S (pool p)", error(() -> BackendPool.builder("p")
        .stickOn(r -> "k", 10, Duration.ZERO)));
    assertEquals("pool name must be non-empty, was \"\"", error(() -> BackendPool.builder("")));
    assertEquals("pool name must have no space, control character or '/', was \"a b\"",
        error(() -> BackendPool.builder("a b")));
    assertEquals("redispatch interval must be non-zero (HAProxy: 'no option redispatch'), was 0 (pool p)",
        error(() -> BackendPool.builder("p").redispatchInterval(0)));
    assertEquals("retries must be >= 0, was -1 (pool p)", error(() -> BackendPool.builder("p").retries(-1)));
    assertEquals("hashWeightScale must be in [1, 256], was 257 (pool p)",
        error(() -> BackendPool.builder("p").hashWeightScale(257)));
    assertEquals("server weights must be at most hashWeightScale 10, was 20 (pool p)",
        error(() -> BackendPool.builder("p").balance(Balance.uri()).hashWeightScale(10)
            .server("a", Pools.addr(0), s -> s.weight(20))));
    assertEquals("maxCookieHeaders must be > 0, was 0 (pool p)", error(() -> BackendPool.builder("p")
        .maxCookieHeaders(0)));
    assertEquals("maxCookieBytes must be > 0, was 0 (pool p)", error(() -> BackendPool.builder("p")
        .maxCookieBytes(0)));
    // the cookie stage validates server values with the cookie grammar
    String m = error(() -> BackendPool.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .server("a", Pools.addr(0), s -> s.cookie("a|b")));
    assertEquals("server a cookie must not contain '|' (HAProxy splits the dates there, it would never match),"
        + " was \"a|b\"", m);
  }

  @Test
  void serverSpecErrorsNameFieldAndValue() {
    assertEquals("server weight must be in [0, 256], was 257 (server a)",
        specError(() -> ServerSpec.builder("a", Pools.addr(0)).weight(257)));
    assertEquals("server weight must be in [0, 256], was -1 (server a)",
        specError(() -> ServerSpec.builder("a", Pools.addr(0)).weight(-1)));
    assertEquals("server id must be non-empty, was \"\"", specError(() -> ServerSpec.builder("", Pools.addr(0))));
    assertEquals("server id must have no space, control character or '/', was \"a/b\"",
        specError(() -> ServerSpec.builder("a/b", Pools.addr(0))));
    assertEquals("server id must be in [1, 16777216] (or 0 for none), was 16777217 (server a)",
        specError(() -> ServerSpec.builder("a", Pools.addr(0)).id(ServerSpec.MAX_PERSISTENT_ID + 1)));
    assertEquals("server cookie must be non-empty, was \"\" (server a)",
        specError(() -> ServerSpec.builder("a", Pools.addr(0)).cookie("")));
    assertEquals("server a1 127.0.0.1:80 id 7 weight 3 cookie c backup check",
        ServerSpec.builder("a1", new InetSocketAddress("127.0.0.1", 80)).id(7).weight(3).cookie("c").backup()
            .build().toString());
  }

  @Test
  void anEmptyPoolRoutesNowhereAndGrowsAtRuntime() {
    BackendPool pool = Pools.builder("p").build();
    assertEquals(0, pool.size());
    assertSame(RouteDecision.NO_SERVER, pool.route(TestRequest.get("/")));
    Server a = pool.add(ServerSpec.of("a", Pools.addr(0)));
    assertSame(a, pool.server("a").orElseThrow());
    assertSame(a, pool.route(TestRequest.get("/")).server());
    assertEquals(List.of(a), pool.servers());
    assertTrue(a.isMember());
    assertTrue(pool.remove("a"));
    assertFalse(pool.remove("a"));
    assertFalse(a.isMember());
    assertEquals(Reason.NO_SERVER, pool.route(TestRequest.get("/")).reason());
  }

  @Test
  void runtimeMembershipErrorsNameFieldAndValue() {
    BackendPool pool = Pools.builder("p").server("a", Pools.addr(0), s -> s.id(1)).build();
    assertEquals("server id must be unique in pool p, was duplicate \"a\"", assertThrows(
        IllegalArgumentException.class, () -> pool.add(ServerSpec.of("a", Pools.addr(1)))).getMessage());
    assertEquals("server persistent id must be unique in pool p, was 1 (server b; taken by a)", assertThrows(
        IllegalArgumentException.class, () -> pool.add(ServerSpec.builder("b", Pools.addr(1)).id(1).build()))
        .getMessage());
    assertEquals("no server \"zz\" in pool p", assertThrows(IllegalArgumentException.class,
        () -> pool.setAdminState("zz", AdminState.DRAIN)).getMessage());
    BackendPool hashed = Pools.builder("h").balance(Balance.uri()).server("a", Pools.addr(0), s -> s.weight(4))
        .build();
    assertEquals("server weight must be at most the hash weight scale 4 of pool h (raising the scale re-shards keys:"
        + " build the pool with hashWeightScale(n)), was 5 (server b)", assertThrows(IllegalArgumentException.class,
        () -> hashed.add(ServerSpec.builder("b", Pools.addr(1)).weight(5).build())).getMessage());
    assertThrows(IllegalArgumentException.class, () -> hashed.setWeight("a", 5));
    assertEquals(1, hashed.size(), "a refused add leaves the pool as it was");
    assertEquals(1, pool.size());
  }

  @Test
  void aClosedPoolRefusesMembershipChangesButKeepsRouting() {
    BackendPool pool = Pools.builder("p").server("a", Pools.addr(0)).build();
    pool.close();
    pool.close();
    assertEquals("pool p is closed", assertThrows(IllegalStateException.class,
        () -> pool.add(ServerSpec.of("b", Pools.addr(1)))).getMessage());
    assertEquals("a", Pools.id(pool.route(TestRequest.get("/"))));
  }

  @Test
  void duplicateCookieValuesAreAllowedAndTheFirstEligibleInSlotOrderWins() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .server("a", Pools.addr(0), s -> s.cookie("x"))
        .server("b", Pools.addr(1), s -> s.cookie("x"))
        .build();
    TestRequest r = TestRequest.withCookie("SERVERID=x");
    assertEquals("a", Pools.id(pool.route(r)));
    pool.setHealth("a", OperationalState.DOWN);
    assertEquals("b", Pools.id(pool.route(r)));
    assertEquals(Reason.PERSISTED, pool.route(r).reason());
    pool.remove("b"); // its cookie no longer matches: only the DOWN server carries "x"
    assertEquals(Reason.NO_SERVER, pool.route(r).reason());
    pool.add(ServerSpec.builder("c", Pools.addr(2)).cookie("c").build());
    RouteDecision d = pool.route(r);
    assertEquals(Reason.COOKIE_SERVER_DOWN, d.reason());
    assertEquals("c", Pools.id(d));
  }

  @Test
  void adminByIdReachesRoutingBeforeTheCallReturns() {
    BackendPool pool = Pools.builder("p").server("a", Pools.addr(0)).server("b", Pools.addr(1)).build();
    pool.setAdminState("a", AdminState.MAINT);
    for (int i = 0; i < 10; i++) {
      assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
    }
    pool.setAdminState("a", AdminState.READY);
    pool.setAdminState("b", AdminState.DRAIN);
    assertEquals("a", Pools.id(pool.route(TestRequest.get("/"))));
    pool.setAdminState("b", AdminState.READY);
    pool.setWeight("a", 0);
    assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
    pool.setWeight("a", 1);
    pool.setHealth("b", OperationalState.STOPPING);
    assertEquals("a", Pools.id(pool.route(TestRequest.get("/"))));
    pool.setHealth("b", OperationalState.UP);
    pool.setHealth("a", OperationalState.DOWN);
    assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
    InetSocketAddress moved = Pools.addr(99);
    pool.setAddress("b", moved);
    assertEquals(moved, pool.server("b").orElseThrow().address());
  }

  @Test
  void passiveObservationFeedsHealth() {
    HealthPolicy l7 = HealthPolicy.builder().observe(ObserveMode.LAYER7).errorLimit(3).build();
    BackendPool pool = Pools.builder("p").defaultHealthPolicy(l7)
        .server("a", Pools.addr(0)).server("b", Pools.addr(1)).build();
    Server a = pool.server("a").orElseThrow();
    pool.reportResponse(a, 502);
    pool.reportResponse(a, 503);
    pool.reportResponse(a, 404); // fine: resets the consecutive count
    pool.reportResponse(a, 500);
    pool.reportConnectFailure(a);
    assertTrue(a.health().state().isUp());
    pool.reportResponse(a, 504); // third consecutive error: on-error fail-check takes a server at h = rise DOWN
    assertFalse(a.health().state().isUp());
    for (int i = 0; i < 10; i++) {
      assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
    }
    ServerStats st = pool.stats().servers().get(0);
    assertEquals("a", st.id());
    assertEquals(4, st.responses(5));
    assertEquals(1, st.responses(4));
  }

  /**
   * HAProxy's {@code health_adjust} returns when the server has no check task: {@code observe} without {@code check}
   * changes nothing (integration-tests/haproxy-interop, scenario "observe without check", shows it on HAProxy 2.6).
   * The response classes are still counted.
   */
  @Test
  void observationNeedsCheck() {
    HealthPolicy l4 = HealthPolicy.builder().observe(ObserveMode.LAYER7).errorLimit(1).build();
    BackendPool pool = Pools.builder("p").defaultHealthPolicy(l4)
        .server("a", Pools.addr(0), s -> s.check(false)).server("b", Pools.addr(1)).build();
    Server a = pool.server("a").orElseThrow();
    pool.reportConnectFailure(a);
    pool.reportResponse(a, 500);
    pool.reportTransportError(a);
    pool.reportConnected(a);
    assertTrue(a.health().state().isUp(), "not observed without check");
    ServerStats st = pool.stats().servers().get(0);
    assertEquals(0, st.checks().observedFailures());
    assertEquals(1, st.responses(5));
    assertEquals(1, st.responseErrors());
    Server b = pool.server("b").orElseThrow();
    pool.reportResponse(b, 500);
    assertFalse(b.health().state().isUp(), "observed with check");
  }

  @Test
  void reportsAboutARemovedServerAreIgnored() {
    HealthPolicy l4 = HealthPolicy.builder().observe(ObserveMode.LAYER4).errorLimit(1).build();
    BackendPool pool = Pools.builder("p").defaultHealthPolicy(l4).server("a", Pools.addr(0)).build();
    Server a = pool.server("a").orElseThrow();
    RouteDecision inFlight = pool.route(TestRequest.get("/"));
    pool.remove("a");
    pool.reportConnected(a);
    pool.reportConnectFailure(a);
    pool.reportResponse(a, 500);
    pool.reportTransportError(a);
    assertTrue(a.health().state().isUp(), "a removed server's health no longer changes");
    assertEquals(ResponseEdits.NONE, pool.editResponse(inFlight, TestResponse.ok()));
    assertEquals(RequestEdits.NONE, pool.editRequest(inFlight, TestRequest.get("/")));
  }

  @Test
  void reportsAboutAnotherPoolsServerAreIgnoredAndSessionsRefused() {
    BackendPool pool = Pools.builder("p").server("a", Pools.addr(0)).build();
    BackendPool other = Pools.builder("q").defaultHealthPolicy(HealthPolicy.builder().observe(ObserveMode.LAYER4)
        .errorLimit(1).build()).server("a", Pools.addr(0)).build();
    Server foreign = other.server("a").orElseThrow();
    pool.reportConnectFailure(foreign);
    assertTrue(foreign.health().state().isUp());
    assertEquals("server must belong to pool p, was " + foreign, assertThrows(IllegalArgumentException.class,
        () -> pool.registerSession(foreign, () -> { })).getMessage());
  }

  @Test
  void decisionsArePlainValues() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .server("a", Pools.addr(0), s -> s.cookie("a")).build();
    RouteDecision hit1 = pool.route(TestRequest.withCookie("SERVERID=a"));
    RouteDecision hit2 = pool.route(TestRequest.get("/x").header("Cookie", "SERVERID=a"));
    assertSame(hit1, hit2, "common decisions are preallocated");
    assertEquals(hit1, hit2);
    assertEquals(hit1.hashCode(), hit2.hashCode());
    assertEquals("RouteDecision{PERSISTED -> a, direct}", hit1.toString());
    RouteDecision balanced = pool.route(TestRequest.post("/"));
    assertEquals("RouteDecision{BALANCED -> a}", balanced.toString());
    assertFalse(balanced.equals(hit1));
    assertEquals("RouteDecision{NO_SERVER}", RouteDecision.NO_SERVER.toString());
    assertNull(RouteDecision.NO_SERVER.server());
  }

  @Test
  void toStringsDescribeThePool() {
    BackendPool pool = Pools.builder("p").server("a", Pools.addr(0), s -> s.id(4).backup()).build();
    // the pool prints as the HAProxy backend section it is (routing-haproxy parses it back to an equal pool)
    assertEquals(String.join("\n", "backend p", "    mode http", "    balance roundrobin", "    retries 3",
        "    server a " + Pools.addr(0).getHostString() + ":" + Pools.addr(0).getPort() + " id 4 backup check", ""),
        pool.toString());
    Server a = pool.server("a").orElseThrow();
    assertTrue(a.toString().startsWith("Server{a id 4, slot 3, "), a.toString());
    pool.remove("a");
    assertTrue(a.toString().endsWith(", removed}"), a.toString());
  }
}
