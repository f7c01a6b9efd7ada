package io.veza.routing.health;

import static io.veza.routing.health.testing.AllocationMeter.assertAllocates;
import static io.veza.routing.health.testing.AllocationMeter.assertAllocationFree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.AllocationMeter;
import io.veza.routing.health.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TrackedServer}'s promise, checked without timing: a call that changes nothing routing-visible allocates
 * nothing (see {@link AllocationMeter} for how the bound is derived). Time does not move, so no slow-start step can
 * fall due; every tracker has a listener and a state hook, which must stay silent.
 */
class HealthTrackerAllocationTest {
  private static final CheckResult L7_OK = CheckResult.of(CheckStatus.L7_OK, 200,
      "HTTP status check returned code <200>", 1_500_000);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<HealthEvent> events = new ArrayList<>();
  private final List<TrackedServer.State> hooked = new ArrayList<>();
  private final HealthTracker tracker = HealthTracker.builder().ticker(scheduler.ticker()).scheduler(scheduler)
      .listenerExecutor(Runnable::run).listener(events::add).stateHook((s, p, c) -> hooked.add(c)).build();
  private int step;

  private TrackedServer server(HealthPolicy policy) {
    TrackedServer s = tracker.add("s" + tracker.size(), 10, policy);
    tracker.add("other" + tracker.size(), 10, policy);
    events.clear();
    return s;
  }

  private void assertSilent() {
    assertTrue(events.isEmpty(), () -> "events: " + events);
    assertTrue(hooked.isEmpty(), () -> "state changes: " + hooked);
  }

  private static HealthPolicy.Builder p() {
    return HealthPolicy.builder().rise(2).fall(3);
  }

  @Test
  void passedCheckAtFullHealthDoesNotAllocate() {
    TrackedServer s = server(p().initialState(InitialState.FULLY_UP).build());
    TrackedServer.State before = s.state();
    assertAllocationFree("recordCheck(true) at full health", () -> s.recordCheck(true));
    assertAllocationFree("recordCheck(preallocated L7OK) at full health", () -> s.recordCheck(L7_OK));
    assertEquals(4, s.status().health());
    assertSame(L7_OK, s.counters().lastCheck());
    assertSame(before, s.state());
    assertSilent();
  }

  @Test
  void failedCheckAtZeroHealthOnADownServerDoesNotAllocate() {
    TrackedServer s = server(p().initialState(InitialState.FULLY_DOWN).build());
    CheckResult refused = CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, "Connection refused", 90_000);
    assertAllocationFree("recordCheck(false) at h = 0, DOWN", () -> s.recordCheck(false));
    assertAllocationFree("recordCheck(preallocated L4CON) at h = 0, DOWN", () -> s.recordCheck(refused));
    assertFalse(s.state().isUp());
    assertEquals(0, s.status().health());
    assertEquals(0, s.counters().checksFailed(), "h = 0: not counted");
    assertSilent();
  }

  @Test
  void healthyObservationsWithoutErrorsDoNotAllocate() {
    TrackedServer l7 = server(p().observe(ObserveMode.LAYER7).build());
    assertAllocationFree("observeHttpStatus(200), layer7", () -> l7.observeHttpStatus(200));
    assertAllocationFree("observeConnect(true), layer7 (not counted)", () -> l7.observeConnect(true));
    TrackedServer l4 = server(p().observe(ObserveMode.LAYER4).build());
    assertAllocationFree("observeConnect(true), layer4", () -> l4.observeConnect(true));
    assertAllocationFree("observeHttpStatus(503), layer4 (not counted)", () -> l4.observeHttpStatus(503));
    TrackedServer none = server(p().build());
    assertAllocationFree("observations without observe", () -> {
      none.observeConnect(false);
      none.observeHttpStatus(500);
      none.observeTransportError();
    });
    assertSilent();
  }

  @Test
  void errorsBelowTheErrorLimitDoNotAllocate() {
    TrackedServer l7 = server(p().observe(ObserveMode.LAYER7).errorLimit(10).build());
    assertAllocationFree("observeHttpStatus 503/200 alternation",
        () -> l7.observeHttpStatus((step++ & 1) == 0 ? 503 : 200));
    assertAllocationFree("transport error / 200 alternation",
        () -> {
          if ((step++ & 1) == 0) {
            l7.observeTransportError();
          } else {
            l7.observeHttpStatus(204);
          }
        });
    TrackedServer l4 = server(p().observe(ObserveMode.LAYER4).errorLimit(3).build());
    assertAllocationFree("observeConnect false/true alternation, layer4", () -> l4.observeConnect((step++ & 1) == 0));
    // runs of error-limit errors with on-error fastinter: the counter and the fastinter flag move, nothing else
    TrackedServer fastinter = server(p().observe(ObserveMode.LAYER7).errorLimit(3).onError(OnErrorAction.FASTINTER)
        .initialState(InitialState.FULLY_UP).build());
    assertAllocationFree("503, 503, 503 (on-error fastinter), passed check", () -> {
      if ((step++ & 3) < 3) {
        fastinter.observeHttpStatus(503);
      } else {
        fastinter.recordCheck(L7_OK);
      }
    });
    assertTrue(l7.state().isUp() && l4.state().isUp() && fastinter.state().isUp());
    assertTrue(fastinter.counters().observedFailures() > 0, "the limit was reached");
    assertSilent();
  }

  @Test
  void callsOnAServerInMaintThatChangeNothingDoNotAllocate() {
    TrackedServer s = server(p().observe(ObserveMode.LAYER7).errorLimit(10).build());
    s.setAdminState(AdminState.MAINT);
    events.clear();
    hooked.clear();
    assertAllocationFree("checks, observations, same admin state, same weight, forced down in MAINT", () -> {
      s.recordCheck((step & 1) == 0);
      s.recordCheck(L7_OK);
      s.observeHttpStatus((step++ & 2) == 0 ? 503 : 200);
      s.observeTransportError();
      s.setAdminState(AdminState.MAINT);
      s.setWeight(10);
      s.forceHealth(OperationalState.DOWN);
    });
    assertEquals(AdminState.MAINT, s.state().admin());
    assertSilent();
  }

  @Test
  void checksDuringASlowStartRampDoNotAllocateWhileTheWeightStands() {
    TrackedServer s = server(p().slowStart(Duration.ofSeconds(10)).initialState(InitialState.DOWN).build());
    s.recordCheck(true); // h = rise - 1 -> UP, ramp starts
    assertTrue(s.status().slowStarting());
    events.clear();
    hooked.clear();
    assertAllocationFree("recordCheck(true) while ramping", () -> s.recordCheck(true));
    assertAllocationFree("forceHealth(UP) while running", () -> s.forceHealth(OperationalState.UP));
    assertTrue(s.status().slowStarting());
    assertEquals(1, scheduler.pendingCount(), "one ramp timer, not one per call");
    assertSilent();
  }

  /** The control: a transition (new state, hook call, events) allocates and is caught. */
  @Test
  void aTransitionAllocatesAndIsCaught() {
    TrackedServer s = server(p().initialState(InitialState.FULLY_UP).build());
    boolean[] flap = {false, false, false, true, true}; // DOWN on the 3rd failure, UP on the 2nd pass
    assertAllocates("flapping", () -> s.recordCheck(flap[step++ % flap.length]));
    assertFalse(events.isEmpty());
  }
}
