package io.veza.routing.health;

/**
 * How the effective weight of a server grows during slow start (HAProxy {@code slowstart}; Envoy
 * {@code slow_start_config}). {@code t} is the time since the server came UP (from DOWN or MAINT), {@code S} the
 * slow-start window; at {@code t >= S} every curve gives the full weight.
 *
 * <ul>
 *   <li>{@link #haproxy()} (default): {@code weight * (floor(16*t/S) + 1) / 16}. 16 steps, starts at 1/16 of the
 *       weight, never 0 during the ramp (DESIGN.md; HAProxy {@code server_recalc_eweight} with
 *       {@code BE_WEIGHT_SCALE} 16).
 *   <li>{@link #envoy(double, double)}: {@code weight * max((t/S)^(1/aggression), minWeightPercent/100)}, Envoy's
 *       {@code aggression} (default 1.0, linear) and {@code min_weight_percent} (default 10). It changes
 *       continuously in Envoy; here {@code t} is sampled in 64 steps ({@code t = floor(64*t/S)*S/64}) so a ramp
 *       publishes at most 64 snapshots.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class SlowStartCurve {
  /** Number of publication steps used for the continuous Envoy curve. */
  static final int ENVOY_STEPS = 64;

  private static final SlowStartCurve HAPROXY = new SlowStartCurve(false, 1.0, 0.0);

  private final boolean envoy;
  private final double aggression;
  private final double minWeightPercent;

  private SlowStartCurve(boolean envoy, double aggression, double minWeightPercent) {
    this.envoy = envoy;
    this.aggression = aggression;
    this.minWeightPercent = minWeightPercent;
  }

  /** HAProxy's 16-step curve {@code (floor(16*t/S) + 1) / 16}. */
  public static SlowStartCurve haproxy() {
    return HAPROXY;
  }

  /** Envoy's curve with its defaults: aggression 1.0, min weight 10 %. */
  public static SlowStartCurve envoy() {
    return envoy(1.0, 10.0);
  }

  /**
   * Envoy's curve {@code max((t/S)^(1/aggression), minWeightPercent/100)}.
   *
   * @param aggression Envoy {@code aggression}, finite and &gt; 0 (1.0 = linear, larger = faster start)
   * @param minWeightPercent Envoy {@code min_weight_percent}, in [0, 100]
   * @throws IllegalArgumentException naming the field and the value if out of range
   */
  public static SlowStartCurve envoy(double aggression, double minWeightPercent) {
    if (!(aggression > 0 && Double.isFinite(aggression))) {
      throw new IllegalArgumentException("aggression must be finite and > 0, was " + aggression);
    }
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new IllegalArgumentException("minWeightPercent must be in [0, 100], was " + minWeightPercent);
    }
    return new SlowStartCurve(true, aggression, minWeightPercent);
  }

  /** Whether this is Envoy's curve (else HAProxy's). */
  public boolean isEnvoy() {
    return envoy;
  }

  /** Envoy {@code aggression} (1.0 for the HAProxy curve, where it does not apply). */
  public double aggression() {
    return aggression;
  }

  /** Envoy {@code min_weight_percent} (0 for the HAProxy curve, where it does not apply). */
  public double minWeightPercent() {
    return minWeightPercent;
  }

  /**
   * Fraction of the configured weight in effect {@code elapsedNanos} after the server came up, for a window of
   * {@code windowNanos > 0}. 1.0 once {@code elapsedNanos >= windowNanos}.
   */
  public double factor(long elapsedNanos, long windowNanos) {
    if (elapsedNanos >= windowNanos) {
      return 1.0;
    }
    long t = Math.max(0, elapsedNanos);
    if (!envoy) {
      return (step(t, windowNanos, 16) + 1) / 16.0;
    }
    // sampled in ENVOY_STEPS steps so that a snapshot is published at most that many times per ramp
    double timeFactor = step(t, windowNanos, ENVOY_STEPS) / (double) ENVOY_STEPS;
    double shaped = aggression == 1.0 ? timeFactor : Math.pow(timeFactor, 1.0 / aggression);
    return Math.max(shaped, minWeightPercent / 100.0);
  }

  /**
   * Nanoseconds from {@code elapsedNanos} until the effective weight next changes (for Envoy: the next publication
   * step of {@code S/64}); {@code windowNanos - elapsedNanos} at the last step, 0 if already complete.
   */
  long nanosUntilNextStep(long elapsedNanos, long windowNanos) {
    if (elapsedNanos >= windowNanos) {
      return 0;
    }
    long t = Math.max(0, elapsedNanos);
    int steps = envoy ? ENVOY_STEPS : 16;
    long k = step(t, windowNanos, steps);
    // smallest t' with floor(steps*t'/S) >= k+1 is ceil((k+1)*S/steps)
    long next = ceilMulDiv(k + 1, windowNanos, steps);
    return Math.max(1, Math.min(next, windowNanos) - elapsedNanos);
  }

  /** {@code floor(steps * t / S)} without overflow. */
  static long step(long t, long windowNanos, int steps) {
    return Math.multiplyHigh(t, steps) == 0 && t * steps >= 0
        ? (t * steps) / windowNanos
        : (long) Math.floor((double) t * steps / windowNanos);
  }

  private static long ceilMulDiv(long k, long windowNanos, int steps) {
    // windowNanos * k may overflow for huge windows: fall back to double
    long hi = Math.multiplyHigh(windowNanos, k);
    long lo = windowNanos * k;
    if (hi == 0 && lo >= 0) {
      return (lo + steps - 1) / steps;
    }
    return (long) Math.ceil((double) windowNanos * k / steps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlowStartCurve c && c.envoy == envoy && c.aggression == aggression
        && c.minWeightPercent == minWeightPercent;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(envoy) * 31 * 31 + Double.hashCode(aggression) * 31 + Double.hashCode(minWeightPercent);
  }

  @Override
  public String toString() {
    return envoy ? "envoy(aggression=" + aggression + ", minWeightPercent=" + minWeightPercent + ")" : "haproxy";
  }
}
