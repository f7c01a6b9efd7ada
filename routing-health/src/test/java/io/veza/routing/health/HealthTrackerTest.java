package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.HealthEvent.Cause;
import io.veza.routing.health.HealthEvent.Kind;
import io.veza.routing.health.testing.ManualScheduler;
import io.veza.routing.health.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Example tests with HAProxy's own numbers. Listeners run on the calling thread, time through a ManualScheduler. */
class HealthTrackerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final List<HealthEvent> events = new ArrayList<>();
  private final List<TrackedServer.State> hooked = new ArrayList<>();
  private final HealthTracker tracker = HealthTracker.builder().ticker(ticker).scheduler(scheduler)
      .listenerExecutor(Runnable::run).listener(events::add).stateHook((s, p, c) -> hooked.add(c)).build();
  private int servers;

  /** A new server; the events and hook calls recorded start after its ADDED event. */
  private TrackedServer server(HealthPolicy policy, int weight) {
    events.clear();
    TrackedServer s = tracker.add("s" + servers++, weight, policy);
    assertEquals(List.of(Kind.ADDED), kinds());
    events.clear();
    return s;
  }

  private List<Kind> kinds() {
    return events.stream().map(HealthEvent::kind).toList();
  }

  private static HealthPolicy.Builder p() {
    return HealthPolicy.builder();
  }

  @Test
  void defaultsAreHaproxys() {
    HealthPolicy d = HealthPolicy.defaults();
    assertEquals(Duration.ofMillis(2000), d.inter());
    assertEquals(d.inter(), d.fastInter());
    assertEquals(d.inter(), d.downInter());
    assertEquals(d.inter(), d.checkTimeout());
    assertEquals(2, d.rise());
    assertEquals(3, d.fall());
    assertEquals(Duration.ZERO, d.slowStart());
    assertEquals(InitialState.UP, d.initialState());
    assertEquals(ObserveMode.NONE, d.observe());
    assertEquals(10, d.errorLimit());
    assertEquals(OnErrorAction.FAIL_CHECK, d.onError());
    assertEquals(0, d.spreadPercent());
    assertEquals(SlowStartCurve.haproxy(), d.slowStartCurve());
    assertEquals(d, d.toBuilder().build());
  }

  @ParameterizedTest
  @CsvSource({"1,1", "2,3", "3,5", "5,2"})
  void fromFullHealthExactlyFallFailuresTakeItDown(int rise, int fall) {
    TrackedServer s = server(p().rise(rise).fall(fall).initialState(InitialState.FULLY_UP).build(), 1);
    assertEquals(rise + fall - 1, s.status().health());
    for (int k = 1; k < fall; k++) {
      s.recordCheck(false);
      assertTrue(s.state().isUp(), "still up after " + k + " failures");
    }
    s.recordCheck(false);
    assertFalse(s.state().isUp());
    assertEquals(0, s.status().health());
    assertEquals(List.of(Kind.WENT_DOWN), kinds());
    assertEquals(Cause.CHECK_FAILURES, events.get(0).cause());
    assertEquals(CheckStatus.PROBE_ERROR, events.get(0).check().status());
    assertEquals(fall, s.counters().checksFailed());
    assertEquals(1, s.counters().downTransitions());
  }

  @ParameterizedTest
  @CsvSource({"1,1", "2,3", "3,5", "5,2"})
  void fromZeroExactlyRiseSuccessesBringItUp(int rise, int fall) {
    TrackedServer s = server(p().rise(rise).fall(fall).initialState(InitialState.FULLY_DOWN).build(), 1);
    for (int k = 1; k < rise; k++) {
      s.recordCheck(true);
      assertFalse(s.state().isUp());
      assertEquals(k, s.status().health());
    }
    s.recordCheck(true);
    assertTrue(s.state().isUp());
    assertEquals(rise + fall - 1, s.status().health(), "UP jumps to full health");
    assertEquals(List.of(Kind.CAME_UP), kinds());
  }

  @Test
  void oneSuccessWhileGoingDownRestoresFullHealth() {
    TrackedServer s = server(p().rise(2).fall(3).initialState(InitialState.FULLY_UP).build(), 1);
    s.recordCheck(false);
    s.recordCheck(false);
    assertEquals(2, s.status().health());
    s.recordCheck(true);
    assertEquals(4, s.status().health());
    assertTrue(events.isEmpty());
    assertTrue(hooked.isEmpty(), "nothing routing-visible changed");
  }

  @Test
  void oneFailureWhileGoingUpResetsToZero() {
    TrackedServer s = server(p().rise(3).fall(3).initialState(InitialState.FULLY_DOWN).build(), 1);
    s.recordCheck(true);
    s.recordCheck(true);
    assertEquals(2, s.status().health());
    s.recordCheck(false);
    assertEquals(0, s.status().health());
    assertFalse(s.state().isUp());
    assertEquals(0, s.counters().checksFailed() - 1, "the failure counted: h was above 0");
  }

  /** HAProxy {@code init-state}, rise 2 fall 3: fully-up h = 4, up h = 2, down h = 1, fully-down h = 0. */
  @ParameterizedTest
  @CsvSource({"FULLY_UP,true,4", "UP,true,2", "DOWN,false,1", "FULLY_DOWN,false,0"})
  void initialStates(InitialState init, boolean up, int health) {
    TrackedServer s = server(p().rise(2).fall(3).initialState(init).slowStart(Duration.ofSeconds(10)).build(), 10);
    assertEquals(up, s.state().isUp());
    assertEquals(health, s.status().health());
    assertFalse(s.status().slowStarting(), "never slow start at startup");
    assertEquals(up ? 10.0 : 0.0, s.state().effectiveWeight());
    assertEquals(up ? OperationalState.UP : OperationalState.DOWN, s.state().operational());
    assertEquals(0, scheduler.pendingCount(), "no ramp timer at startup");
  }

  @Test
  void initialUpGoesDownOnFirstFailureAndInitialDownComesUpOnFirstSuccess() {
    TrackedServer up = server(p().initialState(InitialState.UP).build(), 1);
    up.recordCheck(false);
    assertFalse(up.state().isUp());
    TrackedServer down = server(p().initialState(InitialState.DOWN).build(), 1);
    down.recordCheck(true);
    assertTrue(down.state().isUp());
  }

  @Test
  void slowStartHaproxyStepsForWeight10Over10s() {
    TrackedServer s = server(p().initialState(InitialState.DOWN).slowStart(Duration.ofSeconds(10)).build(), 10);
    s.recordCheck(true); // DOWN -> UP at t = 0
    // weight * (floor(16t/S) + 1) / 16 at t = 0..9 s: floor(1.6 t) + 1 sixteenths of 10
    int[] sixteenths = {1, 2, 4, 5, 7, 9, 10, 12, 13, 15};
    for (int t = 0; t < 10; t++) {
      assertEquals(10.0 * sixteenths[t] / 16, s.state().effectiveWeight(), "t = " + t + " s");
      assertEquals(s.state().effectiveWeight(), s.status().effectiveWeight());
      assertTrue(s.state().isBalanceable());
      assertTrue(s.status().slowStarting());
      scheduler.advance(Duration.ofSeconds(1)); // only time passes: the steps publish by themselves
    }
    assertEquals(10.0, s.state().effectiveWeight(), "t = 10 s");
    assertFalse(s.status().slowStarting());
    assertEquals(List.of(Kind.CAME_UP, Kind.SLOW_START_FINISHED), kinds());
    assertEquals(0, scheduler.pendingCount(), "no timer once the ramp is over");
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals(2, events.size(), "SLOW_START_FINISHED exactly once");
  }

  @Test
  void slowStartStartsAt1Over16AndStepsExactlyAtTheStepBoundary() {
    TrackedServer s = server(p().initialState(InitialState.DOWN).slowStart(Duration.ofSeconds(16)).build(), 256);
    s.recordCheck(true);
    assertEquals(16.0, s.state().effectiveWeight());
    assertEquals(Duration.ofSeconds(1).toNanos(), scheduler.nanosUntilNextDue().orElseThrow());
    scheduler.advance(Duration.ofMillis(999));
    assertEquals(16.0, s.state().effectiveWeight());
    int before = hooked.size();
    scheduler.advance(1);
    assertEquals(16.0, s.state().effectiveWeight(), "1 ns later: still the first step");
    scheduler.advance(Duration.ofMillis(1).minusNanos(1));
    assertEquals(32.0, s.state().effectiveWeight(), "at t = S/16 exactly");
    assertEquals(before + 1, hooked.size(), "one publication per step");
  }

  @Test
  void envoyCurve() {
    SlowStartCurve linear = SlowStartCurve.envoy();
    long s = Duration.ofSeconds(64).toNanos();
    assertEquals(0.10, linear.factor(0, s), "min_weight_percent 10 at t = 0");
    assertEquals(32 / 64.0, linear.factor(s / 2, s));
    assertEquals(1.0, linear.factor(s, s));
    SlowStartCurve aggressive = SlowStartCurve.envoy(2.0, 0);
    assertEquals(Math.sqrt(16 / 64.0), aggressive.factor(s / 4, s));
    assertThrows(IllegalArgumentException.class, () -> SlowStartCurve.envoy(0, 10));
    assertThrows(IllegalArgumentException.class, () -> SlowStartCurve.envoy(1, 101));
  }

  @Test
  void slowStartAfterMaintenanceButNotAfterDrain() {
    TrackedServer s = server(p().slowStart(Duration.ofSeconds(10)).build(), 16);
    s.setAdminState(AdminState.DRAIN);
    assertFalse(s.state().isBalanceable());
    assertTrue(s.state().isCookieEligible());
    s.setAdminState(AdminState.READY);
    assertFalse(s.status().slowStarting());
    s.setAdminState(AdminState.MAINT);
    assertFalse(s.state().isUp());
    assertFalse(s.state().isCookieEligible());
    assertEquals(0, s.status().health(), "HAProxy: entering MAINT sets h = 0");
    s.recordCheck(true);
    assertEquals(0, s.status().health(), "checks are paused in MAINT");
    s.setAdminState(AdminState.READY);
    assertEquals(2, s.status().health(), "HAProxy: leaving MAINT sets h = rise");
    assertTrue(s.state().isUp());
    assertTrue(s.status().slowStarting());
    assertEquals(1.0, s.state().effectiveWeight());
    assertEquals(List.of(Kind.ADMIN_STATE_CHANGED, Kind.ADMIN_STATE_CHANGED, Kind.ADMIN_STATE_CHANGED,
        Kind.WENT_DOWN, Kind.ADMIN_STATE_CHANGED, Kind.CAME_UP), kinds());
    assertEquals(Cause.MAINTENANCE, events.get(3).cause());
  }

  /** srv_getinter: inter at full health, downinter at h = 0 while DOWN, fastinter in between. */
  @Test
  void intervalPerState() {
    HealthPolicy policy = p().rise(2).fall(3).inter(Duration.ofSeconds(2)).fastInter(Duration.ofMillis(500))
        .downInter(Duration.ofSeconds(7)).initialState(InitialState.FULLY_UP).build();
    TrackedServer s = server(policy, 1);
    assertEquals(Duration.ofSeconds(2), s.checkInterval(), "full health: inter");
    s.recordCheck(false);
    assertEquals(Duration.ofMillis(500), s.checkInterval(), "going down: fastinter");
    s.recordCheck(false);
    s.recordCheck(false);
    assertEquals(Duration.ofSeconds(7), s.checkInterval(), "DOWN at h = 0: downinter");
    s.recordCheck(true);
    assertEquals(Duration.ofMillis(500), s.checkInterval(), "going up: fastinter");
    s.recordCheck(true);
    assertEquals(Duration.ofSeconds(2), s.checkInterval(), "back to full health: inter");
    s.setAdminState(AdminState.MAINT);
    assertEquals(Duration.ofSeconds(7), s.checkInterval(), "MAINT: h = 0, treated as DOWN");
    TrackedServer noFast = server(HealthPolicy.builder().inter(Duration.ofSeconds(3)).build(), 1);
    noFast.recordCheck(false);
    assertEquals(Duration.ofSeconds(3), noFast.checkInterval(), "unset fastinter/downinter fall back to inter");
  }

  private TrackedServer observed(OnErrorAction action, InitialState init) {
    return server(p().rise(2).fall(3).observe(ObserveMode.LAYER4).errorLimit(3).onError(action)
        .fastInter(Duration.ofMillis(100)).initialState(init).build(), 1);
  }

  @Test
  void onErrorFastinterOnlySpeedsUpTheNextCheck() {
    TrackedServer s = observed(OnErrorAction.FASTINTER, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      s.observeConnect(false);
    }
    assertEquals(4, s.status().health());
    assertEquals(0, s.status().consecutiveErrors());
    assertTrue(s.status().fastInterForced());
    assertEquals(Duration.ofMillis(100), s.checkInterval());
    assertEquals(1, s.counters().observedFailures());
    assertEquals(CheckStatus.INITIALIZING, s.counters().lastCheck().status(), "fastinter simulates no check");
    s.recordCheck(true);
    assertEquals(Duration.ofSeconds(2), s.checkInterval(), "flag cleared by the next check");
  }

  @Test
  void onErrorFailCheckCountsOneFailedCheck() {
    TrackedServer s = observed(OnErrorAction.FAIL_CHECK, InitialState.FULLY_UP);
    s.observeConnect(false);
    s.observeConnect(false);
    s.observeConnect(true); // a success resets the count
    s.observeConnect(false);
    s.observeConnect(false);
    assertEquals(4, s.status().health());
    s.observeConnect(false);
    assertEquals(3, s.status().health());
    CheckCounters c = s.counters();
    assertEquals(CheckStatus.HEALTH_ANALYZE, c.lastCheck().status());
    assertEquals("Detected 3 consecutive errors, last one was: L4 unsuccessful connection", c.lastCheck().info());
    assertEquals(0, c.sinceLastCheckNanos());
    for (int i = 0; i < 6; i++) {
      s.observeConnect(false);
    }
    assertFalse(s.state().isUp());
    assertEquals(List.of(Kind.WENT_DOWN), kinds());
    assertEquals(Cause.OBSERVED_ERRORS, events.get(0).cause());
    assertEquals(CheckStatus.HEALTH_ANALYZE, events.get(0).check().status());
    assertEquals(3, s.counters().observedFailures());
    assertEquals(3, s.counters().checksFailed());
  }

  @Test
  void onErrorSuddenDeathLeavesOneFailureToDown() {
    TrackedServer s = observed(OnErrorAction.SUDDEN_DEATH, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      s.observeConnect(false);
    }
    assertEquals(2, s.status().health(), "h = rise + 1, then one failed check: h = rise");
    assertTrue(s.state().isUp());
    s.recordCheck(false);
    assertFalse(s.state().isUp(), "the next failure takes it DOWN");
  }

  @Test
  void onErrorMarkDownTakesItDownAtOnceAndOnlyChecksRecover() {
    TrackedServer s = observed(OnErrorAction.MARK_DOWN, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      s.observeConnect(false);
    }
    assertFalse(s.state().isUp());
    assertEquals(0, s.status().health());
    s.observeConnect(true);
    assertFalse(s.state().isUp(), "observed successes never bring a server up");
    s.recordCheck(true);
    s.recordCheck(true);
    assertTrue(s.state().isUp());
  }

  @Test
  void observationsInMaintAreCountedButChangeNoState() {
    TrackedServer s = server(p().rise(2).fall(3).observe(ObserveMode.LAYER7).errorLimit(2)
        .onError(OnErrorAction.FAIL_CHECK).build(), 1);
    s.setAdminState(AdminState.MAINT);
    s.forceHealth(OperationalState.UP); // in MAINT only the counter changes: h = 4
    events.clear();
    hooked.clear();
    s.observeHttpStatus(503);
    s.observeHttpStatus(503);
    assertEquals(3, s.status().health(), "the on-error action ran: one failed check");
    assertEquals(1, s.counters().observedFailures());
    assertEquals(1, s.counters().checksFailed());
    assertTrue(events.isEmpty() && hooked.isEmpty(), "nothing routing-visible changed");
    s.setAdminState(AdminState.READY);
    assertEquals(2, s.status().health(), "leaving MAINT sets h = rise anyway");
  }

  @ParameterizedTest
  @CsvSource({"100,false", "200,false", "302,false", "404,false", "499,false", "500,true", "501,false",
      "502,true", "503,true", "504,true", "505,false", "506,true", "599,true", "600,true", "99,true", "0,true"})
  void layer7Classification(int status, boolean error) {
    TrackedServer s = server(p().observe(ObserveMode.LAYER7).errorLimit(1).onError(OnErrorAction.MARK_DOWN)
        .build(), 1);
    s.observeHttpStatus(status);
    assertEquals(!error, s.state().isUp(), "status " + status);
  }

  @Test
  void layer4IgnoresStatusesAndLayer7IgnoresSuccessfulConnects() {
    TrackedServer l4 = server(p().observe(ObserveMode.LAYER4).errorLimit(2).build(), 1);
    l4.observeConnect(false);
    l4.observeHttpStatus(503);
    l4.observeTransportError();
    assertEquals(1, l4.status().consecutiveErrors());
    l4.observeConnect(true);
    assertEquals(0, l4.status().consecutiveErrors());
    TrackedServer l7 = server(p().observe(ObserveMode.LAYER7).errorLimit(5).build(), 1);
    l7.observeConnect(false);
    l7.observeTransportError();
    l7.observeConnect(true);
    assertEquals(2, l7.status().consecutiveErrors(), "layer7: a connect success is not a success");
    l7.observeHttpStatus(200);
    assertEquals(0, l7.status().consecutiveErrors());
    TrackedServer none = server(p().errorLimit(1).onError(OnErrorAction.MARK_DOWN).build(), 1);
    none.observeConnect(false);
    none.observeHttpStatus(500);
    none.observeTransportError();
    assertTrue(none.state().isUp());
    assertEquals(0, none.status().consecutiveErrors());
  }

  @Test
  void drainAndWeightZeroKeepCookieEligibility() {
    TrackedServer a = server(HealthPolicy.defaults(), 5);
    TrackedServer b = server(HealthPolicy.defaults(), 5);
    a.setAdminState(AdminState.DRAIN);
    b.setWeight(0);
    assertFalse(a.state().isBalanceable());
    assertTrue(a.state().isCookieEligible());
    assertFalse(b.state().isBalanceable());
    assertTrue(b.state().isCookieEligible());
    assertEquals(0.0, b.state().effectiveWeight());
    assertEquals(List.of(Kind.ADMIN_STATE_CHANGED, Kind.WEIGHT_CHANGED), kinds());
    a.setAdminState(AdminState.MAINT);
    assertFalse(a.state().isCookieEligible());
    assertEquals(3, hooked.size());
  }

  // ---------------------------------------------------------------- forced health and STOPPING

  /** {@code set server ... health stopping}: h = rise+fall-1, no new balanced traffic, sticky clients served. */
  @Test
  void stoppingServesStickyClientsOnly() {
    TrackedServer s = server(p().rise(2).fall(3).slowStart(Duration.ofSeconds(10)).build(), 8);
    s.forceHealth(OperationalState.STOPPING);
    TrackedServer.State st = s.state();
    assertEquals(OperationalState.STOPPING, st.operational());
    assertTrue(st.isUp());
    assertFalse(st.isBalanceable(), "no new load-balanced traffic");
    assertTrue(st.isCookieEligible(), "persistent clients still served");
    assertEquals(8.0, st.effectiveWeight());
    ServerStatus status = s.status();
    assertEquals(4, status.health());
    assertTrue(status.isFullHealth());
    assertFalse(status.isBalanceable());
    assertTrue(status.isCookieEligible());
    assertEquals(List.of(Kind.STOPPING), kinds());
    assertEquals(Cause.NONE, events.get(0).cause());
    s.recordCheck(false);
    assertEquals(OperationalState.STOPPING, s.state().operational(), "a failed check above h = 0 keeps it");
    s.recordCheck(true); // check_notify_success -> srv_set_running, from STOPPING too
    assertEquals(OperationalState.UP, s.state().operational());
    assertTrue(s.status().slowStarting(), "STOPPING -> running goes through slow start");
    assertEquals(0.5, s.state().effectiveWeight());
    assertEquals(List.of(Kind.STOPPING, Kind.CAME_UP), kinds());
  }

  @Test
  void stoppingFailsDownWithItsChecks() {
    TrackedServer s = server(p().rise(2).fall(3).build(), 8);
    s.forceHealth(OperationalState.STOPPING);
    for (int i = 0; i < 3; i++) {
      s.recordCheck(false);
    }
    assertEquals(OperationalState.DOWN, s.state().operational());
    assertEquals(List.of(Kind.STOPPING, Kind.WENT_DOWN), kinds());
    assertEquals(Cause.CHECK_FAILURES, events.get(1).cause());
    assertEquals(1, s.counters().downTransitions(), "STOPPING -> DOWN is a down transition");
  }

  @Test
  void forcedUpRunsAtFullHealthThroughSlowStart() {
    TrackedServer s = server(p().rise(3).fall(2).initialState(InitialState.FULLY_DOWN)
        .slowStart(Duration.ofSeconds(16)).build(), 16);
    s.forceHealth(OperationalState.UP);
    assertEquals(4, s.status().health(), "h = rise+fall-1");
    assertEquals(OperationalState.UP, s.state().operational());
    assertEquals(1.0, s.state().effectiveWeight(), "slow start from any transition into running");
    assertEquals(List.of(Kind.CAME_UP), kinds());
    s.forceHealth(OperationalState.UP);
    assertEquals(1, events.size(), "already running: nothing changes");
    assertEquals(1.0, s.state().effectiveWeight(), "and the ramp goes on");
  }

  @Test
  void forcedDownSetsZeroHealth() {
    TrackedServer s = server(p().rise(2).fall(3).downInter(Duration.ofSeconds(9)).build(), 4);
    s.forceHealth(OperationalState.DOWN);
    assertEquals(0, s.status().health());
    assertFalse(s.state().isUp());
    assertEquals(List.of(Kind.WENT_DOWN), kinds());
    assertEquals(Cause.FORCED, events.get(0).cause());
    assertEquals(Duration.ofSeconds(9), s.checkInterval());
    s.forceHealth(OperationalState.STOPPING);
    assertEquals(OperationalState.STOPPING, s.state().operational(), "DOWN -> STOPPING, at full health");
    assertEquals(List.of(Kind.WENT_DOWN, Kind.STOPPING), kinds());
  }

  @Test
  void forcedHealthInMaintOnlyChangesTheCounter() {
    TrackedServer s = server(p().rise(2).fall(3).build(), 4);
    s.setAdminState(AdminState.MAINT);
    events.clear();
    hooked.clear();
    for (OperationalState target : List.of(OperationalState.UP, OperationalState.STOPPING)) {
      s.forceHealth(target);
      assertEquals(4, s.status().health(), target.name());
      assertEquals(OperationalState.DOWN, s.state().operational(), target.name());
    }
    s.forceHealth(OperationalState.DOWN);
    assertEquals(0, s.status().health());
    assertTrue(events.isEmpty() && hooked.isEmpty());
    s.forceHealth(OperationalState.STOPPING);
    s.setAdminState(AdminState.READY);
    assertEquals(2, s.status().health(), "leaving MAINT sets h = rise");
    assertEquals(OperationalState.UP, s.state().operational(), "and runs it: STOPPING was not kept");
  }

  // ---------------------------------------------------------------- counters

  @Test
  void countersFollowHaproxyShowStat() {
    TrackedServer s = server(p().rise(2).fall(2).build(), 1); // h = 2
    assertEquals(-1, s.counters().sinceLastCheckNanos(), "no check yet");
    assertEquals(CheckStatus.INITIALIZING, s.counters().lastCheck().status());
    ticker.advance(Duration.ofSeconds(1));
    s.recordCheck(CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, "Connection refused", 5));
    assertEquals(1, s.counters().checksFailed());
    assertEquals(1, s.counters().downTransitions());
    ticker.advance(Duration.ofSeconds(3));
    s.recordCheck(false); // h = 0 already: not counted
    assertEquals(1, s.counters().checksFailed(), "chkfail counts only while h > 0");
    ticker.advance(Duration.ofSeconds(2));
    CheckCounters c = s.counters();
    assertEquals(Duration.ofSeconds(5).toNanos(), c.downtimeNanos(), "DOWN since t = 1 s, now t = 6 s");
    assertEquals(Duration.ofSeconds(5).toNanos(), c.sinceLastChangeNanos());
    assertEquals(Duration.ofSeconds(2).toNanos(), c.sinceLastCheckNanos());
    s.recordCheck(true);
    s.recordCheck(true);
    ticker.advance(Duration.ofSeconds(4));
    c = s.counters();
    assertEquals(Duration.ofSeconds(5).toNanos(), c.downtimeNanos(), "UP again: downtime stops growing");
    assertEquals(Duration.ofSeconds(4).toNanos(), c.sinceLastChangeNanos());
    assertEquals(CheckStatus.PROBE_OK, c.lastCheck().status());
  }

  // ---------------------------------------------------------------- membership

  @Test
  void membershipAddFindRemoveReplace() {
    TrackedServer a = tracker.add("a", 3, HealthPolicy.defaults());
    TrackedServer b = tracker.add("b", 4, HealthPolicy.defaults(), null);
    assertEquals(2, tracker.size());
    assertSame(a, tracker.server("a").orElseThrow());
    assertEquals(Optional.empty(), tracker.server("c"));
    assertEquals(java.util.Set.of(a, b), java.util.Set.copyOf(tracker.servers()));
    a.recordCheck(false);
    events.clear();
    assertTrue(tracker.remove(a));
    assertFalse(tracker.remove(a));
    assertTrue(a.isRemoved());
    assertEquals(List.of(Kind.REMOVED), kinds());
    assertEquals(Optional.empty(), tracker.server("a"));
    TrackedServer.State last = a.state();
    a.recordCheck(true);
    a.recordCheck(true);
    a.setAdminState(AdminState.MAINT);
    a.setWeight(9);
    a.forceHealth(OperationalState.UP);
    a.observeConnect(false);
    assertEquals(last, a.state(), "a removed server ignores everything");
    assertEquals(1, events.size());
    TrackedServer again = tracker.add("a", 7, HealthPolicy.defaults());
    assertNotSame(a, again);
    assertTrue(again.state().isUp(), "a new server with the same id starts afresh");
    assertEquals(7, again.state().weight());
    assertSame(again, tracker.server("a").orElseThrow());
    HealthTracker other = HealthTracker.builder().build();
    assertFalse(other.remove(b), "not a server of that tracker");
    assertFalse(b.isRemoved());
  }

  @Test
  void removingARampingServerCancelsItsTimer() {
    TrackedServer s = server(p().initialState(InitialState.DOWN).slowStart(Duration.ofSeconds(10)).build(), 10);
    s.recordCheck(true);
    assertEquals(1, scheduler.pendingCount());
    tracker.remove(s);
    assertEquals(0, scheduler.pendingCount());
    int published = hooked.size();
    scheduler.advance(Duration.ofSeconds(20));
    assertEquals(published, hooked.size());
  }

  /**
   * No event of a server precedes its ADDED. The ticker stands for another thread that acts on the server the moment
   * it can be found in the tracker: on the first reading at which {@code server("x")} finds it (outside the server's
   * own lock), it forces the server DOWN.
   */
  @Test
  void addedIsTheFirstEventOfAServer() {
    HealthTracker[] holder = new HealthTracker[1];
    boolean[] acted = new boolean[1];
    ManualTicker base = new ManualTicker();
    Ticker eager = () -> {
      HealthTracker t = holder[0];
      if (t != null && !acted[0]) {
        t.server("x").filter(s -> !Thread.holdsLock(s)).ifPresent(s -> {
          acted[0] = true;
          s.forceHealth(OperationalState.DOWN);
        });
      }
      return base.read();
    };
    List<HealthEvent> seen = new ArrayList<>();
    holder[0] = HealthTracker.builder().ticker(eager).listenerExecutor(Runnable::run).listener(seen::add).build();
    TrackedServer x = holder[0].add("x", 1, HealthPolicy.defaults());
    if (!acted[0]) {
      x.forceHealth(OperationalState.DOWN);
    }
    assertEquals(List.of(Kind.ADDED, Kind.WENT_DOWN), seen.stream().map(HealthEvent::kind).toList());
    assertEquals(List.of(1L, 2L), seen.stream().map(HealthEvent::sequence).toList());
  }

  @Test
  void invalidInputNamesFieldAndValue() {
    assertMessage("rise must be > 0, was 0", () -> p().rise(0).build());
    assertMessage("fall must be > 0, was -1", () -> p().fall(-1).build());
    assertMessage("errorLimit must be > 0, was 0", () -> p().errorLimit(0).build());
    assertMessage("spreadPercent must be <= 50, was 51", () -> p().spreadPercent(51).build());
    assertMessage("spreadPercent must be >= 0, was -1", () -> p().spreadPercent(-1).build());
    assertMessage("inter must be > 0, was PT0S", () -> p().inter(Duration.ZERO).build());
    assertMessage("fastInter must be > 0, was PT-1S", () -> p().fastInter(Duration.ofSeconds(-1)).build());
    assertMessage("slowStart must be >= 0, was PT-1S", () -> p().slowStart(Duration.ofSeconds(-1)).build());
    assertMessage("checkTimeout must be > 0, was PT0S", () -> p().checkTimeout(Duration.ZERO).build());
    assertMessage("weight must be in [0, 256], was 257 (server a)",
        () -> tracker.add("a", 257, HealthPolicy.defaults()));
    assertMessage("id must be non-empty, was \"\"", () -> tracker.add("", 1, HealthPolicy.defaults()));
    tracker.add("a", 1, HealthPolicy.defaults());
    assertMessage("id must be unique, was duplicate \"a\"", () -> tracker.add("a", 1, HealthPolicy.defaults()));
    TrackedServer s = tracker.server("a").orElseThrow();
    assertMessage("weight must be in [0, 256], was -1 (server a)", () -> s.setWeight(-1));
  }

  private static void assertMessage(String message, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(message, e.getMessage());
  }
}
