package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class HashingProperties {
  private static final int KEYS = 2000;

  private static BackendPool streamPool(int n, ManualTicker ticker, HealthPolicy policy) {
    BackendPool.Builder b = BackendPool.builder("stream").balance(Balance.pathSegment(1)).ticker(ticker)
        .defaultHealthPolicy(policy);
    for (int i = 0; i < n; i++) {
      b.server("stream" + i, Pools.addr(i));
    }
    return b.build();
  }

  private static int[] map(BackendPool pool, int seed) {
    int[] out = new int[KEYS];
    for (int k = 0; k < KEYS; k++) {
      RouteDecision d = pool.route(TestRequest.get("/hls/track-" + seed + "-" + k + "/seg1.ts"));
      assertEquals(Reason.HASHED, d.reason());
      out[k] = d.server().index();
    }
    return out;
  }

  @Property(tries = 40)
  void aFailedServerMovesOnlyItsKeysAndTheyComeBack(
      @ForAll @IntRange(min = 2, max = 12) int n, @ForAll @IntRange(min = 0, max = 11) int failed,
      @ForAll int seed) {
    int f = failed % n;
    BackendPool pool = streamPool(n, new ManualTicker(), HealthPolicy.defaults());
    int[] before = map(pool, seed);
    pool.health().recordCheck(f, false); // DOWN
    int[] during = map(pool, seed);
    for (int k = 0; k < KEYS; k++) {
      if (before[k] == f) {
        assertNotEquals(f, during[k]);
      } else {
        assertEquals(before[k], during[k], "a key of a healthy server moved");
      }
    }
    pool.health().recordCheck(f, true);
    pool.health().recordCheck(f, true); // rise 2: UP again, no slow start configured
    int[] after = map(pool, seed);
    for (int k = 0; k < KEYS; k++) {
      assertEquals(before[k], after[k], "keys return exactly to their server");
    }
  }

  /** Every gateway agrees: the mapping depends on the usable set, not on the order of failures. */
  @Property(tries = 30)
  void mappingIsIndependentOfFailureHistory(@ForAll @IntRange(min = 3, max = 10) int n, @ForAll int seed) {
    BackendPool a = streamPool(n, new ManualTicker(), HealthPolicy.defaults());
    BackendPool b = streamPool(n, new ManualTicker(), HealthPolicy.defaults());
    a.health().recordCheck(0, false);
    a.health().recordCheck(1, false);
    b.health().recordCheck(1, false);
    b.health().recordCheck(0, false);
    b.health().recordCheck(2, false);
    b.health().recordCheck(2, true);
    b.health().recordCheck(2, true);
    assertTrue(java.util.Arrays.equals(map(a, seed), map(b, seed)));
  }

  /** Slow start on a hashed pool: as the returning server's weight ramps, keys only move onto it. */
  @Property(tries = 20)
  void slowStartMovesKeysOnlyOntoTheReturningServer(
      @ForAll @IntRange(min = 2, max = 8) int n, @ForAll @IntRange(min = 0, max = 7) int returning,
      @ForAll int seed) {
    int r = returning % n;
    ManualTicker ticker = new ManualTicker();
    BackendPool pool = streamPool(n, ticker, HealthPolicy.builder().slowStart(Duration.ofSeconds(16)).build());
    pool.health().setAdminState(r, AdminState.MAINT);
    int[] previous = map(pool, seed);
    pool.health().setAdminState(r, AdminState.READY); // back, at 1/16 of its weight
    int onReturning = 0;
    for (int step = 0; step <= 16; step++) {
      int[] now = map(pool, seed);
      int count = 0;
      for (int k = 0; k < KEYS; k++) {
        if (now[k] != previous[k]) {
          assertEquals(r, now[k], "a key moved to a server other than the returning one");
        }
        if (previous[k] == r) {
          assertEquals(r, now[k], "a key left the returning server while its weight rose");
        }
        if (now[k] == r) {
          count++;
        }
      }
      assertTrue(count >= onReturning);
      onReturning = count;
      previous = now;
      ticker.advance(Duration.ofSeconds(1));
      pool.health().refresh();
    }
    // full weight: the returning server holds about KEYS/n keys (binomial, 6 sigma)
    double mean = (double) KEYS / n;
    double sigma = Math.sqrt(KEYS * (1.0 / n) * (1 - 1.0 / n));
    assertTrue(Math.abs(onReturning - mean) < 6 * sigma, "returning server holds " + onReturning);
  }

  @Property(tries = 50)
  void missingKeyFallsBackToRoundRobin(@ForAll @IntRange(min = 1, max = 6) int n) {
    BackendPool pool = streamPool(n, new ManualTicker(), HealthPolicy.defaults());
    for (int k = 0; k < 3 * n; k++) {
      RouteDecision d = pool.route(TestRequest.get("/"));
      assertEquals(Reason.BALANCED, d.reason());
      assertEquals(k % n, d.server().index(), "equal weights: plain rotation");
    }
  }
}
