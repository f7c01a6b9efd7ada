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
 * What one routing-table change costs the persistent {@link JumpSelector} at n = 100, 10,000 and 100,000 slots.
 * Each call derives a new snapshot from the same base snapshot (10 % of the slots not usable, 1 % of the weights in
 * slow start) and returns it, changing one of 1024 precomputed usable slots so that every call is a real change:
 * <ul>
 *   <li>{@code withUsable}: a health transition (the slot becomes unusable);</li>
 *   <li>{@code withWeight}: a slow-start step (a weight k/16);</li>
 *   <li>{@code with}: both at once;</li>
 *   <li>{@code withSlotsGrow} / {@code withSlotsShrink}: a server joins or leaves at the top slot;</li>
 *   <li>{@code firstDown}: the first unusable slot of an all-usable snapshot, which creates the usable bitset.</li>
 * </ul>
 * DESIGN.md target: one change at 10,000 servers within 10 µs for the whole routing table; the selector's share
 * should stay well under 1 µs. Lookups with holes are in {@link SelectorBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SelectorUpdateBenchmark {

  @Param({"100", "10000", "100000"})
  int n;

  private JumpSelector base;
  private JumpSelector allUp;
  private int[] usableSlots;
  private double[] weights;
  private int i;

  @Setup
  public void setup() {
    SplittableRandom random = new SplittableRandom(0x5eed_0010L);
    JumpSelector.Builder b = JumpSelector.builder(n);
    for (int s = 0; s < n; s++) {
      if (random.nextInt(10) == 0) {
        b.usable(s, false);
      } else if (random.nextInt(100) == 0) {
        b.weight(s, (1 + random.nextInt(15)) / 16.0);
      }
    }
    base = b.build();
    allUp = JumpSelector.allUsable(n);
    usableSlots = new int[Keys.COUNT];
    weights = new double[Keys.COUNT];
    for (int k = 0; k < Keys.COUNT; k++) {
      int s;
      do {
        s = random.nextInt(n);
      } while (!base.isUsable(s) || base.weight(s) != 1.0);
      usableSlots[k] = s;
      weights[k] = (1 + random.nextInt(15)) / 16.0;
    }
  }

  @Benchmark
  public JumpSelector withUsable() {
    return base.withUsable(usableSlots[i++ & Keys.MASK], false);
  }

  @Benchmark
  public JumpSelector withWeight() {
    int k = i++ & Keys.MASK;
    return base.withWeight(usableSlots[k], weights[k]);
  }

  @Benchmark
  public JumpSelector with() {
    int k = i++ & Keys.MASK;
    return base.with(usableSlots[k], false, weights[k]);
  }

  @Benchmark
  public JumpSelector withSlotsGrow() {
    return base.withSlots(n + 1);
  }

  @Benchmark
  public JumpSelector withSlotsShrink() {
    return base.withSlots(n - 1);
  }

  @Benchmark
  public JumpSelector firstDown() {
    return allUp.withUsable(usableSlots[i++ & Keys.MASK], false);
  }
}
