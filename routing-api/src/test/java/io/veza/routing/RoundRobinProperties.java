package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Issue 9 item 4, round robin: exact per period on both paths (Webster's flat schedule up to
 * {@value RoundRobin#FLAT_LIMIT} picks per period, the walk over the weight tree beyond), and fairness over arbitrary
 * windows with bounds measured over random weight sets and stated here:
 * <ul>
 *   <li>flat (derived in RoundRobin's doc, checked here): in every prefix of a period a server's count is within
 *       {@code (1 + (n - 2) q) / 2} picks of its exact share ({@code q = w / W}), in every window within twice that;
 *       weights 1,1,1,1,9 reach the prefix bound (1.54) exactly;
 *   <li>tree: every window within {@code 0.5 * log2(P)} picks (measured worst over 1,500 weight sets with periods up
 *       to 400,000: 5.9 picks, 0.39 log2 P; before the step was chosen by its partial quotients the worst was
 *       87 picks, 6.1 log2 P).
 * </ul>
 * A server's deviation after k picks is {@code D(k) = count(k) - k * w / W}; the worst window is
 * {@code max D - min D} over a period (periods repeat exactly).
 */
class RoundRobinProperties {
  /** Rounding slack of the flat bounds (they are reached exactly, in floating point). */
  static final double EPSILON = 1e-9;
  static final double TREE_WINDOW_LOG_FACTOR = 0.5;

  static double flatPrefixBound(int n, double share) {
    return (1 + (n - 2) * share) / 2;
  }

  @Example
  void websterReachesItsPrefixBound() {
    List<Integer> w = List.of(1, 1, 1, 1, 9);
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    double[][] range = deviations(new RoundRobin(t, new RoundRobin.Positions()), t, slots, 0, period(t));
    // H H H H, then the four light servers tie with the heavy one's 5th pick at time 1/2: slot order puts them first
    assertEquals(flatPrefixBound(5, 9.0 / 13), -range[4][1], EPSILON);
  }

  /** A weight tree with the weights at spread-out, distinct slots. */
  static WeightTree tree(List<Integer> weights, int[] slots) {
    WeightTree t = WeightTree.EMPTY;
    for (int i = 0; i < weights.size(); i++) {
      slots[i] = i * 3 + (i * 7) % 3;
      t = t.set(slots[i], weights.get(i));
    }
    return t;
  }

  static long period(WeightTree t) {
    return t.total() / t.gcd();
  }

  /** Per server: {max D, min D} over {@code picks} picks of one stripe after {@code warmup} picks. */
  static double[][] deviations(RoundRobin rr, WeightTree t, int[] slots, int warmup, long picks) {
    Map<Integer, Integer> index = new HashMap<>();
    for (int i = 0; i < slots.length; i++) {
      index.put(slots[i], i);
    }
    for (int k = 0; k < warmup; k++) {
      rr.next(0);
    }
    int n = slots.length;
    double[] share = new double[n];
    for (int i = 0; i < n; i++) {
      share[i] = (double) t.weight(slots[i]) / t.total();
    }
    long[] count = new long[n];
    double[][] range = new double[n][2];
    for (long k = 1; k <= picks; k++) {
      count[index.get(rr.next(0))]++;
      for (int i = 0; i < n; i++) {
        double d = count[i] - k * share[i];
        range[i][0] = Math.max(range[i][0], d);
        range[i][1] = Math.min(range[i][1], d);
      }
    }
    return range;
  }

  static void assertExactPeriod(RoundRobin rr, WeightTree t, int[] slots, int warmup) {
    for (int k = 0; k < warmup; k++) {
      rr.next(1);
    }
    long p = period(t);
    Map<Integer, Long> counts = new HashMap<>();
    for (long k = 0; k < p; k++) {
      counts.merge(rr.next(1), 1L, Long::sum);
    }
    for (int slot : slots) {
      assertEquals(t.weight(slot) / t.gcd(), counts.getOrDefault(slot, 0L), "slot " + slot + " in a period of " + p);
    }
    assertEquals(slots.length, counts.size(), "only weighted slots are picked");
  }

  @Property(tries = 300, seed = "5101")
  void flatPeriodsAreExactFromAnyPosition(@ForAll @Size(min = 1, max = 16) List<@IntRange(min = 1, max = 64) Integer> w,
                                          @ForAll @IntRange(min = 0, max = 5000) int warmup) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    assertTrue(rr.isFlat());
    assertExactPeriod(rr, t, slots, warmup);
  }

  @Property(tries = 40, seed = "5102")
  void treePeriodsAreExactFromAnyPosition(@ForAll @Size(min = 2, max = 40) List<@IntRange(min = 1, max = 3000) Integer> w,
                                          @ForAll @IntRange(min = 0, max = 5000) int warmup) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    Assume.that(period(t) > RoundRobin.FLAT_LIMIT && period(t) <= 150_000);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    assertTrue(!rr.isFlat());
    assertExactPeriod(rr, t, slots, warmup);
  }

  /**
   * A stripe's owner walks its own position (plain load and store) and the other threads of the stripe the shared
   * one: both walks are exact per period, and they do not disturb each other.
   */
  @Property(tries = 200, seed = "5109")
  void ownerAndSharedPositionsAreBothExact(
      @ForAll @Size(min = 1, max = 16) List<@IntRange(min = 1, max = 64) Integer> w,
      @ForAll @IntRange(min = 0, max = 63) int anyStripe, @ForAll @IntRange(min = 0, max = 3000) int warmup) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    int stripe = anyStripe % Stripes.COUNT;
    int owner = stripe | Stripes.OWNED;
    for (int k = 0; k < warmup; k++) {
      rr.next(k % 3 == 0 ? stripe : owner);
    }
    long p = period(t);
    Map<Integer, Long> owned = new HashMap<>();
    Map<Integer, Long> shared = new HashMap<>();
    for (long k = 0; k < p; k++) {
      owned.merge(rr.next(owner), 1L, Long::sum);
      shared.merge(rr.next(stripe), 1L, Long::sum);
    }
    for (int slot : slots) {
      assertEquals(t.weight(slot) / t.gcd(), owned.getOrDefault(slot, 0L), "owner's period, slot " + slot);
      assertEquals(t.weight(slot) / t.gcd(), shared.getOrDefault(slot, 0L), "shared period, slot " + slot);
    }
  }

  @Property(tries = 300, seed = "5103")
  void flatScheduleStaysCloseToExactSharesInEveryPrefixAndWindow(
      @ForAll @Size(min = 1, max = 16) List<@IntRange(min = 1, max = 200) Integer> w) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    Assume.that(rr.isFlat());
    double[][] range = deviations(rr, t, slots, 0, 2 * period(t)); // stripe 0 starts at the period's start
    int n = slots.length;
    for (int i = 0; i < n; i++) {
      double bound = flatPrefixBound(n, (double) w.get(i) / t.total());
      double prefix = Math.max(range[i][0], -range[i][1]);
      double window = range[i][0] - range[i][1];
      assertTrue(prefix <= bound + EPSILON, "prefix deviation " + prefix + " > " + bound + " of weight " + w.get(i)
          + " in " + w);
      assertTrue(window <= 2 * bound + EPSILON, "window deviation " + window + " > " + 2 * bound + " of weight "
          + w.get(i) + " in " + w);
    }
  }

  @Property(tries = 60, seed = "5104")
  void treeWalkStaysWithinHalfLog2PeriodInEveryWindow(
      @ForAll @Size(min = 2, max = 40) List<@IntRange(min = 1, max = 3000) Integer> w) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    long p = period(t);
    Assume.that(p > RoundRobin.FLAT_LIMIT && p <= 120_000);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    double bound = TREE_WINDOW_LOG_FACTOR * Math.log(p) / Math.log(2);
    double[][] range = deviations(rr, t, slots, 0, 2 * p);
    for (int i = 0; i < slots.length; i++) {
      double window = range[i][0] - range[i][1];
      assertTrue(window <= bound, "window deviation " + window + " > " + bound + " (P = " + p + ", step "
          + RoundRobin.step(t.total(), t.gcd()) + ")");
    }
  }

  /** The step's continued fraction has small partial quotients (what the tree bound rests on). */
  @Property(tries = 2000, seed = "5105")
  void theStepIsCoprimeWithSmallPartialQuotients(@ForAll @IntRange(min = 4097, max = 50_000_000) int p) {
    long g = RoundRobin.step(p, 1);
    assertTrue(g > 0 && g < p);
    assertEquals(1, java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(p)).intValue());
    assertTrue(RoundRobin.maxPartialQuotient(g, p) <= 8, "partial quotient "
        + RoundRobin.maxPartialQuotient(g, p) + " for P = " + p);
  }

  /** Two stripes interleaved in any order: their union stays within twice one stripe's bound. */
  @Property(tries = 100, seed = "5106")
  void twoStripesTogetherStayWithinTwiceTheBound(
      @ForAll @Size(min = 2, max = 12) List<@IntRange(min = 1, max = 3000) Integer> w,
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 1, max = 60) Integer> runs) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    long p = period(t);
    double bound = rr.isFlat() ? 2 * flatPrefixBound(slots.length, 1)
        : TREE_WINDOW_LOG_FACTOR * Math.log(p) / Math.log(2);
    Map<Integer, Integer> counts = new HashMap<>();
    long picks = 0;
    for (int r = 0; r < runs.size(); r++) {
      int stripe = r % 2 == 0 ? 0 : Stripes.COUNT - 1;
      for (int k = 0; k < runs.get(r); k++) {
        counts.merge(rr.next(stripe), 1, Integer::sum);
        picks++;
      }
    }
    for (int slot : slots) {
      double dev = counts.getOrDefault(slot, 0) - (double) picks * t.weight(slot) / t.total();
      // each stripe starts somewhere in its period: a stripe's count is within one window bound of its share
      assertTrue(Math.abs(dev) <= 2 * bound, "union deviation " + dev + " > 2 x " + bound);
    }
  }

  @Property(tries = 100, seed = "5107")
  void equalWeightsRotateStrictlyInSlotOrder(@ForAll @IntRange(min = 1, max = 30) int n,
                                             @ForAll @IntRange(min = 1, max = 256) int weight) {
    BackendPool.Builder b = Pools.builder("p");
    for (int i = 0; i < n; i++) {
      b.server(ServerSpec.builder(String.format("s%02d", i), Pools.addr(i)).weight(weight).build());
    }
    BackendPool pool = b.build();
    TestRequest r = TestRequest.get("/");
    int first = pool.route(r).server().slot();
    for (int k = 1; k < 3 * n; k++) {
      assertEquals((first + k) % n, pool.route(r).server().slot(), "pick " + k);
    }
  }

  @Property(tries = 200, seed = "5108")
  void avoidingReturnsAnotherSlotWhenThereIsOne(
      @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 0, max = 300) Integer> w,
      @ForAll @IntRange(min = 0, max = 9) int avoid) {
    int[] slots = new int[w.size()];
    WeightTree t = tree(w, slots);
    Assume.that(t.total() > 0);
    RoundRobin rr = new RoundRobin(t, new RoundRobin.Positions());
    int a = slots[avoid % slots.length];
    int weighted = 0;
    for (int s : slots) {
      weighted += t.weight(s) > 0 ? 1 : 0;
    }
    for (int k = 0; k < 200; k++) {
      int slot = rr.nextAvoiding(0, a);
      assertTrue(t.weight(slot) > 0, "picked an unweighted slot");
      if (weighted > 1 || t.weight(a) == 0) {
        assertNotEquals(a, slot);
      }
    }
  }

  /** Real threads on one pool: every pick is a usable server and the union of two threads' picks stays fair. */
  @Example
  void twoThreadsOnOnePoolStayFairTogether() throws InterruptedException {
    int[] weights = {5, 1, 3, 7};
    BackendPool.Builder b = Pools.builder("p");
    for (int i = 0; i < weights.length; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).weight(weights[i]).build());
    }
    BackendPool pool = b.build();
    int perThread = 50_000;
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int th = 0; th < 2; th++) {
      Thread thread = new Thread(() -> {
        TestRequest r = TestRequest.get("/");
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int k = 0; k < perThread; k++) {
          counts.computeIfAbsent(pool.route(r).server().id(), x -> new AtomicInteger()).incrementAndGet();
        }
      });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    int total = 16;
    for (int i = 0; i < weights.length; i++) {
      double dev = counts.get("s" + i).get() - 2.0 * perThread * weights[i] / total;
      assertTrue(Math.abs(dev) <= 4 * flatPrefixBound(weights.length, (double) weights[i] / total), "s" + i
          + " deviates by " + dev);
    }
  }
}
