package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.ManualTicker;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@code previous}/{@code current} statuses an event carries are exactly what {@link TrackedServer#status()}
 * reads just before and just after the operation at the same tick (the server builds them only when an event is due,
 * so this pins them to the eagerly read statuses). When a due slow-start ramp is finished first by the operation
 * (here no scheduler runs, so the operation finds it due), the operation's other events start from that event's
 * {@code current}.
 */
class HealthEventStatusProperties {

  @Property(tries = 500, seed = "20261129")
  void eventStatusesAreTheStatusesAroundTheOperation(
      @ForAll("policies") HealthPolicy policy, @ForAll("ops") List<Integer> ops) {
    ManualTicker ticker = new ManualTicker();
    List<HealthEvent> events = new ArrayList<>();
    HealthTracker t = HealthTracker.builder().ticker(ticker).scheduler((task, delay, unit) -> new NeverRun())
        .listenerExecutor(Runnable::run).build();
    TrackedServer a = t.add("a", 100, policy);
    t.addListener(events::add);
    for (int op : ops) {
      ticker.advance((op >> 4) * 250_000_000L); // 0 to 3.75 s, so ramps (0.777, 3, 10 s) finish mid-sequence
      ServerStatus before = a.status();
      switch (op & 15) {
        case 0, 1, 2 -> a.recordCheck(true);
        case 3, 4, 5 -> a.recordCheck(false);
        case 6 -> a.observeHttpStatus(200);
        case 7, 8 -> a.observeHttpStatus(503);
        case 9 -> a.observeConnect((op & 16) != 0);
        case 10 -> a.observeTransportError();
        case 11 -> a.setAdminState(AdminState.values()[(op >> 4) % AdminState.values().length]);
        case 12 -> a.setWeight((op >> 4) * 17);
        default -> a.forceHealth(OperationalState.values()[(op >> 4) % OperationalState.values().length]);
      }
      ServerStatus after = a.status();
      ServerStatus previous = before;
      for (HealthEvent e : events) {
        if (e.kind() == HealthEvent.Kind.SLOW_START_FINISHED) {
          assertEquals(before.health(), e.previous().health(), "ramp event previous " + e);
          assertTrue(e.previous().slowStarting() && !e.current().slowStarting(), "ramp event " + e);
          previous = e.current();
        } else {
          assertEquals(previous, e.previous(), "previous of " + e);
          assertEquals(after, e.current(), "current of " + e);
        }
      }
      events.clear();
    }
  }

  /** A scheduled task that never runs: ramps end only when an operation finds them due. */
  private static final class NeverRun extends java.util.concurrent.CompletableFuture<Void> {}

  @Provide
  Arbitrary<HealthPolicy> policies() {
    return HealthTrackerStatefulProperties.policies();
  }

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 255).list().ofMaxSize(60);
  }
}
