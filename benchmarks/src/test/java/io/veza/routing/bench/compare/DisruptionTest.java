package io.veza.routing.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fraction of keys moved when one server fails, against bounds derived from each algorithm's distribution.
 * Fixed seeds (keys: seed 42; failing server: seed 7 + n), 200,000 keys.
 */
class DisruptionTest {

  static final int KEYS = 200_000;
  static final long[] KEY_HASHES = ComparisonReport.keys(KEYS);

  static double[] movedAndExcess(Router.Factory factory, int n) {
    boolean[] allUp = new boolean[n];
    boolean[] oneDown = new boolean[n];
    int failed = ComparisonReport.failingServer(n);
    oneDown[failed] = true;
    int[] before = ComparisonReport.assign(factory.build(n, allUp), KEY_HASHES, allUp);
    int[] during = ComparisonReport.assign(factory.build(n, oneDown), KEY_HASHES, oneDown);
    long onFailed = java.util.Arrays.stream(before).filter(s -> s == failed).count();
    return new double[] {
      ComparisonReport.movedFraction(before, during),
      ComparisonReport.excessMovedFraction(before, during, failed),
      (double) onFailed / KEYS
    };
  }

  /**
   * Exactly the failed server's keys move, and their number is Binomial(K, 1/n): within 5 standard deviations of
   * K/n (two-sided miss chance ~6e-7).
   */
  static void assertMovesExactlyTheFailedServersBinomialShare(Router.Factory factory, int n) {
    double[] r = movedAndExcess(factory, n);
    assertEquals(0.0, r[1], "keys moved between surviving servers");
    assertEquals(r[2], r[0], "moved fraction equals the failed server's share");
    double p = 1.0 / n;
    double sigma = Math.sqrt(p * (1 - p) / KEYS);
    assertTrue(Math.abs(r[0] - p) <= 5 * sigma, () -> "moved " + r[0] + ", ideal " + p + " +- " + 5 * sigma);
  }

  /**
   * Rendezvous: exactly the failed server's keys move (every other score is unchanged), and their number is
   * Binomial(K, 1/n) for uniform keys; the bound is 5 standard deviations (two-sided miss chance ~6e-7).
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 10, 100})
  void rendezvousMovesExactlyTheFailedServersKeys(int n) {
    assertMovesExactlyTheFailedServersBinomialShare(Rendezvous.factory(), n);
  }

  /**
   * Ours (JumpSelector): exactly the failed server's keys move (each re-jumps to its next usable candidate);
   * with all servers up the selection is the jump hash, whose bucket shares are exactly 1/n, so the moved
   * count is Binomial(K, 1/n); the bound is 5 standard deviations.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 10, 100})
  void oursMovesExactlyTheFailedServersKeys(int n) {
    assertMovesExactlyTheFailedServersBinomialShare(OurSelector.factories().get(0), n);
  }

  /**
   * Ketama ring: exactly the failed server's keys move. A server's share is the sum of the 160 arcs that end
   * at its points; arcs are close to i.i.d. exponential, so the share is about Gamma(160, 1/(160 n)), with a
   * relative standard deviation of 1/sqrt(160) = 7.9 %. The bound is 5 of those (plus key sampling noise).
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 10, 100})
  void ringMovesExactlyTheFailedServersKeys(int n) {
    double[] r = movedAndExcess(KetamaRing.factory(), n);
    assertEquals(0.0, r[1], "keys moved between surviving servers");
    assertEquals(r[2], r[0], "moved fraction equals the failed server's share");
    double p = 1.0 / n;
    double bound = 5 * p / Math.sqrt(KetamaRing.POINTS_PER_WEIGHT) + 5 * Math.sqrt(p / KEYS);
    assertTrue(Math.abs(r[0] - p) <= bound, () -> "moved " + r[0] + ", ideal " + p + " +- " + bound);
  }

  /**
   * Maglev: all of the failed server's keys move, plus the keys of table slots that the refill hands to a
   * different survivor. The failed server owned floor or ceil of M/n slots, so its keys are
   * Binomial(K, (M/n)/M); the bound on the extra is the one the paper's design allows for M much larger than
   * n: the refill reassigns at most as many slots again (so moved <= 2/n), which holds with a wide margin for
   * M >= 100 n, the paper's recommendation. Here M/n >= 655.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 10, 100})
  void maglevMovesAboutOneNth(int n) {
    double[] r = movedAndExcess(Maglev.factory(), n);
    double p = 1.0 / n;
    double sigma = Math.sqrt(p * (1 - p) / KEYS);
    assertTrue(Math.abs(r[2] - p) <= 5 * sigma + 1.0 / Maglev.TABLE_SIZE, () -> "failed server's share " + r[2]);
    assertTrue(r[0] >= r[2], "every key of the failed server moved");
    assertTrue(r[0] <= 2 * p, () -> "moved " + r[0] + " > 2/n = " + 2 * p);
  }

  /**
   * The negative baseline really is disruptive. With all n up and server f failing, a key in jump bucket
   * b < n - 1 keeps its bucket but the bucket now names server b + 1 when b >= f: (n - 1 - f) / n of the keys.
   * A key in bucket n - 1 (1/n of them) re-jumps uniformly into [0, n - 2] and stays only if it lands on
   * bucket n - 2, which now names server n - 1: probability 1/(n - 1). Keys move independently, so the moved
   * count is Binomial(K, expected); the bound is 5 standard deviations.
   */
  @ParameterizedTest
  @ValueSource(ints = {10, 100})
  void jumpOverTheUpListMovesFarMoreThanOneNth(int n) {
    double[] r = movedAndExcess(FilteredJump.factory(), n);
    int failed = ComparisonReport.failingServer(n);
    double expected = failed == n - 1
        ? 1.0 / n
        : (double) (n - 1 - failed) / n + (1.0 / n) * (1 - 1.0 / (n - 1));
    double sigma = Math.sqrt(expected * (1 - expected) / KEYS) + 1e-9;
    assertTrue(Math.abs(r[0] - expected) <= 5 * sigma, () -> "moved " + r[0] + ", expected " + expected);
  }
}
