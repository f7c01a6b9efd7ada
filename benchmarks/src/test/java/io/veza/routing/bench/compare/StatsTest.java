package io.veza.routing.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatsTest {

  /** Upper 5 % and 1 % critical values of chi-square (NIST/SEMATECH e-Handbook, table 1.3.6.7.4). */
  @ParameterizedTest
  @CsvSource({
    "1, 3.841, 0.05",
    "1, 6.635, 0.01",
    "10, 18.307, 0.05",
    "10, 23.209, 0.01",
    "100, 124.342, 0.05",
    "100, 135.807, 0.01"
  })
  void matchesPublishedCriticalValues(int df, double x, double p) {
    // table values have 3 decimals, so the p-value is only known to about 1e-4
    assertEquals(p, Stats.chiSquarePValue(x, df), 1e-4);
  }

  /** With df = 2 the survival function is exactly exp(-x/2). */
  @Property
  void twoDegreesOfFreedomIsExponential(@ForAll @DoubleRange(min = 0, max = 1400) double x) {
    double expected = Math.exp(-x / 2);
    assertEquals(expected, Stats.chiSquarePValue(x, 2), 1e-11 * Math.max(expected, Double.MIN_NORMAL) + 1e-300);
  }

  /** ln Gamma(k) = ln((k-1)!) for integers. */
  @Property
  void logGammaOfIntegersIsLogFactorial(@ForAll @IntRange(min = 1, max = 170) int k) {
    double logFactorial = 0;
    for (int i = 2; i < k; i++) {
      logFactorial += Math.log(i);
    }
    assertEquals(logFactorial, Stats.logGamma(k), 1e-12 * Math.max(1, logFactorial));
  }

  /**
   * For many degrees of freedom the Wilson–Hilferty cube-root approximation is accurate to about 1e-3 in the
   * p-value (its own error plus the 1.2e-7 of the erfc used), which cross-checks both branches of Q.
   */
  @Property
  void agreesWithWilsonHilfertyForLargeDf(
      @ForAll @IntRange(min = 100, max = 2000) int df, @ForAll @DoubleRange(min = -4, max = 4) double z) {
    double x = df + z * Math.sqrt(2.0 * df);
    if (x <= 0) {
      return;
    }
    assertEquals(Stats.chiSquarePValueWilsonHilferty(x, df), Stats.chiSquarePValue(x, df), 2e-3);
  }

  @Test
  void statisticOfPerfectBalanceIsZeroAndItsPValueOne() {
    assertEquals(0.0, Stats.chiSquare(new long[] {5, 5, 5, 5}));
    assertEquals(1.0, Stats.chiSquarePValue(0, 3));
    assertEquals(0.4, Stats.chiSquare(new long[] {6, 4}), 1e-12); // 1/5 + 1/5
    assertTrue(Stats.chiSquarePValue(1e6, 999) < 1e-300);
  }
}
