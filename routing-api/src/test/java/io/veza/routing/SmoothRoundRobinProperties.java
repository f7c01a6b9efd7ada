package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SmoothRoundRobinProperties {

  private static int[] ids(int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i;
    }
    return ids;
  }

  private static int[] weights(List<Integer> w) {
    return w.stream().mapToInt(Integer::intValue).toArray();
  }

  @Property
  void eachPeriodGivesEveryServerExactlyItsReducedWeight(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 4096) Integer> w) {
    int[] weights = weights(w);
    int g = 0;
    for (int x : weights) {
      g = gcd(g, x);
    }
    int[] period = SmoothRoundRobin.period(ids(weights.length), weights, weights.length);
    int[] counts = new int[weights.length];
    for (int id : period) {
      counts[id]++;
    }
    for (int i = 0; i < weights.length; i++) {
      assertEquals(weights[i] / g, counts[i], "server " + i);
    }
  }

  /**
   * The bound of the class doc: after m picks, count_i - m*w_i/W = -current_i/W and -W < current_i < (n-1)*W, so
   * the deviation of every prefix is in (-max(1, n-1), 1) and of every window below n in absolute value.
   */
  @Property(tries = 200)
  void deviationFromExactSharesIsBoundedByAConstantPerServer(
      @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 256) Integer> w,
      @ForAll @IntRange(min = 0, max = 5000) int windowStart,
      @ForAll @IntRange(min = 1, max = 5000) int windowLength) {
    int[] weights = weights(w);
    int n = weights.length;
    long total = 0;
    for (int x : weights) {
      total += x;
    }
    SmoothRoundRobin rr = SmoothRoundRobin.of(ids(n), weights, n);
    int[] prefix = new int[n];
    int[] window = new int[n];
    for (int m = 1; m <= windowStart + windowLength; m++) {
      int id = rr.next();
      prefix[id]++;
      if (m > windowStart) {
        window[id]++;
      }
      for (int i = 0; i < n; i++) {
        double dev = prefix[i] - (double) m * weights[i] / total;
        assertTrue(dev > -Math.max(1, n - 1) && dev < 1, "prefix deviation " + dev + " of server " + i + " after " + m);
      }
    }
    for (int i = 0; i < n; i++) {
      double dev = window[i] - (double) windowLength * weights[i] / total;
      assertTrue(Math.abs(dev) < n, "window deviation " + dev + " of server " + i);
    }
  }

  @Property
  void avoidingReturnsAnotherServerWhenThereIsOne(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 50) Integer> w,
      @ForAll @IntRange(min = 0, max = 7) int avoid) {
    int[] weights = weights(w);
    SmoothRoundRobin rr = SmoothRoundRobin.of(ids(weights.length), weights, weights.length);
    for (int k = 0; k < 100; k++) {
      int id = rr.nextAvoiding(avoid);
      if (weights.length == 1 && avoid == 0) {
        assertEquals(0, id);
      } else {
        assertNotEquals(avoid, id);
      }
    }
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
