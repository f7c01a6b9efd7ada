package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round-robin shares through the pool, with servers at every slow-start step. */
class BackendPoolProperties {

  /**
   * Servers mid slow start have effective weight {@code weight * (floor(16t/S) + 1) / 16}; over m picks a server's
   * count deviates from {@code m * ew / sum(ew)} by at most one window bound of {@link RoundRobinProperties}: n - 1
   * on the flat schedule, {@code 0.5 log2 P} on the tree walk.
   */
  @Property(tries = 150, seed = "4401")
  void roundRobinSharesFollowEffectiveWeights(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 256) Integer> weights,
      @ForAll @Size(min = 6, max = 6) List<@IntRange(min = 0, max = 16) Integer> rampSeconds,
      @ForAll @IntRange(min = 1, max = 3000) int picks) {
    ManualScheduler scheduler = new ManualScheduler();
    BackendPool.Builder b = Pools.builder("p", scheduler)
        .defaultHealthPolicy(HealthPolicy.builder().slowStart(Duration.ofSeconds(16)).build());
    int n = weights.size();
    for (int i = 0; i < n; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).weight(weights.get(i)).build());
    }
    BackendPool pool = b.build();
    // a server with rampSeconds = a < 16 came back from MAINT a seconds ago
    for (int step = 0; step <= 16; step++) {
      for (int i = 0; i < n; i++) {
        if (rampSeconds.get(i) == 16 - step && rampSeconds.get(i) < 16) {
          pool.setAdminState("s" + i, AdminState.MAINT);
          pool.setAdminState("s" + i, AdminState.READY);
        }
      }
      if (step < 16) {
        scheduler.advance(Duration.ofSeconds(1));
      }
    }
    double total = 0;
    double[] ew = new double[n];
    for (int i = 0; i < n; i++) {
      ew[i] = pool.server("s" + i).orElseThrow().health().state().effectiveWeight();
      total += ew[i];
    }
    long period = Tables.of(pool).activeRoundRobin.isFlat() ? Tables.of(pool).activeRoundRobin.length()
        : Tables.of(pool).activeWeights.total() / Tables.of(pool).activeWeights.gcd();
    double bound = Math.max(n - 1, 0.5 * Math.log(period) / Math.log(2));
    int[] counts = new int[n];
    TestRequest r = TestRequest.get("/");
    for (int k = 0; k < picks; k++) {
      counts[Integer.parseInt(pool.route(r).server().id().substring(1))]++;
    }
    for (int i = 0; i < n; i++) {
      double dev = counts[i] - picks * ew[i] / total;
      assertTrue(Math.abs(dev) <= bound, "server " + i + " deviates by " + dev + " > " + bound + ", effective weights "
          + java.util.Arrays.toString(ew));
    }
  }
}
