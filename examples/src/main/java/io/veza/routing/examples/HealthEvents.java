package io.veza.routing.examples;

import io.veza.routing.health.HealthEvent;
import io.veza.routing.health.HealthListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records the health transitions of the pools, so the run can wait for one (with a deadline) and time it. */
final class HealthEvents implements HealthListener {
  private final List<HealthEvent> events = new ArrayList<>();

  /** Records transitions; servers joining or leaving the pool are membership, not health, and are skipped. */
  @Override
  public synchronized void onEvent(HealthEvent event) {
    if (event.kind() == HealthEvent.Kind.ADDED || event.kind() == HealthEvent.Kind.REMOVED) {
      return;
    }
    events.add(event);
    notifyAll();
  }

  synchronized List<HealthEvent> all() {
    return List.copyOf(events);
  }

  /** The first event after index {@code from} matching {@code what}, waiting up to {@code timeout}; null if none. */
  synchronized HealthEvent await(int from, Predicate<HealthEvent> what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = from; i < events.size(); i++) {
        if (what.test(events.get(i))) {
          return events.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  synchronized int size() {
    return events.size();
  }

  static Predicate<HealthEvent> is(String serverId, HealthEvent.Kind kind) {
    return e -> e.serverId().equals(serverId) && e.kind() == kind;
  }
}
