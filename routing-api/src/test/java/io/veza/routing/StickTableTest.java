package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.veza.routing.RouteDecision.Reason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StickTableTest {
  private final io.veza.routing.health.testing.ManualScheduler scheduler = new io.veza.routing.health.testing.ManualScheduler();
  private final io.veza.routing.health.testing.ManualTicker ticker = scheduler.ticker();

  private BackendPool pool() {
    return Pools.builder("ws", scheduler)
        .stickOn(r -> r.header("X-Token", 0), 1000, Duration.ofMinutes(30))
        .server("a", Pools.addr(0)).server("b", Pools.addr(1)).server("c", Pools.addr(2))
        .build();
  }

  private static TestRequest token(String t) {
    return TestRequest.get("/ws").header("X-Token", t);
  }

  @Test
  void keyKeepsItsServerUntilIdleExpiry() {
    BackendPool pool = pool();
    RouteDecision first = pool.route(token("t1"));
    assertEquals(Reason.BALANCED, first.reason());
    for (int i = 0; i < 10; i++) {
      RouteDecision d = pool.route(token("t1"));
      assertEquals(Reason.STICK_TABLE, d.reason());
      assertEquals(first.server(), d.server());
      ticker.advance(Duration.ofMinutes(29)); // each use refreshes the idle timer
    }
    assertEquals(1, pool.stickTableSize());
    ticker.advance(Duration.ofMinutes(31));
    assertEquals(Reason.BALANCED, pool.route(token("t1")).reason(), "expired after 30 idle minutes");
  }

  @Test
  void entryOnADownServerIsIgnoredAndReplaced() {
    BackendPool pool = pool();
    Server s = pool.route(token("t2")).server();
    s.health().recordCheck(false);
    RouteDecision moved = pool.route(token("t2"));
    assertEquals(Reason.BALANCED, moved.reason());
    assertNotEquals(s, moved.server());
    s.health().recordCheck(true);
    s.health().recordCheck(true); // back up: the replaced entry keeps the new server
    RouteDecision d = pool.route(token("t2"));
    assertEquals(Reason.STICK_TABLE, d.reason());
    assertEquals(moved.server(), d.server());
  }

  @Test
  void requestsWithoutKeyAreBalancedAndNotStored() {
    BackendPool pool = pool();
    pool.route(TestRequest.get("/"));
    assertEquals(0, pool.stickTableSize());
  }

  @Test
  void anEntryOfARemovedServerIsIgnoredAndReplaced() {
    BackendPool pool = pool();
    Server s = pool.route(token("t3")).server();
    pool.remove(s.id());
    RouteDecision d = pool.route(token("t3"));
    assertEquals(Reason.BALANCED, d.reason());
    assertEquals(Reason.STICK_TABLE, pool.route(token("t3")).reason());
    assertEquals(d.server(), pool.route(token("t3")).server());
  }

  @Test
  void aDrainedServerKeepsItsStickyClients() {
    BackendPool pool = pool();
    Server s = pool.route(token("t4")).server();
    pool.setAdminState(s.id(), io.veza.routing.health.AdminState.DRAIN);
    RouteDecision d = pool.route(token("t4"));
    assertEquals(Reason.STICK_TABLE, d.reason());
    assertEquals(s, d.server());
  }
}
