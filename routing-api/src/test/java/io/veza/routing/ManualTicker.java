package io.veza.routing;

import com.google.common.base.Ticker;
import java.time.Duration;

/** A ticker that moves only when told to. */
final class ManualTicker extends Ticker {
  private volatile long nanos = 1_000_000_000L;

  @Override
  public long read() {
    return nanos;
  }

  void advance(Duration d) {
    nanos += d.toNanos();
  }
}
