package io.veza.routing.bench.compare;

/**
 * Chi-square goodness of fit against the uniform distribution, with an exact p-value.
 *
 * <p>The p-value is the chi-square survival function {@code Q(df/2, x/2)}, the regularized upper incomplete
 * gamma function, computed as in Numerical Recipes (3rd ed., section 6.2): the power series for
 * {@code P(a, x)} when {@code x < a + 1}, else the Lentz continued fraction for {@code Q(a, x)};
 * {@code ln Gamma} by the Lanczos approximation (g = 7, 9 terms; relative error below 1e-15).
 */
final class Stats {
  private Stats() {}

  /** Pearson's statistic {@code sum (O - E)^2 / E} for counts expected to be equal. */
  static double chiSquare(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double expected = (double) total / counts.length;
    double sum = 0;
    for (long c : counts) {
      double d = c - expected;
      sum += d * d / expected;
    }
    return sum;
  }

  /** {@code P[X >= x]} for {@code X ~ chi-square(df)}. */
  static double chiSquarePValue(double x, int df) {
    if (df <= 0) {
      throw new IllegalArgumentException("df must be > 0, was " + df);
    }
    return regularizedGammaQ(df / 2.0, x / 2.0);
  }

  /** The Wilson–Hilferty normal approximation of the same p-value (used in tests as a cross-check). */
  static double chiSquarePValueWilsonHilferty(double x, int df) {
    double k = df;
    double z = (Math.cbrt(x / k) - (1 - 2 / (9 * k))) / Math.sqrt(2 / (9 * k));
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /** {@code Q(a, x) = Gamma(a, x) / Gamma(a)}, for {@code a > 0, x >= 0}. */
  static double regularizedGammaQ(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      throw new IllegalArgumentException("need a > 0 and x >= 0, was a=" + a + ", x=" + x);
    }
    if (x == 0) {
      return 1;
    }
    if (x < a + 1) {
      return 1 - seriesP(a, x);
    }
    return continuedFractionQ(a, x);
  }

  private static double seriesP(double a, double x) {
    double ap = a;
    double sum = 1 / a;
    double del = sum;
    for (int n = 0; n < 100_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) {
        return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
      }
    }
    throw new ArithmeticException("series for P(" + a + ", " + x + ") did not converge");
  }

  private static double continuedFractionQ(double a, double x) {
    final double tiny = 1e-300;
    double b = x + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 100_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-16) {
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
      }
    }
    throw new ArithmeticException("continued fraction for Q(" + a + ", " + x + ") did not converge");
  }

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  /** {@code ln Gamma(x)} for {@code x > 0} (Lanczos, g = 7). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    x -= 1;
    double sum = LANCZOS[0];
    double t = x + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /** Complementary error function (Numerical Recipes {@code erfcc}, fractional error below 1.2e-7). */
  static double erfc(double z) {
    double t = 1 / (1 + 0.5 * Math.abs(z));
    double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
        + t * 0.17087277)))))))));
    return z >= 0 ? ans : 2 - ans;
  }
}
