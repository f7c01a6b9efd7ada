package io.veza.routing.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Health-check policy of one server: HAProxy's {@code server ... check} keywords with HAProxy's defaults.
 * Immutable and thread-safe; build with {@link #builder()}, or take {@link #defaults()}.
 *
 * <pre>{@code
 * HealthPolicy policy = HealthPolicy.builder()
 *     .inter(Duration.ofSeconds(2)).fastInter(Duration.ofMillis(500)).downInter(Duration.ofSeconds(5))
 *     .rise(2).fall(3)
 *     .slowStart(Duration.ofSeconds(30))
 *     .observe(ObserveMode.LAYER7).errorLimit(10).onError(OnErrorAction.SUDDEN_DEATH)
 *     .spreadPercent(5)
 *     .build();
 * }</pre>
 *
 * <p>Invalid values throw {@link IllegalArgumentException} from {@link Builder#build()} with a message naming the
 * field and the value (for example {@code "rise must be > 0, was 0"}).
 */
public final class HealthPolicy {
  /** Upper bound on {@code rise} and {@code fall}, so that {@code rise+fall-1} stays small. */
  public static final int MAX_RISE_FALL = 1 << 20;

  private static final HealthPolicy DEFAULTS = builder().build();

  private final long interNanos;
  private final long fastInterNanos;
  private final long downInterNanos;
  private final int rise;
  private final int fall;
  private final long slowStartNanos;
  private final SlowStartCurve slowStartCurve;
  private final InitialState initialState;
  private final ObserveMode observe;
  private final int errorLimit;
  private final OnErrorAction onError;
  private final int spreadPercent;
  private final long checkTimeoutNanos;

  private HealthPolicy(Builder b) {
    this.interNanos = b.inter.toNanos();
    this.fastInterNanos = b.fastInter == null ? interNanos : b.fastInter.toNanos();
    this.downInterNanos = b.downInter == null ? interNanos : b.downInter.toNanos();
    this.rise = b.rise;
    this.fall = b.fall;
    this.slowStartNanos = b.slowStartCurve.window(b.slowStart.toNanos());
    this.slowStartCurve = b.slowStartCurve;
    this.initialState = b.initialState;
    this.observe = b.observe;
    this.errorLimit = b.errorLimit;
    this.onError = b.onError;
    this.spreadPercent = b.spreadPercent;
    this.checkTimeoutNanos = b.checkTimeout == null ? interNanos : b.checkTimeout.toNanos();
  }

  /**
   * HAProxy's defaults: inter 2 s, rise 2, fall 3, no slow start, init-state up, no observe, error-limit 10,
   * on-error fail-check, no spread, check timeout = inter.
   *
   * @return the shared policy with HAProxy's defaults (equal to {@code builder().build()})
   */
  public static HealthPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from HAProxy's defaults.
   *
   * @return a new builder; {@link Builder#build()} without any setter call gives {@link #defaults()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder initialised with this policy's values, to derive a policy that differs in a few keywords.
   *
   * @return a new builder that builds a policy equal to this one until a setter is called
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.inter = Duration.ofNanos(interNanos);
    b.fastInter = Duration.ofNanos(fastInterNanos);
    b.downInter = Duration.ofNanos(downInterNanos);
    b.rise = rise;
    b.fall = fall;
    b.slowStart = Duration.ofNanos(slowStartNanos);
    b.slowStartCurve = slowStartCurve;
    b.initialState = initialState;
    b.observe = observe;
    b.errorLimit = errorLimit;
    b.onError = onError;
    b.spreadPercent = spreadPercent;
    b.checkTimeout = Duration.ofNanos(checkTimeoutNanos);
    return b;
  }

  /**
   * HAProxy {@code inter}: interval between checks at full health (and the fallback of the others).
   *
   * @return the interval, &gt; 0
   */
  public Duration inter() {
    return Duration.ofNanos(interNanos);
  }

  /**
   * HAProxy {@code fastinter}: interval while the server is transitional (or after an on-error); defaults to inter.
   *
   * @return the interval, &gt; 0; equal to {@link #inter()} when {@code fastinter} was not set
   */
  public Duration fastInter() {
    return Duration.ofNanos(fastInterNanos);
  }

  /**
   * HAProxy {@code downinter}: interval while the server is DOWN with {@code h == 0}; defaults to inter.
   *
   * @return the interval, &gt; 0; equal to {@link #inter()} when {@code downinter} was not set
   */
  public Duration downInter() {
    return Duration.ofNanos(downInterNanos);
  }

  /**
   * HAProxy {@code rise}: consecutive passed checks to go from {@code h = 0} to UP.
   *
   * @return the number of checks, in [1, {@value #MAX_RISE_FALL}]
   */
  public int rise() {
    return rise;
  }

  /**
   * HAProxy {@code fall}: consecutive failed checks to go from full health to DOWN.
   *
   * @return the number of checks, in [1, {@value #MAX_RISE_FALL}]
   */
  public int fall() {
    return fall;
  }

  /**
   * {@code rise + fall - 1}: the full-health counter value.
   *
   * @return the highest value of the health counter {@code h}; the server is UP iff {@code h >= rise()}
   */
  public int maxHealth() {
    return rise + fall - 1;
  }

  /**
   * HAProxy {@code slowstart}: ramp-up window after DOWN/MAINT to UP; {@link Duration#ZERO} = off.
   *
   * @return the window, &gt;= 0; {@link Duration#ZERO} when slow start is off
   */
  public Duration slowStart() {
    return Duration.ofNanos(slowStartNanos);
  }

  /**
   * Shape of the slow-start ramp (HAProxy's 16 steps by default, or Envoy's).
   *
   * @return the curve applied during {@link #slowStart()}
   */
  public SlowStartCurve slowStartCurve() {
    return slowStartCurve;
  }

  /**
   * HAProxy {@code init-state}: the health a server starts with when it is added.
   *
   * @return the initial state, {@link InitialState#UP} by default
   */
  public InitialState initialState() {
    return initialState;
  }

  /**
   * HAProxy {@code observe}: which passive observations (connect failures, HTTP statuses) count as errors.
   *
   * @return the mode, {@link ObserveMode#NONE} by default
   */
  public ObserveMode observe() {
    return observe;
  }

  /**
   * HAProxy {@code error-limit}: consecutive observed errors that trigger {@link #onError()}.
   *
   * @return the limit, &gt; 0 (10 by default)
   */
  public int errorLimit() {
    return errorLimit;
  }

  /**
   * HAProxy {@code on-error}: what happens when {@link #errorLimit()} consecutive errors were observed.
   *
   * @return the action, {@link OnErrorAction#FAIL_CHECK} by default
   */
  public OnErrorAction onError() {
    return onError;
  }

  /**
   * HAProxy {@code spread-checks}: random jitter of ± this percentage of each interval, 0..50.
   *
   * @return the percentage, in [0, 50]; 0 means no jitter
   */
  public int spreadPercent() {
    return spreadPercent;
  }

  /**
   * HAProxy {@code timeout check}: how long one probe may take before it counts as failed; defaults to inter.
   *
   * @return the timeout, &gt; 0; equal to {@link #inter()} when {@code timeout check} was not set
   */
  public Duration checkTimeout() {
    return Duration.ofNanos(checkTimeoutNanos);
  }

  long interNanos() {
    return interNanos;
  }

  long fastInterNanos() {
    return fastInterNanos;
  }

  long downInterNanos() {
    return downInterNanos;
  }

  long slowStartNanos() {
    return slowStartNanos;
  }

  long checkTimeoutNanos() {
    return checkTimeoutNanos;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthPolicy p && p.interNanos == interNanos && p.fastInterNanos == fastInterNanos
        && p.downInterNanos == downInterNanos && p.rise == rise && p.fall == fall
        && p.slowStartNanos == slowStartNanos && p.slowStartCurve.equals(slowStartCurve)
        && p.initialState == initialState && p.observe == observe && p.errorLimit == errorLimit
        && p.onError == onError && p.spreadPercent == spreadPercent && p.checkTimeoutNanos == checkTimeoutNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(interNanos, fastInterNanos, downInterNanos, rise, fall, slowStartNanos, slowStartCurve,
        initialState, observe, errorLimit, onError, spreadPercent, checkTimeoutNanos);
  }

  @Override
  public String toString() {
    return "HealthPolicy{inter=" + inter() + ", fastinter=" + fastInter() + ", downinter=" + downInter()
        + ", rise=" + rise + ", fall=" + fall + ", slowstart=" + slowStart() + " " + slowStartCurve
        + ", init-state=" + initialState + ", observe=" + observe + ", error-limit=" + errorLimit
        + ", on-error=" + onError + ", spread-checks=" + spreadPercent + "%, timeout check=" + checkTimeout() + "}";
  }

  /** Mutable builder of {@link HealthPolicy}; not thread-safe. Values are validated in {@link #build()}. */
  public static final class Builder {
    private Duration inter = Duration.ofMillis(2000);
    private Duration fastInter;
    private Duration downInter;
    private int rise = 2;
    private int fall = 3;
    private Duration slowStart = Duration.ZERO;
    private SlowStartCurve slowStartCurve = SlowStartCurve.haproxy();
    private InitialState initialState = InitialState.UP;
    private ObserveMode observe = ObserveMode.NONE;
    private int errorLimit = 10;
    private OnErrorAction onError = OnErrorAction.FAIL_CHECK;
    private int spreadPercent;
    private Duration checkTimeout;

    private Builder() {}

    /**
     * HAProxy {@code inter} (default 2000 ms), must be &gt; 0.
     *
     * @param inter the interval between checks at full health; checked by {@link #build()}
     * @return this builder
     */
    public Builder inter(Duration inter) {
      this.inter = inter;
      return this;
    }

    /**
     * HAProxy {@code fastinter}, must be &gt; 0; {@code null} = same as inter (default).
     *
     * @param fastInter the interval while the server is transitional, or {@code null} for {@code inter}; checked
     *     by {@link #build()}
     * @return this builder
     */
    public Builder fastInter(Duration fastInter) {
      this.fastInter = fastInter;
      return this;
    }

    /**
     * HAProxy {@code downinter}, must be &gt; 0; {@code null} = same as inter (default).
     *
     * @param downInter the interval while the server is fully DOWN, or {@code null} for {@code inter}; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder downInter(Duration downInter) {
      this.downInter = downInter;
      return this;
    }

    /**
     * HAProxy {@code rise} (default 2), in [1, {@value HealthPolicy#MAX_RISE_FALL}].
     *
     * @param rise consecutive passed checks that bring a server from {@code h = 0} to UP; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    /**
     * HAProxy {@code fall} (default 3), in [1, {@value HealthPolicy#MAX_RISE_FALL}].
     *
     * @param fall consecutive failed checks that take a server from full health to DOWN; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    /**
     * HAProxy {@code slowstart} (default 0 = off), must be &gt;= 0.
     *
     * @param slowStart the ramp-up window after a server comes back UP, {@link Duration#ZERO} for none; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder slowStart(Duration slowStart) {
      this.slowStart = slowStart;
      return this;
    }

    /**
     * Shape of the slow-start ramp (default {@link SlowStartCurve#haproxy()}). With
     * {@link SlowStartCurve#haproxyWholeSeconds()} the policy's {@code slowStart} is rounded up to whole seconds, as
     * HAProxy stores it.
     *
     * @param curve how the effective weight grows during the slow-start window
     * @return this builder
     */
    public Builder slowStartCurve(SlowStartCurve curve) {
      this.slowStartCurve = curve;
      return this;
    }

    /**
     * HAProxy {@code init-state} (default {@link InitialState#UP}).
     *
     * @param initialState the health a server starts with when it is added
     * @return this builder
     */
    public Builder initialState(InitialState initialState) {
      this.initialState = initialState;
      return this;
    }

    /**
     * HAProxy {@code observe} (default {@link ObserveMode#NONE}).
     *
     * @param observe which passive observations count as errors toward {@code error-limit}
     * @return this builder
     */
    public Builder observe(ObserveMode observe) {
      this.observe = observe;
      return this;
    }

    /**
     * HAProxy {@code error-limit} (default 10), must be &gt; 0.
     *
     * @param errorLimit consecutive observed errors that trigger the {@code on-error} action; checked by
     *     {@link #build()}
     * @return this builder
     */
    public Builder errorLimit(int errorLimit) {
      this.errorLimit = errorLimit;
      return this;
    }

    /**
     * HAProxy {@code on-error} (default {@link OnErrorAction#FAIL_CHECK}).
     *
     * @param onError what happens when {@code error-limit} consecutive errors were observed
     * @return this builder
     */
    public Builder onError(OnErrorAction onError) {
      this.onError = onError;
      return this;
    }

    /**
     * HAProxy {@code spread-checks} (default 0), in [0, 50] percent.
     *
     * @param spreadPercent random jitter applied to each interval, in percent of it; checked by {@link #build()}
     * @return this builder
     */
    public Builder spreadPercent(int spreadPercent) {
      this.spreadPercent = spreadPercent;
      return this;
    }

    /**
     * HAProxy {@code timeout check}, must be &gt; 0; {@code null} = same as inter (default).
     *
     * @param checkTimeout how long one probe may take before it counts as failed, or {@code null} for
     *     {@code inter}; checked by {@link #build()}
     * @return this builder
     */
    public Builder checkTimeout(Duration checkTimeout) {
      this.checkTimeout = checkTimeout;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return a new immutable policy with this builder's values
     * @throws IllegalArgumentException naming the first invalid field and its value
     */
    public HealthPolicy build() {
      positive("inter", inter, false);
      positive("fastInter", fastInter, true);
      positive("downInter", downInter, true);
      positive("checkTimeout", checkTimeout, true);
      if (slowStart == null || slowStart.isNegative()) {
        throw new IllegalArgumentException("slowStart must be >= 0, was " + slowStart);
      }
      nanos("slowStart", slowStart);
      range("rise", rise, 1, MAX_RISE_FALL);
      range("fall", fall, 1, MAX_RISE_FALL);
      range("errorLimit", errorLimit, 1, Integer.MAX_VALUE);
      range("spreadPercent", spreadPercent, 0, 50);
      notNull("slowStartCurve", slowStartCurve);
      notNull("initialState", initialState);
      notNull("observe", observe);
      notNull("onError", onError);
      return new HealthPolicy(this);
    }

    private static void positive(String field, Duration d, boolean optional) {
      if (d == null && optional) {
        return;
      }
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be > 0, was " + d);
      }
      nanos(field, d);
    }

    private static void nanos(String field, Duration d) {
      try {
        d.toNanos();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(field + " must fit in a long of nanoseconds, was " + d, e);
      }
    }

    private static void range(String field, int value, int min, int max) {
      if (value < min) {
        throw new IllegalArgumentException(
            field + " must be " + (min == 1 ? "> 0" : ">= " + min) + ", was " + value);
      }
      if (value > max) {
        throw new IllegalArgumentException(field + " must be <= " + max + ", was " + value);
      }
    }

    private static void notNull(String field, Object value) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must not be null, was null");
      }
    }
  }
}
