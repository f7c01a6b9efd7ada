package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.HealthSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BackendPoolProperties {

  record Spec(int weight, boolean backup, Pools.State state) {}

  @Provide
  Arbitrary<List<Spec>> configs() {
    Arbitrary<Spec> spec = Combinators.combine(
        Arbitraries.integers().between(1, 256),
        Arbitraries.integers().between(0, 3).map(x -> x == 0),
        Arbitraries.of(Pools.State.class)).as(Spec::new);
    return spec.list().ofMinSize(1).ofMaxSize(8);
  }

  private static BackendPool pool(List<Spec> specs, Balance balance, boolean allBackups, boolean cookies) {
    BackendPool.Builder b = BackendPool.builder("p").balance(balance).allBackups(allBackups).ticker(new ManualTicker());
    if (cookies) {
      b.cookie(CookiePersistence.insert("SERVERID").indirect().nocache().build());
    }
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      b.server("s" + i, Pools.addr(i), x -> x.weight(s.weight()).backup(s.backup()).cookie("c" + x.hashCode()));
    }
    BackendPool pool = b.build();
    for (int i = 0; i < specs.size(); i++) {
      Pools.apply(pool.health(), i, specs.get(i).state());
    }
    return pool;
  }

  /** The servers load balancing may use per DESIGN.md, computed independently of the routing table. */
  private static Set<Integer> expectedSet(HealthSnapshot s, List<Spec> specs, boolean allBackups) {
    Set<Integer> actives = new HashSet<>();
    Set<Integer> backups = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      if (s.isBalanceable(i)) {
        (specs.get(i).backup() ? backups : actives).add(i);
      }
    }
    if (!actives.isEmpty()) {
      return actives;
    }
    if (allBackups || backups.isEmpty()) {
      return backups;
    }
    return Set.of(backups.stream().min(Integer::compare).orElseThrow());
  }

  @Property(tries = 300)
  void backupsOnlyWhenNoActiveIsUsableAndNeverDownDrainMaint(
      @ForAll("configs") List<Spec> specs, @ForAll boolean allBackups, @ForAll boolean hashing) {
    BackendPool pool = pool(specs, hashing ? Balance.uri() : Balance.roundRobin(), allBackups, false);
    HealthSnapshot s = pool.health().snapshot();
    Set<Integer> expected = expectedSet(s, specs, allBackups);
    boolean anyActive = expected.stream().anyMatch(i -> !specs.get(i).backup());
    Set<Integer> seen = new HashSet<>();
    for (int k = 0; k < 600; k++) {
      RouteDecision d = pool.route(TestRequest.get("/t/" + k));
      if (expected.isEmpty()) {
        assertEquals(Reason.NO_SERVER, d.reason());
        assertNull(d.server());
        continue;
      }
      int i = d.server().index();
      assertTrue(expected.contains(i), () -> "routed to " + d + " outside " + expected + " in " + s);
      Pools.State st = specs.get(i).state();
      assertTrue(st == Pools.State.UP, "a " + st + " server got load-balanced traffic");
      assertEquals(anyActive ? (hashing ? Reason.HASHED : Reason.BALANCED) : Reason.BACKUP, d.reason());
      seen.add(i);
    }
    if (!hashing) {
      assertEquals(expected, seen, "round robin reaches every server of the load-balancing set");
    }
  }

  /**
   * Shares converge to effective weights, through the pool: servers mid slow start have effective weight
   * weight*(floor(16t/S)+1)/16, and over m picks the count deviates from m*ew/sum(ew) by less than n (the window
   * bound of smooth WRR, see SmoothRoundRobinProperties).
   */
  @Property(tries = 150)
  void roundRobinSharesConvergeToEffectiveWeights(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 256) Integer> weights,
      @ForAll @Size(min = 6, max = 6) List<@IntRange(min = 0, max = 20) Integer> rampSeconds,
      @ForAll @IntRange(min = 1, max = 3000) int picks) {
    ManualTicker ticker = new ManualTicker();
    HealthPolicy slow = HealthPolicy.builder().slowStart(Duration.ofSeconds(16)).build();
    BackendPool.Builder b = BackendPool.builder("p").ticker(ticker).defaultHealthPolicy(slow);
    int n = weights.size();
    for (int i = 0; i < n; i++) {
      int w = weights.get(i);
      b.server("s" + i, Pools.addr(i), x -> x.weight(w));
    }
    BackendPool pool = b.build();
    // a server with rampSeconds = a < 16 left MAINT a seconds ago: it is slow-starting at step floor(16a/16)+1
    for (int step = 0; step < 16; step++) {
      for (int i = 0; i < n; i++) {
        if (rampSeconds.get(i) == 16 - step) {
          pool.health().setAdminState(i, io.veza.routing.health.AdminState.MAINT);
          pool.health().setAdminState(i, io.veza.routing.health.AdminState.READY);
        }
      }
      ticker.advance(Duration.ofSeconds(1));
    }
    for (int i = 0; i < n; i++) {
      if (rampSeconds.get(i) == 0) {
        pool.health().setAdminState(i, io.veza.routing.health.AdminState.MAINT);
        pool.health().setAdminState(i, io.veza.routing.health.AdminState.READY);
      }
    }
    pool.health().refresh();
    HealthSnapshot s = pool.health().snapshot();
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += s.effectiveWeight(i);
    }
    int[] counts = new int[n];
    for (int k = 0; k < picks; k++) {
      counts[pool.route(TestRequest.get("/")).server().index()]++;
    }
    for (int i = 0; i < n; i++) {
      double dev = counts[i] - picks * s.effectiveWeight(i) / total;
      assertTrue(Math.abs(dev) < n, "server " + i + " deviates by " + dev + " in " + s);
    }
  }
}
