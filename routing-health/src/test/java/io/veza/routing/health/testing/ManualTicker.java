package io.veza.routing.health.testing;

import io.veza.routing.health.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when told to. Thread-safe: readers see every advance made before by any thread.
 *
 * <p>The origin is arbitrary, as for {@link System#nanoTime()}: a ticker may start at a negative reading or close to
 * {@link Long#MAX_VALUE} and wrap around, and code under test must only use differences of readings.
 */
public final class ManualTicker implements Ticker {
  /** The reading of {@link #ManualTicker()}: one second, so that 0 is not a special value by accident. */
  public static final long DEFAULT_ORIGIN_NANOS = 1_000_000_000L;

  private final AtomicLong nanos;

  /** A ticker reading {@value #DEFAULT_ORIGIN_NANOS} ns. */
  public ManualTicker() {
    this(DEFAULT_ORIGIN_NANOS);
  }

  /**
   * A ticker reading {@code originNanos}.
   *
   * @param originNanos the first reading, any value
   */
  public ManualTicker(long originNanos) {
    this.nanos = new AtomicLong(originNanos);
  }

  @Override
  public long read() {
    return nanos.get();
  }

  /**
   * Moves time forward.
   *
   * @param nanoseconds how far, {@code >= 0}
   * @return this ticker
   * @throws IllegalArgumentException if negative (a ticker is monotonic)
   */
  public ManualTicker advance(long nanoseconds) {
    if (nanoseconds < 0) {
      throw new IllegalArgumentException("nanoseconds must be >= 0, was " + nanoseconds);
    }
    nanos.addAndGet(nanoseconds);
    return this;
  }

  /**
   * Moves time forward.
   *
   * @param time how far, {@code >= 0}
   * @param unit the unit of {@code time}
   * @return this ticker
   */
  public ManualTicker advance(long time, TimeUnit unit) {
    return advance(unit.toNanos(time));
  }

  /**
   * Moves time forward.
   *
   * @param duration how far, not negative
   * @return this ticker
   */
  public ManualTicker advance(Duration duration) {
    return advance(duration.toNanos());
  }

  /**
   * Moves time forward to {@code readingNanos} (compared as a difference, so across a wrap-around too).
   *
   * @param readingNanos the reading to reach, not before the current one
   * @return this ticker
   * @throws IllegalArgumentException if that would move time back
   */
  public ManualTicker advanceTo(long readingNanos) {
    while (true) {
      long now = nanos.get();
      if (readingNanos - now < 0) {
        throw new IllegalArgumentException("cannot move back from " + now + " to " + readingNanos);
      }
      if (nanos.compareAndSet(now, readingNanos)) {
        return this;
      }
    }
  }

  @Override
  public String toString() {
    return "ManualTicker{" + nanos.get() + " ns}";
  }
}
