package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Distribution checks with fixed seeds. Every threshold comes from the distribution of the statistic under the
 * claimed behaviour, at significance {@code ALPHA = 0.001} (so a correct implementation would fail one in a thousand
 * seeds; the seeds are fixed, so the outcome is deterministic):
 * <ul>
 *   <li>chi-square with {@code k} degrees of freedom: Wilson–Hilferty, {@code X ~ k (1 - 2/(9k) + z sqrt(2/(9k)))^3}
 *       with {@code z} the standard normal quantile of {@code 1 - ALPHA} (3.0902). In this far tail it errs on the
 *       conservative side: +3 % at k = 1 (11.16 vs 10.83), +1.8 % at k = 3, +0.7 % at k = 8, +0.04 % at k = 99
 *       ({@link #criticalValuesMatchTables});</li>
 *   <li>binomial counts {@code Bin(K, p)} with large {@code Kp(1-p)}: normal approximation, two-sided,
 *       {@code |M - Kp| <= z' sqrt(Kp(1-p))} with {@code z' = 3.2905} (quantile of {@code 1 - ALPHA/2}).</li>
 * </ul>
 */
class JumpSelectorStatisticsTest {

  private static final double Z_ONE_SIDED = 3.090232; // Phi^-1(1 - 0.001)
  private static final double Z_TWO_SIDED = 3.290527; // Phi^-1(1 - 0.0005)
  private static final int KEYS = 200_000;

  static double chiSquareCritical(int degreesOfFreedom) {
    double k = degreesOfFreedom;
    double a = 2.0 / (9.0 * k);
    double c = 1.0 - a + Z_ONE_SIDED * Math.sqrt(a);
    return k * c * c * c;
  }

  static double chiSquare(long[] observed, double[] expected) {
    double x = 0;
    for (int i = 0; i < observed.length; i++) {
      if (expected[i] > 0) {
        double d = observed[i] - expected[i];
        x += d * d / expected[i];
      } else {
        assertEquals(0, observed[i], "a slot with zero expectation was chosen: " + i);
      }
    }
    return x;
  }

  /** Chi-square test that counts per slot follow shares proportional to {@code share[s]} (0 = never). */
  static void assertProportional(long[] counts, double[] share, String what) {
    long total = 0;
    double shareSum = 0;
    int cells = 0;
    for (int s = 0; s < counts.length; s++) {
      total += counts[s];
      shareSum += share[s];
      cells += share[s] > 0 ? 1 : 0;
    }
    double[] expected = new double[counts.length];
    for (int s = 0; s < counts.length; s++) {
      expected[s] = total * share[s] / shareSum;
    }
    double x = chiSquare(counts, expected);
    double critical = chiSquareCritical(cells - 1);
    assertTrue(x < critical, what + ": chi-square " + x + " >= " + critical + " (df " + (cells - 1) + ")");
  }

  private static void assertBinomial(long moved, long trials, double p, String what) {
    double mean = trials * p;
    double bound = Z_TWO_SIDED * Math.sqrt(trials * p * (1 - p));
    assertTrue(Math.abs(moved - mean) <= bound, what + ": moved " + moved + ", expected " + mean + " +- " + bound);
  }

  @Test
  void criticalValuesMatchTables() {
    // Table values of the chi-square 0.999 quantile (NIST/SEMATECH e-Handbook, 1.3.6.7.4): the approximation
    // is never below them (conservative) and within 3.1 %.
    double[][] table = {{1, 10.828}, {3, 16.266}, {8, 26.124}, {10, 29.588}, {99, 148.230}};
    for (double[] row : table) {
      double approx = chiSquareCritical((int) row[0]);
      assertTrue(approx >= row[1] && approx <= row[1] * 1.031, "df " + row[0] + ": " + approx);
    }
  }

  @Test
  void keysOfARemovedSlotSpreadEvenlyOverTheSurvivors() {
    for (int n : new int[] {4, 10, 100}) {
      JumpSelector all = JumpSelector.allUsable(n);
      int removed = n / 3;
      JumpSelector after = all.withUsable(removed, false);
      long[] counts = new long[n];
      long onRemoved = 0;
      SplittableRandom r = new SplittableRandom(20240601L + n);
      for (int i = 0; i < KEYS * 2; i++) {
        long key = r.nextLong();
        int b = all.select(key);
        int a = after.select(key);
        if (b == removed) {
          onRemoved++;
          counts[a]++;
        } else {
          assertEquals(b, a);
        }
      }
      double[] share = new double[n];
      for (int s = 0; s < n; s++) {
        share[s] = s == removed ? 0 : 1;
      }
      assertBinomial(onRemoved, KEYS * 2L, 1.0 / n, "keys on the removed slot, n=" + n);
      assertProportional(counts, share, "moved keys over survivors, n=" + n);
    }
  }

  /** With weights and other slots already down, the moved keys follow the survivors' weights. */
  @Test
  void keysOfARemovedSlotFollowTheSurvivorsWeights() {
    double[] w = {1, 0.5, 0.25, 1, 0.75, 0.1, 1, 0.6, 0.0625, 1};
    JumpSelector.Builder b = JumpSelector.builder(w.length).usable(6, false);
    for (int s = 0; s < w.length; s++) {
      b.weight(s, w[s]);
    }
    JumpSelector before = b.build();
    JumpSelector after = before.withUsable(3, false);
    long[] counts = new long[w.length];
    SplittableRandom r = new SplittableRandom(77);
    for (int i = 0; i < KEYS * 2; i++) {
      long key = r.nextLong();
      if (before.select(key) == 3) {
        counts[after.select(key)]++;
      }
    }
    double[] share = w.clone();
    share[3] = 0;
    share[6] = 0;
    assertProportional(counts, share, "moved keys over weighted survivors");
  }

  @Test
  void growingByOneMovesAboutOneInNPlusOneKeys() {
    for (int n : new int[] {1, 2, 9, 99, 999}) {
      JumpSelector small = JumpSelector.allUsable(n);
      JumpSelector big = JumpSelector.allUsable(n + 1);
      long moved = 0;
      SplittableRandom r = new SplittableRandom(1000L + n);
      for (int i = 0; i < KEYS; i++) {
        long key = r.nextLong();
        if (small.select(key) != big.select(key)) {
          moved++;
        }
      }
      assertBinomial(moved, KEYS, 1.0 / (n + 1), "n=" + n + " -> " + (n + 1));
    }
    // With a third of the slots down the new slot takes 1/(usable + 1) of the keys.
    JumpSelector.Builder smallB = JumpSelector.builder(30);
    JumpSelector.Builder bigB = JumpSelector.builder(31);
    for (int s = 0; s < 30; s += 3) {
      smallB.usable(s, false);
      bigB.usable(s, false);
    }
    JumpSelector small = smallB.build();
    JumpSelector big = bigB.build();
    long moved = 0;
    SplittableRandom r = new SplittableRandom(31);
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      if (small.select(key) != big.select(key)) {
        moved++;
      }
    }
    assertBinomial(moved, KEYS, 1.0 / (small.usableCount() + 1), "20 usable of 30 -> 31");
  }

  /**
   * A server joining a live pool: {@code withSlots(n + 1)} adds the slot not usable (no key moves to it, and the
   * keys that move go to survivors and are all keys it will take), then {@code withUsable(n, true)} moves about
   * {@code 1/(W + 1)} of the keys onto it, W the usable weight mass ({@code n} when all are usable), and nothing
   * else.
   */
  @Test
  void joiningThroughWithSlotsMovesAboutOneInUsablePlusOneKeys() {
    for (int n : new int[] {10, 100, 5000}) {
      for (int downEvery : new int[] {0, 3}) {
        JumpSelector small = JumpSelector.allUsable(n);
        for (int s = 0; downEvery > 0 && s < n; s += downEvery) {
          small = small.withUsable(s, false);
        }
        JumpSelector joining = small.withSlots(n + 1);
        JumpSelector joined = joining.withUsable(n, true);
        long moved = 0;
        SplittableRandom r = new SplittableRandom(4000L + n + downEvery);
        for (int i = 0; i < KEYS; i++) {
          long key = r.nextLong();
          int before = small.select(key);
          int after = joined.select(key);
          if (before != after) {
            assertEquals(n, after, "a key moved to an old slot");
            moved++;
          }
          if (joining.select(key) != before) {
            assertEquals(n, after, "a key the new slot does not take moved while it joined");
          }
        }
        assertBinomial(moved, KEYS, 1.0 / (small.usableCount() + 1),
            "n=" + n + ", usable " + small.usableCount() + " -> +1");
      }
    }
  }

  @Test
  void sharesAreProportionalToWeights() {
    double[] w = {1, 0.5, 0.25, 1, 0.75, 0.1, 1, 0.6};
    JumpSelector.Builder b = JumpSelector.builder(w.length);
    for (int s = 0; s < w.length; s++) {
      b.weight(s, w[s]);
    }
    JumpSelector sel = b.build();
    assertProportional(counts(sel, 5), w, "all usable");
    double[] half = w.clone();
    for (int s = 0; s < w.length; s += 2) {
      sel = sel.withUsable(s, false);
      half[s] = 0;
    }
    assertProportional(counts(sel, 6), half, "half down");
  }

  /** Raising a weight: the slot's share grows to the new proportion, and the keys it gains come from everyone. */
  @Test
  void raisingAWeightRaisesTheShareProportionally() {
    double[] w = new double[20];
    java.util.Arrays.fill(w, 1.0);
    JumpSelector sel = JumpSelector.allUsable(20);
    for (int k = 1; k <= 16; k *= 2) {
      double weight = k / 16.0;
      w[7] = weight;
      assertProportional(counts(sel.withWeight(7, weight), 100 + k), w, "slow start step " + k + "/16");
    }
  }

  /**
   * Two usable slots of 200 with weights 1 and 0.25: an attempt succeeds with probability 1.25/200, so about 67 %
   * of the keys use the rendezvous fallback; the split must still be 4:1.
   */
  @Test
  void fallbackKeepsTheWeightProportions() {
    JumpSelector.Builder b = JumpSelector.builder(200);
    for (int s = 0; s < 200; s++) {
      b.usable(s, s == 20 || s == 150);
    }
    JumpSelector sel = b.weight(150, 0.25).build();
    double[] share = new double[200];
    share[20] = 1;
    share[150] = 0.25;
    SplittableRandom r = new SplittableRandom(9);
    long[] counts = new long[200];
    long fallbacks = 0;
    for (int i = 0; i < KEYS / 4; i++) {
      long key = r.nextLong();
      counts[sel.select(key)]++;
      fallbacks += sel.attempts(key) > JumpSelector.MAX_ATTEMPTS ? 1 : 0;
    }
    assertProportional(counts, share, "mostly fallback");
    assertTrue(fallbacks > KEYS / 8, "fallback exercised: " + fallbacks);
  }

  private static long[] counts(JumpSelector sel, long seed) {
    long[] counts = new long[sel.slots()];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < KEYS; i++) {
      counts[sel.select(r.nextLong())]++;
    }
    return counts;
  }
}
