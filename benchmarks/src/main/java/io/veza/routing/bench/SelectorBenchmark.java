package io.veza.routing.bench;

import io.veza.routing.hash.JumpSelector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Health-aware selection ({@link JumpSelector#select}) over n = 100, 10,000 and 100,000 slots with 0, 1, 10 and
 * 50 % of them not usable: servers that are down, or holes (slots of servers that left, below the highest
 * occupied slot). The peer of each case is the all-usable case of the same n in the same run (DESIGN.md targets at
 * n = 100: at most 1.1x, 1.3x and 2.2x of the all-up cost). The unusable slots are a seeded random subset (the
 * cost does not depend on which ones, only on how many: a key re-jumps until it hits a usable slot). Keys: 1024
 * precomputed random longs.
 *
 * <p><b>Bound.</b> An attempt lands on a uniform slot, so it is accepted with probability
 * {@code p = (sum of usable weights) / n} (here, all weights 1: the usable fraction). The expected number of
 * attempts is {@code (1 - (1 - p)^64) / p <= n / (sum of usable weights)}: 1, 1.01, 1.11 and 2.0 for 0, 1, 10 and
 * 50 % not usable; the O(n) rendezvous fallback runs with probability {@code (1 - p)^64}: 1e-128, 1e-64 and
 * 5e-20. Up to 4096 slots the usable bit of attempt 0 is tested inline; beyond, a selector with unusable slots
 * tests it out of line (one call more).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SelectorBenchmark {

  @Param({"100", "10000", "100000"})
  int n;

  /** Percentage of the n slots that are not usable (with n = 100: 0, 1, 10 or 50 servers). */
  @Param({"0", "1", "10", "50"})
  int downPercent;

  private JumpSelector selector;
  private long[] keys;
  private int i;

  @Setup
  public void setup() {
    selector = selector(n, downPercent, 0x5eed_0003L);
    keys = Keys.randomLongs(0x5eed_0004L);
  }

  /** A selector over n slots with round(n * downPercent / 100) of them, chosen by a seeded shuffle, unusable. */
  static JumpSelector selector(int n, int downPercent, long seed) {
    int[] order = new int[n];
    for (int s = 0; s < n; s++) {
      order[s] = s;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int s = n - 1; s > 0; s--) {
      int j = random.nextInt(s + 1);
      int t = order[s];
      order[s] = order[j];
      order[j] = t;
    }
    int down = Math.round(n * downPercent / 100f);
    JumpSelector.Builder builder = JumpSelector.builder(n);
    for (int s = 0; s < down; s++) {
      builder.usable(order[s], false);
    }
    JumpSelector selector = builder.build();
    if (selector.usableCount() != n - down) {
      throw new IllegalStateException("expected " + (n - down) + " usable, got " + selector);
    }
    return selector;
  }

  @Benchmark
  public int select() {
    return selector.select(keys[i++ & Keys.MASK]);
  }
}
