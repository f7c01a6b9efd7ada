package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@code previous}/{@code current} statuses an event carries are exactly what {@link HealthTracker#status}
 * reads just before and just after the operation at the same tick (the tracker builds them lazily, only when an
 * event is due, so this pins them to the eagerly read statuses). When a due slow-start ramp is finished first,
 * the operation's other events start from that event's {@code current}.
 */
class HealthEventStatusProperties {

  @Property(tries = 500)
  void eventStatusesAreTheStatusesAroundTheOperation(
      @ForAll("policies") HealthPolicy policy, @ForAll("ops") List<Integer> ops) {
    ManualTicker ticker = new ManualTicker();
    List<HealthEvent> events = new ArrayList<>();
    HealthTracker t = HealthTracker.builder().ticker(ticker).listener(events::add)
        .addServer("a", 100, policy).build();
    for (int op : ops) {
      ticker.advanceNanos((op >> 4) * 250_000_000L); // 0 to 3.75 s, so ramps (3 s, 10 s) finish mid-sequence
      ServerStatus before = t.status(0);
      switch (op & 15) {
        case 0, 1, 2 -> t.recordCheck(0, true);
        case 3, 4, 5 -> t.recordCheck(0, false);
        case 6 -> t.observeHttpStatus(0, 200);
        case 7, 8 -> t.observeHttpStatus(0, 503);
        case 9 -> t.observeConnect(0, (op & 16) != 0);
        case 10 -> t.observeTransportError(0);
        case 11 -> t.setAdminState(0, AdminState.values()[(op >> 4) % AdminState.values().length]);
        case 12 -> t.setWeight(0, (op >> 4) * 17);
        default -> t.refresh();
      }
      ServerStatus after = t.status(0);
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

  @Provide
  Arbitrary<HealthPolicy> policies() {
    return HealthTrackerStatefulProperties.policies();
  }

  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(0, 255).list().ofMaxSize(60);
  }
}
