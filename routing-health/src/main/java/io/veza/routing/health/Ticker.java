package io.veza.routing.health;

/**
 * A monotonic time source in nanoseconds, injected wherever the library measures time (health checks, slow start,
 * stick-table expiry) so that tests drive time by hand instead of sleeping. Same contract as
 * {@link System#nanoTime()}: only differences between two readings are meaningful.
 *
 * <p>Implementations must be thread-safe and should be cheap: routing components read it on state changes, never
 * per request.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Reads the current time.
   *
   * @return nanoseconds since an arbitrary, fixed origin
   */
  long read();

  /**
   * The system ticker.
   *
   * @return a ticker backed by {@link System#nanoTime()}
   */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }
}

/** {@link System#nanoTime()}. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
