package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

  private static String error(Supplier<BackendPool.Builder> b) {
    return assertThrows(IllegalArgumentException.class, () -> b.get().build()).getMessage();
  }

  @Test
  void configurationErrorsNameFieldAndValue() {
    assertEquals("servers must not be empty, was 0 servers (pool p)", error(() -> BackendPool.builder("p")));
    assertEquals("server id must be unique, was duplicate \"a\" (pool p)", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0)).server("a", Pools.addr(1))));
    assertEquals("server weight must be in [0, 256], was 257 (pool p, server a)", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0), s -> s.weight(257))));
    assertEquals("server weight must be in [0, 256], was -1 (pool p, server a)", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0), s -> s.weight(-1))));
    assertEquals("server address must not be null, was null (pool p, server a)", error(() -> BackendPool.builder("p")
        .server("a", null)));
    assertEquals("server id must be non-empty, was \"\" (pool p, server #0)", error(() -> BackendPool.builder("p")
        .server("", Pools.addr(0))));
    assertEquals("stick-table size must be > 0, was 0", error(() -> BackendPool.builder("p")
        .server("a", Pools.addr(0)).stickOn(r -> "k", 0, java.time.Duration.ofMinutes(1))));
    assertEquals("pool name must be non-empty, was \"\"", error(() -> BackendPool.builder("")
        .server("a", Pools.addr(0))));
    // the cookie building blocks validate server values with the cookie grammar
    String m = error(() -> BackendPool.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .server("a", Pools.addr(0), s -> s.cookie("a|b")));
    assertEquals(true, m.contains("cookie") && m.contains("a|b"), m);
  }

  @Test
  void duplicateCookieValuesAreAllowedAndTheFirstEligibleWins() {
    BackendPool pool = BackendPool.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .ticker(new ManualTicker())
        .server("a", Pools.addr(0), s -> s.cookie("x"))
        .server("b", Pools.addr(1), s -> s.cookie("x"))
        .build();
    TestRequest r = TestRequest.get("/").header("Cookie", "SERVERID=x");
    assertEquals("a", pool.route(r).server().id());
    pool.health().recordCheck(0, false);
    assertEquals("b", pool.route(r).server().id());
    assertEquals(Reason.PERSISTED, pool.route(r).reason());
  }

  @Test
  void retryWithRedispatchAvoidsTheFailedServer() {
    BackendPool pool = BackendPool.builder("p").redispatch(true).ticker(new ManualTicker())
        .cookie(CookiePersistence.insert("SERVERID").indirect().build())
        .server("a", Pools.addr(0), s -> s.cookie("a")).server("b", Pools.addr(1), s -> s.cookie("b"))
        .build();
    TestRequest r = TestRequest.get("/").header("Cookie", "SERVERID=a");
    RouteDecision d = pool.route(r);
    assertEquals("a", d.server().id());
    RouteDecision retry = pool.retry(r, d);
    assertEquals(Reason.REDISPATCHED, retry.reason());
    assertEquals("b", retry.server().id());
    assertEquals("SERVERID=b; path=/", retry.setCookie(), "the client is re-pinned");
  }

  @Test
  void retryWithoutRedispatchStaysOnTheSameServer() {
    BackendPool pool = BackendPool.builder("p").ticker(new ManualTicker())
        .server("a", Pools.addr(0)).server("b", Pools.addr(1)).build();
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertSame(d, pool.retry(TestRequest.get("/"), d));
  }

  @Test
  void hashedRedispatchGoesWhereTheKeyGoesWhenTheFailedServerIsDown() {
    BackendPool pool = BackendPool.builder("p").redispatch(true).balance(Balance.pathSegment(1))
        .ticker(new ManualTicker())
        .server("s0", Pools.addr(0)).server("s1", Pools.addr(1)).server("s2", Pools.addr(2)).server("s3", Pools.addr(3))
        .build();
    for (int k = 0; k < 200; k++) {
      TestRequest r = TestRequest.get("/hls/t" + k + "/x.ts");
      RouteDecision d = pool.route(r);
      RouteDecision retry = pool.retry(r, d);
      assertNotEquals(d.server(), retry.server());
      pool.health().setAdminState(d.server().index(), io.veza.routing.health.AdminState.MAINT);
      assertEquals(pool.route(r).server(), retry.server());
      pool.health().setAdminState(d.server().index(), io.veza.routing.health.AdminState.READY);
    }
  }

  @Test
  void noUsableServerIsADecision() {
    BackendPool pool = BackendPool.builder("p").ticker(new ManualTicker()).server("a", Pools.addr(0)).build();
    pool.health().recordCheck(0, false);
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(Reason.NO_SERVER, d.reason());
    assertEquals(null, d.server());
    assertEquals(Reason.NO_SERVER, pool.retry(TestRequest.get("/"), d).reason());
  }

  @Test
  void passiveObservationFeedsHealth() {
    HealthPolicy l7 = HealthPolicy.builder().observe(ObserveMode.LAYER7).errorLimit(3).build();
    BackendPool pool = BackendPool.builder("p").ticker(new ManualTicker()).defaultHealthPolicy(l7)
        .server("a", Pools.addr(0)).server("b", Pools.addr(1)).build();
    Server a = pool.servers().get(0);
    pool.reportResponse(a, 502);
    pool.reportResponse(a, 503);
    pool.reportResponse(a, 404); // fine: resets the consecutive count
    pool.reportResponse(a, 500);
    pool.reportConnectFailure(a);
    assertEquals(true, pool.health().snapshot().isUp(0));
    pool.reportResponse(a, 504); // third consecutive error: on-error fail-check takes a server at h = rise DOWN
    assertEquals(false, pool.health().snapshot().isUp(0));
    for (int i = 0; i < 10; i++) {
      assertEquals("b", pool.route(TestRequest.get("/")).server().id());
    }
  }
}
