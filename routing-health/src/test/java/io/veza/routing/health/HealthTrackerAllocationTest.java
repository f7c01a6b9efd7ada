package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class javadoc's promise, checked without timing: an operation that causes no transition and no
 * routing-visible change allocates nothing. The current thread's allocation counter
 * ({@code com.sun.management.ThreadMXBean}, exact to the byte for this thread) is read around {@value #CALLS}
 * calls after {@value #WARMUP} warm-up calls. Any per-call allocation is at least 16 bytes (the smallest object),
 * i.e. at least 800 KB over the run; the bound of 4 KB leaves room only for constant noise, so even one allocation
 * every 100 calls fails. The ticker does not move, so no time-dependent change (slow-start step) can happen.
 */
class HealthTrackerAllocationTest {
  static final int WARMUP = 10_000;
  static final int CALLS = 50_000;
  static final long BOUND = 4096;
  static final int MEASUREMENTS = 3;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final ManualTicker ticker = new ManualTicker();
  private final List<HealthEvent> events = new ArrayList<>();
  private final List<HealthSnapshot> published = new ArrayList<>();
  private int step;

  private static long allocatedBy(Runnable call) {
    for (int i = 0; i < WARMUP; i++) {
      call.run();
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      call.run();
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  /**
   * Up to {@value #MEASUREMENTS} measurements, passing on the first within {@link #BOUND}. A measurement may
   * include a one-off allocation by HotSpot itself (a few hundred bytes of Strings on this thread while it links
   * newly compiled code); a per-call allocation is at least 16 bytes x {@value #CALLS} in every measurement.
   */
  private void assertAllocationFree(String what, Runnable call) {
    long[] measured = new long[MEASUREMENTS];
    for (int m = 0; m < MEASUREMENTS; m++) {
      measured[m] = allocatedBy(call);
      if (measured[m] <= BOUND) {
        return;
      }
    }
    fail(what + " allocated " + java.util.Arrays.toString(measured) + " bytes in " + MEASUREMENTS
        + " measurements of " + CALLS + " calls");
  }

  private HealthTracker tracker(HealthPolicy policy) {
    HealthTracker t = HealthTracker.builder().ticker(ticker).listener(events::add)
        .addServer("a", 10, policy).addServer("b", 10, policy).build();
    t.addSnapshotListener(published::add);
    return t;
  }

  private static HealthPolicy.Builder p() {
    return HealthPolicy.builder().rise(2).fall(3);
  }

  @Test
  void passedCheckAtFullHealthDoesNotAllocate() {
    HealthTracker t = tracker(p().initialState(InitialState.FULLY_UP).build());
    HealthSnapshot before = t.snapshot();
    assertAllocationFree("recordCheck(passed) at full health", () -> t.recordCheck(0, true));
    assertEquals(4, t.status(0).health());
    assertTrue(events.isEmpty() && published.isEmpty());
    assertEquals(before, t.snapshot());
  }

  @Test
  void failedCheckAtZeroHealthOnADownServerDoesNotAllocate() {
    HealthTracker t = tracker(p().initialState(InitialState.FULLY_DOWN).build());
    assertAllocationFree("recordCheck(failed) at h = 0, DOWN", () -> t.recordCheck(0, false));
    assertFalse(t.status(0).up());
    assertEquals(0, t.status(0).health());
    assertTrue(events.isEmpty() && published.isEmpty());
  }

  @Test
  void healthyObservationsWithoutErrorsDoNotAllocate() {
    HealthTracker l7 = tracker(p().observe(ObserveMode.LAYER7).build());
    assertAllocationFree("observeHttpStatus(200), layer7", () -> l7.observeHttpStatus(0, 200));
    assertAllocationFree("observeConnect(true), layer7 (not counted)", () -> l7.observeConnect(0, true));
    HealthTracker l4 = tracker(p().observe(ObserveMode.LAYER4).build());
    assertAllocationFree("observeConnect(true), layer4", () -> l4.observeConnect(0, true));
    assertTrue(events.isEmpty() && published.isEmpty());
  }

  @Test
  void errorCountChangesBelowTheErrorLimitDoNotAllocate() {
    HealthTracker t = tracker(p().observe(ObserveMode.LAYER7).errorLimit(10).build());
    assertAllocationFree("observeHttpStatus 503/200 alternation",
        () -> t.observeHttpStatus(0, (step++ & 1) == 0 ? 503 : 200));
    HealthTracker l4 = tracker(p().observe(ObserveMode.LAYER4).errorLimit(3).build());
    assertAllocationFree("observeConnect false/true alternation, layer4",
        () -> l4.observeConnect(0, (step++ & 1) == 0));
    // runs of up to error-limit - 1 errors: health, consecutive errors and the fastinter flag move, UP/DOWN does not
    HealthTracker counters = tracker(p().observe(ObserveMode.LAYER7).errorLimit(3).onError(OnErrorAction.FASTINTER)
        .initialState(InitialState.FULLY_UP).build());
    assertAllocationFree("503, 503, 503 (fastinter), passed check", () -> {
      int k = step++ & 3;
      if (k < 3) {
        counters.observeHttpStatus(0, 503);
      } else {
        counters.recordCheck(0, true);
      }
    });
    assertTrue(t.status(0).up() && l4.status(0).up() && counters.status(0).up());
    assertTrue(events.isEmpty() && published.isEmpty());
  }

  @Test
  void inputsToAServerInMaintDoNotAllocate() {
    HealthTracker t = tracker(p().observe(ObserveMode.LAYER7).build());
    t.setAdminState(0, AdminState.MAINT);
    events.clear();
    published.clear();
    assertAllocationFree("checks and observations in MAINT", () -> {
      t.recordCheck(0, (step & 1) == 0);
      t.observeHttpStatus(0, (step++ & 2) == 0 ? 503 : 200);
      t.observeTransportError(0);
    });
    assertTrue(events.isEmpty() && published.isEmpty());
  }

  @Test
  void checksDuringASlowStartRampDoNotAllocateWhileTheWeightStands() {
    HealthTracker t = tracker(p().slowStart(Duration.ofSeconds(10)).initialState(InitialState.DOWN).build());
    t.recordCheck(0, true); // h = rise - 1 -> UP, ramp starts
    assertTrue(t.status(0).slowStarting());
    events.clear();
    published.clear();
    assertAllocationFree("recordCheck(passed) while ramping", () -> t.recordCheck(0, true));
    assertAllocationFree("refresh() while no ramp step is due", t::refresh);
    assertTrue(t.status(0).slowStarting());
    assertTrue(events.isEmpty() && published.isEmpty());
  }

  /** The check itself can fail: a transition (new snapshot, events) allocates and is caught. */
  @Test
  void aTransitionAllocatesAndIsCaught() {
    HealthTracker t = tracker(p().initialState(InitialState.FULLY_UP).build());
    boolean[] flap = {false, false, false, true, true}; // DOWN on the 3rd failure, UP on the 2nd pass
    long allocated = allocatedBy(() -> t.recordCheck(0, flap[step++ % flap.length]));
    assertTrue(allocated > BOUND, () -> "flapping allocated only " + allocated + " bytes");
    assertFalse(events.isEmpty());
  }
}
