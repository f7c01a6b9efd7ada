package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Retries owned by the pool, as HAProxy's {@code back_handle_st_cer} + {@code stream_choose_redispatch} (src/stream.c,
 * 2.6): {@code retries N} attempts after the first; with {@code option redispatch [interval]} a retry goes elsewhere
 * when the server is not running, on the redispatch turn ({@code (retries - left) % interval == 0}, or counting
 * back from the last retry for a negative interval; default -1: the last retry), or at once for a request no cookie
 * pinned when round robin has more than one active server; otherwise it stays on the same server. Counters:
 * {@code wretr} on the server retried, {@code wredis} on the server left, {@code econ} when retries are exhausted.
 */
class RetryTest {

  static BackendPool pool(boolean redispatch, int retries, int interval, Balance balance, int servers) {
    BackendPool.Builder b = Pools.builder("p").redispatch(redispatch).retries(retries).redispatchInterval(interval)
        .balance(balance).cookie(CookiePersistence.insert("SERVERID").build());
    for (int i = 0; i < servers; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).cookie("c" + i).build());
    }
    return b.build();
  }

  static ServerStats stats(BackendPool pool, String id) {
    return pool.stats().servers().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  /**
   * A cookie-pinned (direct) request: which failures redispatch, for retries and interval. HAProxy: the retry after
   * failure f redispatches when f % interval == 0 (interval > 0) or f % (retries + 1 + interval) == 0 (interval < 0).
   */
  @ParameterizedTest(name = "retries {0}, interval {1}: redispatch after failures {2}")
  @CsvSource({
      "3, -1, 3", // the default: the last retry
      "3, 1, 1 2 3",
      "3, 2, 2",
      "4, -2, 3",
      "4, 3, 3",
      "2, -3, ''", // retries + 1 + interval = 0: never by turn
      "0, -1, ''"})
  void redispatchTurnsOfAPinnedRequest(int retries, int interval, String turns) {
    BackendPool pool = pool(true, retries, interval, Balance.roundRobin(), 3);
    TestRequest r = TestRequest.withCookie("SERVERID=c1");
    RouteDecision d = pool.route(r);
    assertEquals(Reason.PERSISTED, d.reason());
    java.util.Set<Integer> expected = new java.util.HashSet<>();
    for (String t : turns.split(" ")) {
      if (!t.isBlank()) {
        expected.add(Integer.parseInt(t));
      }
    }
    for (int f = 1; f <= retries; f++) {
      RouteDecision next = pool.retry(r, d, f);
      if (expected.contains(f)) {
        assertEquals(Reason.REDISPATCHED, next.reason(), "failure " + f);
        assertNotEquals("s1", Pools.id(next), "a redispatch avoids the failed server");
      } else {
        assertSame(d, next, "failure " + f + ": the same server");
      }
    }
    assertNull(pool.retry(r, d, retries + 1), "retries exhausted: give up (503)");
    ServerStats s1 = stats(pool, "s1");
    assertEquals(retries - expected.size(), s1.retries(), "wretr");
    assertEquals(expected.size(), s1.redispatches(), "wredis");
    assertEquals(1, s1.connectErrors(), "econ: once, when retries are exhausted");
  }

  @Test
  void withoutRedispatchARetryStaysOnTheServer() {
    BackendPool pool = pool(false, 3, -1, Balance.roundRobin(), 3);
    RouteDecision d = pool.route(TestRequest.get("/"));
    for (int f = 1; f <= 3; f++) {
      assertSame(d, pool.retry(TestRequest.get("/"), d, f));
    }
    assertNull(pool.retry(TestRequest.get("/"), d, 4));
    assertEquals(3, stats(pool, Pools.id(d)).retries());
  }

  @Test
  void anUnpinnedRoundRobinRequestRedispatchesAtOnceWithSeveralActiveServers() {
    BackendPool pool = pool(true, 3, -1, Balance.roundRobin(), 3);
    RouteDecision d = pool.route(TestRequest.get("/"));
    RouteDecision next = pool.retry(TestRequest.get("/"), d, 1);
    assertEquals(Reason.REDISPATCHED, next.reason());
    assertNotEquals(d.server(), next.server());
    BackendPool single = pool(true, 3, -1, Balance.roundRobin(), 1);
    RouteDecision only = single.route(TestRequest.get("/"));
    assertSame(only, single.retry(TestRequest.get("/"), only, 1), "one active server: srv_act > 1 is false");
  }

  @Test
  void aHashedRequestIsNotRedispatchedAtOnceAndGoesWhereItsKeyGoesWithoutTheServer() {
    BackendPool pool = pool(true, 3, -1, Balance.key(RequestView::uri), 4);
    for (int k = 0; k < 200; k++) {
      TestRequest r = TestRequest.get("track-" + k);
      RouteDecision d = pool.route(r);
      assertSame(d, pool.retry(r, d, 1), "hash balancing is deterministic: no immediate redispatch");
      RouteDecision last = pool.retry(r, d, 3);
      assertEquals(Reason.REDISPATCHED, last.reason());
      pool.setAdminState(Pools.id(d), AdminState.MAINT);
      assertEquals(Pools.id(pool.route(r)), Pools.id(last), "where the key goes while the server is down");
      pool.setAdminState(Pools.id(d), AdminState.READY);
    }
  }

  @Test
  void aServerThatIsNotRunningIsLeftAtOnce() {
    BackendPool pool = pool(true, 3, -1, Balance.roundRobin(), 3);
    TestRequest r = TestRequest.withCookie("SERVERID=c2");
    RouteDecision d = pool.route(r);
    pool.setHealth("s2", OperationalState.DOWN);
    RouteDecision next = pool.retry(r, d, 1);
    assertEquals(Reason.REDISPATCHED, next.reason());
    assertNotEquals("s2", Pools.id(next));
    assertEquals(1, stats(pool, "s2").redispatches());
  }

  @Test
  void aRemovedServerIsLeftEvenWithoutRedispatch() {
    BackendPool pool = pool(false, 3, -1, Balance.roundRobin(), 2);
    TestRequest r = TestRequest.withCookie("SERVERID=c0");
    RouteDecision d = pool.route(r);
    pool.remove("s0");
    RouteDecision next = pool.retry(r, d, 1);
    assertTrue(next != null && "s1".equals(Pools.id(next)), String.valueOf(next));
  }

  @Test
  void noServerLeftGivesNoServerAndARetryOfNoServerRoutesAgain() {
    BackendPool pool = pool(true, 3, -1, Balance.roundRobin(), 1);
    RouteDecision d = pool.route(TestRequest.get("/"));
    pool.setHealth("s0", OperationalState.DOWN);
    assertEquals(Reason.NO_SERVER, pool.retry(TestRequest.get("/"), d, 3).reason());
    pool.setHealth("s0", OperationalState.UP);
    assertEquals("s0", Pools.id(pool.retry(TestRequest.get("/"), RouteDecision.NO_SERVER, 1)));
    assertNull(pool.retry(TestRequest.get("/"), RouteDecision.NO_SERVER, 4));
  }

  /**
   * A stick-table hit is direct, as in HAProxy ({@code process_sticking_rules} sets {@code SF_DIRECT}): its retry is
   * not redispatched at once, and no persistence cookie is inserted for it. (Regression: stick decisions were not
   * direct, so their first retry left the sticky server on any round-robin pool with two active servers.)
   */
  @Test
  void aStickTableHitIsDirect() {
    BackendPool pool = Pools.builder("p").redispatch(true).cookie(CookiePersistence.insert("SERVERID").build())
        .stickOn(r -> r.header("X-Token", 0), 100, java.time.Duration.ofMinutes(1))
        .server(ServerSpec.builder("s0", Pools.addr(0)).cookie("c0").build())
        .server(ServerSpec.builder("s1", Pools.addr(1)).cookie("c1").build()).build();
    TestRequest r = TestRequest.get("/").header("X-Token", "t");
    RouteDecision first = pool.route(r);
    assertEquals(Reason.BALANCED, first.reason());
    RouteDecision stuck = pool.route(r);
    assertEquals(Reason.STICK_TABLE, stuck.reason());
    assertSame(stuck, pool.retry(r, stuck, 1), "a direct request stays on its server until the redispatch turn");
    assertEquals(Reason.REDISPATCHED, pool.retry(r, stuck, 3).reason());
    assertEquals(ResponseEdits.NONE, pool.editResponse(stuck, TestResponse.ok()), "no cookie for a direct request");
  }

  /**
   * A redispatch that finds no other server goes back to the same one and counts as a retry, not a redispatch
   * (HAProxy {@code assign_server_and_queue}: {@code redispatches} only when the server changed). (Regression: it was
   * counted in wredis.)
   */
  @Test
  void aRedispatchBackToTheSameServerCountsAsARetry() {
    BackendPool pool = pool(true, 2, -1, Balance.roundRobin(), 1);
    TestRequest r = TestRequest.withCookie("SERVERID=c0");
    RouteDecision d = pool.route(r);
    RouteDecision again = pool.retry(r, d, 2);
    assertEquals("s0", Pools.id(again));
    assertEquals(Reason.REDISPATCHED, again.reason());
    assertEquals(1, stats(pool, "s0").retries());
    assertEquals(0, stats(pool, "s0").redispatches());
  }
}
