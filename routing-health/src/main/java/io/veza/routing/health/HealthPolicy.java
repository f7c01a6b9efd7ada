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

  /** HAProxy's defaults: inter 2 s, rise 2, fall 3, no slow start, init-state up, no observe, error-limit 10,
   * on-error fail-check, no spread, check timeout = inter. */
  public static HealthPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from HAProxy's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this policy's values. */
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

  /** HAProxy {@code inter}: interval between checks at full health (and the fallback of the others). */
  public Duration inter() {
    return Duration.ofNanos(interNanos);
  }

  /** HAProxy {@code fastinter}: interval while the server is transitional (or after an on-error); defaults to inter. */
  public Duration fastInter() {
    return Duration.ofNanos(fastInterNanos);
  }

  /** HAProxy {@code downinter}: interval while the server is DOWN with {@code h == 0}; defaults to inter. */
  public Duration downInter() {
    return Duration.ofNanos(downInterNanos);
  }

  /** HAProxy {@code rise}: consecutive passed checks to go from {@code h = 0} to UP. */
  public int rise() {
    return rise;
  }

  /** HAProxy {@code fall}: consecutive failed checks to go from full health to DOWN. */
  public int fall() {
    return fall;
  }

  /** {@code rise + fall - 1}: the full-health counter value. */
  public int maxHealth() {
    return rise + fall - 1;
  }

  /** HAProxy {@code slowstart}: ramp-up window after DOWN/MAINT to UP; {@link Duration#ZERO} = off. */
  public Duration slowStart() {
    return Duration.ofNanos(slowStartNanos);
  }

  /** Shape of the slow-start ramp (HAProxy's 16 steps by default, or Envoy's). */
  public SlowStartCurve slowStartCurve() {
    return slowStartCurve;
  }

  /** HAProxy {@code init-state}. */
  public InitialState initialState() {
    return initialState;
  }

  /** HAProxy {@code observe}. */
  public ObserveMode observe() {
    return observe;
  }

  /** HAProxy {@code error-limit}: consecutive observed errors that trigger {@link #onError()}. */
  public int errorLimit() {
    return errorLimit;
  }

  /** HAProxy {@code on-error}. */
  public OnErrorAction onError() {
    return onError;
  }

  /** HAProxy {@code spread-checks}: random jitter of ± this percentage of each interval, 0..50. */
  public int spreadPercent() {
    return spreadPercent;
  }

  /** HAProxy {@code timeout check}: how long one probe may take before it counts as failed; defaults to inter. */
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

    /** HAProxy {@code inter} (default 2000 ms), must be &gt; 0. */
    public Builder inter(Duration inter) {
      this.inter = inter;
      return this;
    }

    /** HAProxy {@code fastinter}, must be &gt; 0; {@code null} = same as inter (default). */
    public Builder fastInter(Duration fastInter) {
      this.fastInter = fastInter;
      return this;
    }

    /** HAProxy {@code downinter}, must be &gt; 0; {@code null} = same as inter (default). */
    public Builder downInter(Duration downInter) {
      this.downInter = downInter;
      return this;
    }

    /** HAProxy {@code rise} (default 2), in [1, {@value HealthPolicy#MAX_RISE_FALL}]. */
    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    /** HAProxy {@code fall} (default 3), in [1, {@value HealthPolicy#MAX_RISE_FALL}]. */
    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    /** HAProxy {@code slowstart} (default 0 = off), must be &gt;= 0. */
    public Builder slowStart(Duration slowStart) {
      this.slowStart = slowStart;
      return this;
    }

    /**
     * Shape of the slow-start ramp (default {@link SlowStartCurve#haproxy()}). With
     * {@link SlowStartCurve#haproxyWholeSeconds()} the policy's {@code slowStart} is rounded up to whole seconds, as
     * HAProxy stores it.
     */
    public Builder slowStartCurve(SlowStartCurve curve) {
      this.slowStartCurve = curve;
      return this;
    }

    /** HAProxy {@code init-state} (default {@link InitialState#UP}). */
    public Builder initialState(InitialState initialState) {
      this.initialState = initialState;
      return this;
    }

    /** HAProxy {@code observe} (default {@link ObserveMode#NONE}). */
    public Builder observe(ObserveMode observe) {
      this.observe = observe;
      return this;
    }

    /** HAProxy {@code error-limit} (default 10), must be &gt; 0. */
    public Builder errorLimit(int errorLimit) {
      this.errorLimit = errorLimit;
      return this;
    }

    /** HAProxy {@code on-error} (default {@link OnErrorAction#FAIL_CHECK}). */
    public Builder onError(OnErrorAction onError) {
      this.onError = onError;
      return this;
    }

    /** HAProxy {@code spread-checks} (default 0), in [0, 50] percent. */
    public Builder spreadPercent(int spreadPercent) {
      this.spreadPercent = spreadPercent;
      return this;
    }

    /** HAProxy {@code timeout check}, must be &gt; 0; {@code null} = same as inter (default). */
    public Builder checkTimeout(Duration checkTimeout) {
      this.checkTimeout = checkTimeout;
      return this;
    }

    /**
     * Validates and builds.
     *
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
