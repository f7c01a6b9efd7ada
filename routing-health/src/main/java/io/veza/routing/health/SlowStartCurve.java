package io.veza.routing.health;

/**
 * How the effective weight of a server grows during slow start (HAProxy {@code slowstart}; Envoy
 * {@code slow_start_config}). {@code t} is the time since the server came UP (from DOWN or MAINT), {@code S} the
 * slow-start window; at {@code t >= S} every curve gives the full weight.
 *
 * <ul>
 *   <li>{@link #haproxy()} (default): {@code weight * (floor(16*t/S) + 1) / 16}. 16 steps, starts at 1/16 of the
 *       weight, never 0 during the ramp (DESIGN.md; HAProxy {@code server_recalc_eweight} with
 *       {@code BE_WEIGHT_SCALE} 16), with {@code t} and {@code S} exact.
 *   <li>{@link #haproxyWholeSeconds()}: the same formula on HAProxy's clock, bit for bit: {@code S} rounded up to
 *       whole seconds and {@code t} counted in whole seconds.
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

  private static final long SECOND = 1_000_000_000L;
  private static final SlowStartCurve HAPROXY = new SlowStartCurve(false, 1.0, 0.0, false);
  private static final SlowStartCurve HAPROXY_WHOLE_SECONDS = new SlowStartCurve(false, 1.0, 0.0, true);

  private final boolean envoy;
  private final double aggression;
  private final double minWeightPercent;
  private final boolean wholeSeconds;

  private SlowStartCurve(boolean envoy, double aggression, double minWeightPercent, boolean wholeSeconds) {
    this.envoy = envoy;
    this.aggression = aggression;
    this.minWeightPercent = minWeightPercent;
    this.wholeSeconds = wholeSeconds;
  }

  /**
   * HAProxy's 16-step curve {@code (floor(16*t/S) + 1) / 16}, with the exact time since the server came up and the
   * exact window.
   *
   * @return the shared HAProxy curve (the default of {@link HealthPolicy.Builder#slowStartCurve})
   */
  public static SlowStartCurve haproxy() {
    return HAPROXY;
  }

  /**
   * HAProxy's 16-step curve on HAProxy's clock (opt-in), for a gateway that must ramp exactly as an HAProxy 2.6 next
   * to it. HAProxy stores {@code slowstart} in whole seconds, rounded up (src/server.c, {@code srv_parse_slowstart}:
   * {@code newsrv->slowstart = (val + 999) / 1000;}), and computes the weight from whole seconds
   * ({@code server_recalc_eweight}: {@code w = (px->lbprm.wdiv * (now.tv_sec - sv->last_change) + sv->slowstart) /
   * sv->slowstart;} with {@code wdiv} = {@code BE_WEIGHT_SCALE} = 16, {@code last_change} the {@code now.tv_sec} of
   * the transition), recomputed by the {@code server_warmup} task every second from the transition on, so that
   * {@code now.tv_sec - last_change} is the number of whole seconds elapsed. Here: {@code S = ceil(window / 1 s)},
   * {@code e = floor(t / 1 s)}, factor {@code ((16 * e + S) / S) / 16} in integer arithmetic while {@code e < S},
   * 1 from {@code e >= S} on. A {@link HealthPolicy} with this curve rounds its {@code slowStart} up to whole seconds,
   * as HAProxy does, so the ramp ends at {@code S} seconds.
   *
   * <p>Against {@link #haproxy()} with exact time: the same 16 steps when {@code S} is a whole number of seconds, each
   * reached up to one second later (a step can only happen on a whole second: with {@code S} under 16 s several steps
   * happen at once); a window that is not a whole number of seconds is longer (1,500 ms ramps over 2 s, up to 0.625 of
   * the weight apart from the exact curve).
   *
   * @return the curve
   */
  public static SlowStartCurve haproxyWholeSeconds() {
    return HAPROXY_WHOLE_SECONDS;
  }

  /**
   * Whether this curve counts whole seconds as HAProxy does ({@link #haproxyWholeSeconds()}).
   *
   * @return whether time is counted in whole seconds
   */
  public boolean isWholeSeconds() {
    return wholeSeconds;
  }

  /** The window a policy keeps for this curve: rounded up to whole seconds for {@link #haproxyWholeSeconds()}. */
  long window(long windowNanos) {
    if (!wholeSeconds || windowNanos % SECOND == 0) {
      return windowNanos;
    }
    long seconds = windowNanos / SECOND + 1;
    return seconds > Long.MAX_VALUE / SECOND ? windowNanos : seconds * SECOND;
  }

  /**
   * Envoy's curve with its defaults: aggression 1.0, min weight 10 %.
   *
   * @return the curve equal to {@code envoy(1.0, 10.0)}
   */
  public static SlowStartCurve envoy() {
    return envoy(1.0, 10.0);
  }

  /**
   * Envoy's curve {@code max((t/S)^(1/aggression), minWeightPercent/100)}.
   *
   * @param aggression Envoy {@code aggression}, finite and &gt; 0 (1.0 = linear, larger = faster start)
   * @param minWeightPercent Envoy {@code min_weight_percent}, in [0, 100]
   * @return the curve with these parameters
   * @throws IllegalArgumentException naming the field and the value if out of range
   */
  public static SlowStartCurve envoy(double aggression, double minWeightPercent) {
    if (!(aggression > 0 && Double.isFinite(aggression))) {
      throw new IllegalArgumentException("aggression must be finite and > 0, was " + aggression);
    }
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new IllegalArgumentException("minWeightPercent must be in [0, 100], was " + minWeightPercent);
    }
    return new SlowStartCurve(true, aggression, minWeightPercent, false);
  }

  /**
   * Whether this is Envoy's curve (else HAProxy's).
   *
   * @return {@code true} for a curve made by {@link #envoy(double, double)}, {@code false} for {@link #haproxy()}
   */
  public boolean isEnvoy() {
    return envoy;
  }

  /**
   * Envoy {@code aggression} (1.0 for the HAProxy curve, where it does not apply).
   *
   * @return the aggression, finite and &gt; 0
   */
  public double aggression() {
    return aggression;
  }

  /**
   * Envoy {@code min_weight_percent} (0 for the HAProxy curve, where it does not apply).
   *
   * @return the minimum weight during the ramp, in percent of the configured weight, in [0, 100]
   */
  public double minWeightPercent() {
    return minWeightPercent;
  }

  /**
   * Fraction of the configured weight in effect {@code elapsedNanos} after the server came up, for a window of
   * {@code windowNanos > 0}. 1.0 once {@code elapsedNanos >= windowNanos} (for {@link #haproxyWholeSeconds()}: once
   * the whole seconds elapsed reach the window rounded up to whole seconds).
   *
   * @param elapsedNanos nanoseconds since the server came UP; a negative value counts as 0
   * @param windowNanos the slow-start window {@code S} in nanoseconds, &gt; 0
   * @return the factor in (0, 1] (in [0, 1] for an Envoy curve with {@code minWeightPercent} 0) by which the
   *     configured weight is multiplied
   */
  public double factor(long elapsedNanos, long windowNanos) {
    if (wholeSeconds) {
      long s = secondsUp(windowNanos);
      long e = Math.max(0, elapsedNanos) / SECOND;
      return e >= s ? 1.0 : ((16 * e + s) / s) / 16.0;
    }
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
    if (wholeSeconds) {
      long s = secondsUp(windowNanos);
      long t = Math.max(0, elapsedNanos);
      long e = t / SECOND;
      if (e >= s) {
        return 0;
      }
      // the next whole second e' > e with floor(16 e' / s) > floor(16 e / s): e' = ceil((k + 1) s / 16)
      long k = 16 * e / s;
      long next = Math.min(s, ((k + 1) * s + 15) / 16);
      return Math.max(1, next * SECOND - elapsedNanos);
    }
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

  /** HAProxy's {@code (val + 999) / 1000} in seconds: the window rounded up to whole seconds, at least 1. */
  private static long secondsUp(long windowNanos) {
    return Math.max(1, windowNanos / SECOND + (windowNanos % SECOND == 0 ? 0 : 1));
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
        && c.minWeightPercent == minWeightPercent && c.wholeSeconds == wholeSeconds;
  }

  @Override
  public int hashCode() {
    return (Boolean.hashCode(envoy) * 31 * 31 + Double.hashCode(aggression) * 31 + Double.hashCode(minWeightPercent))
        * 31 + Boolean.hashCode(wholeSeconds);
  }

  @Override
  public String toString() {
    return envoy ? "envoy(aggression=" + aggression + ", minWeightPercent=" + minWeightPercent + ")"
        : wholeSeconds ? "haproxy(whole seconds)" : "haproxy";
  }
}
