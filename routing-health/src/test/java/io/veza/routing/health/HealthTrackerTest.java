package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Example tests with HAProxy's own numbers. */
class HealthTrackerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<HealthEvent> events = new ArrayList<>();

  private HealthTracker tracker(HealthPolicy policy, int weight) {
    return HealthTracker.builder().ticker(ticker).listener(events::add).addServer("a", weight, policy).build();
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
  }

  @ParameterizedTest
  @CsvSource({"1,1", "2,3", "3,5", "5,2"})
  void fromFullHealthExactlyFallFailuresTakeItDown(int rise, int fall) {
    HealthTracker t = tracker(p().rise(rise).fall(fall).initialState(InitialState.FULLY_UP).build(), 1);
    assertEquals(rise + fall - 1, t.status(0).health());
    for (int k = 1; k < fall; k++) {
      t.recordCheck(0, false);
      assertTrue(t.status(0).up(), "still up after " + k + " failures");
    }
    t.recordCheck(0, false);
    assertFalse(t.status(0).up());
    assertEquals(0, t.status(0).health());
    assertEquals(1, events.size());
    assertEquals(HealthEvent.Kind.WENT_DOWN, events.get(0).kind());
    assertEquals(HealthEvent.Cause.CHECK_FAILURES, events.get(0).cause());
  }

  @ParameterizedTest
  @CsvSource({"1,1", "2,3", "3,5", "5,2"})
  void fromZeroExactlyRiseSuccessesBringItUp(int rise, int fall) {
    HealthTracker t = tracker(p().rise(rise).fall(fall).initialState(InitialState.FULLY_DOWN).build(), 1);
    for (int k = 1; k < rise; k++) {
      t.recordCheck(0, true);
      assertFalse(t.status(0).up());
      assertEquals(k, t.status(0).health());
    }
    t.recordCheck(0, true);
    assertTrue(t.status(0).up());
    assertEquals(rise + fall - 1, t.status(0).health(), "UP jumps to full health");
    assertEquals(HealthEvent.Kind.CAME_UP, events.get(0).kind());
  }

  @Test
  void oneSuccessWhileGoingDownRestoresFullHealth() {
    HealthTracker t = tracker(p().rise(2).fall(3).initialState(InitialState.FULLY_UP).build(), 1);
    t.recordCheck(0, false);
    t.recordCheck(0, false);
    assertEquals(2, t.status(0).health());
    t.recordCheck(0, true);
    assertEquals(4, t.status(0).health());
    assertTrue(events.isEmpty());
  }

  @Test
  void oneFailureWhileGoingUpResetsToZero() {
    HealthTracker t = tracker(p().rise(3).fall(3).initialState(InitialState.FULLY_DOWN).build(), 1);
    t.recordCheck(0, true);
    t.recordCheck(0, true);
    assertEquals(2, t.status(0).health());
    t.recordCheck(0, false);
    assertEquals(0, t.status(0).health());
    assertFalse(t.status(0).up());
  }

  @ParameterizedTest
  @CsvSource({"FULLY_UP,true,4", "UP,true,2", "DOWN,false,1", "FULLY_DOWN,false,0"})
  void initialStates(InitialState init, boolean up, int health) {
    HealthTracker t = tracker(p().rise(2).fall(3).initialState(init).slowStart(Duration.ofSeconds(10)).build(), 10);
    assertEquals(up, t.status(0).up());
    assertEquals(health, t.status(0).health());
    assertEquals(up, t.snapshot().isUp(0));
    assertFalse(t.status(0).slowStarting(), "never slow start at startup");
    assertEquals(up ? 10.0 : 0.0, t.snapshot().effectiveWeight(0));
  }

  @Test
  void initialUpGoesDownOnFirstFailureAndInitialDownComesUpOnFirstSuccess() {
    HealthTracker up = tracker(p().initialState(InitialState.UP).build(), 1);
    up.recordCheck(0, false);
    assertFalse(up.status(0).up());
    HealthTracker down = tracker(p().initialState(InitialState.DOWN).build(), 1);
    down.recordCheck(0, true);
    assertTrue(down.status(0).up());
  }

  @Test
  void slowStartHaproxyStepsForWeight10Over10s() {
    HealthTracker t = tracker(p().initialState(InitialState.DOWN).slowStart(Duration.ofSeconds(10)).build(), 10);
    t.recordCheck(0, true); // DOWN -> UP at t = 0
    // weight * (floor(16t/S) + 1) / 16 at t = 0..9 s: floor(1.6 t) + 1 sixteenths of 10
    int[] sixteenths = {1, 2, 4, 5, 7, 9, 10, 12, 13, 15};
    for (int s = 0; s < 10; s++) {
      t.refresh();
      assertEquals(10.0 * sixteenths[s] / 16, t.snapshot().effectiveWeight(0), "t = " + s + " s");
      assertTrue(t.snapshot().isBalanceable(0));
      assertTrue(t.status(0).slowStarting());
      ticker.advance(Duration.ofSeconds(1));
    }
    assertEquals(1, events.size(), "only CAME_UP so far");
    long next = t.refresh(); // t = 10 s
    assertEquals(-1, next);
    assertEquals(10.0, t.snapshot().effectiveWeight(0));
    assertFalse(t.status(0).slowStarting());
    assertEquals(HealthEvent.Kind.SLOW_START_FINISHED, events.get(1).kind());
    t.refresh();
    ticker.advance(Duration.ofSeconds(5));
    t.refresh();
    assertEquals(2, events.size(), "SLOW_START_FINISHED exactly once");
  }

  @Test
  void slowStartStartsAt1Over16AndRefreshReportsTheNextStep() {
    HealthTracker t = tracker(p().initialState(InitialState.DOWN).slowStart(Duration.ofSeconds(16)).build(), 256);
    t.recordCheck(0, true);
    assertEquals(16.0, t.snapshot().effectiveWeight(0));
    assertEquals(Duration.ofSeconds(1).toNanos(), t.refresh());
    ticker.advance(Duration.ofMillis(999));
    assertEquals(Duration.ofMillis(1).toNanos(), t.refresh());
    assertEquals(16.0, t.snapshot().effectiveWeight(0));
    long v = t.snapshot().version();
    ticker.advance(Duration.ofMillis(1));
    t.refresh();
    assertEquals(32.0, t.snapshot().effectiveWeight(0));
    assertEquals(v + 1, t.snapshot().version());
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
    HealthTracker t = tracker(p().slowStart(Duration.ofSeconds(10)).build(), 16);
    t.setAdminState(0, AdminState.DRAIN);
    t.setAdminState(0, AdminState.READY);
    assertFalse(t.status(0).slowStarting());
    t.setAdminState(0, AdminState.MAINT);
    assertFalse(t.snapshot().isUp(0));
    assertEquals(0, t.status(0).health(), "HAProxy: entering MAINT sets h = 0");
    t.recordCheck(0, true);
    assertEquals(0, t.status(0).health(), "checks are paused in MAINT");
    t.setAdminState(0, AdminState.READY);
    assertEquals(2, t.status(0).health(), "HAProxy: leaving MAINT sets h = rise");
    assertTrue(t.status(0).up());
    assertTrue(t.status(0).slowStarting());
    assertEquals(1.0, t.snapshot().effectiveWeight(0));
    List<HealthEvent.Kind> kinds = events.stream().map(HealthEvent::kind).toList();
    assertEquals(List.of(HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Kind.ADMIN_STATE_CHANGED,
        HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Kind.WENT_DOWN, HealthEvent.Kind.ADMIN_STATE_CHANGED,
        HealthEvent.Kind.CAME_UP), kinds);
    assertEquals(HealthEvent.Cause.MAINTENANCE, events.get(3).cause());
  }

  @Test
  void intervalPerState() {
    HealthPolicy policy = p().rise(2).fall(3).inter(Duration.ofSeconds(2)).fastInter(Duration.ofMillis(500))
        .downInter(Duration.ofSeconds(7)).initialState(InitialState.FULLY_UP).build();
    HealthTracker t = tracker(policy, 1);
    assertEquals(Duration.ofSeconds(2), t.checkInterval(0), "full health: inter");
    t.recordCheck(0, false);
    assertEquals(Duration.ofMillis(500), t.checkInterval(0), "going down: fastinter");
    t.recordCheck(0, false);
    t.recordCheck(0, false);
    assertEquals(Duration.ofSeconds(7), t.checkInterval(0), "DOWN at h = 0: downinter");
    t.recordCheck(0, true);
    assertEquals(Duration.ofMillis(500), t.checkInterval(0), "going up: fastinter");
    t.recordCheck(0, true);
    assertEquals(Duration.ofSeconds(2), t.checkInterval(0), "back to full health: inter");
    HealthTracker noFast = tracker(HealthPolicy.builder().inter(Duration.ofSeconds(3)).build(), 1);
    noFast.recordCheck(0, false);
    assertEquals(Duration.ofSeconds(3), noFast.checkInterval(0), "unset fastinter/downinter fall back to inter");
  }

  private HealthTracker observed(OnErrorAction action, InitialState init) {
    return tracker(p().rise(2).fall(3).observe(ObserveMode.LAYER4).errorLimit(3).onError(action)
        .fastInter(Duration.ofMillis(100)).initialState(init).build(), 1);
  }

  @Test
  void onErrorFastinterOnlySpeedsUpTheNextCheck() {
    HealthTracker t = observed(OnErrorAction.FASTINTER, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      t.observeConnect(0, false);
    }
    assertEquals(4, t.status(0).health());
    assertEquals(0, t.status(0).consecutiveErrors());
    assertEquals(Duration.ofMillis(100), t.checkInterval(0));
    t.recordCheck(0, true);
    assertEquals(Duration.ofSeconds(2), t.checkInterval(0), "flag cleared by the next check");
  }

  @Test
  void onErrorFailCheckCountsOneFailedCheck() {
    HealthTracker t = observed(OnErrorAction.FAIL_CHECK, InitialState.FULLY_UP);
    t.observeConnect(0, false);
    t.observeConnect(0, false);
    t.observeConnect(0, true); // a success resets the count
    t.observeConnect(0, false);
    t.observeConnect(0, false);
    assertEquals(4, t.status(0).health());
    t.observeConnect(0, false);
    assertEquals(3, t.status(0).health());
    for (int i = 0; i < 6; i++) {
      t.observeConnect(0, false);
    }
    assertFalse(t.status(0).up());
    assertEquals(HealthEvent.Cause.OBSERVED_ERRORS, events.get(0).cause());
  }

  @Test
  void onErrorSuddenDeathLeavesOneFailureToDown() {
    HealthTracker t = observed(OnErrorAction.SUDDEN_DEATH, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      t.observeConnect(0, false);
    }
    assertEquals(2, t.status(0).health(), "h = rise + 1, then one failed check: h = rise");
    assertTrue(t.status(0).up());
    t.recordCheck(0, false);
    assertFalse(t.status(0).up(), "the next failure takes it DOWN");
  }

  @Test
  void onErrorMarkDownTakesItDownAtOnceAndOnlyChecksRecover() {
    HealthTracker t = observed(OnErrorAction.MARK_DOWN, InitialState.FULLY_UP);
    for (int i = 0; i < 3; i++) {
      t.observeConnect(0, false);
    }
    assertFalse(t.status(0).up());
    assertEquals(0, t.status(0).health());
    t.observeConnect(0, true);
    assertFalse(t.status(0).up(), "observed successes never bring a server up");
    t.recordCheck(0, true);
    t.recordCheck(0, true);
    assertTrue(t.status(0).up());
  }

  @ParameterizedTest
  @CsvSource({"100,false", "200,false", "302,false", "404,false", "499,false", "500,true", "501,false",
      "502,true", "503,true", "504,true", "505,false", "506,true", "599,true", "600,true", "99,true", "0,true"})
  void layer7Classification(int status, boolean error) {
    HealthTracker t = tracker(p().observe(ObserveMode.LAYER7).errorLimit(1).onError(OnErrorAction.MARK_DOWN)
        .build(), 1);
    t.observeHttpStatus(0, status);
    assertEquals(!error, t.status(0).up(), "status " + status);
  }

  @Test
  void layer4IgnoresStatusesAndLayer7IgnoresSuccessfulConnects() {
    HealthTracker l4 = tracker(p().observe(ObserveMode.LAYER4).errorLimit(2).build(), 1);
    l4.observeConnect(0, false);
    l4.observeHttpStatus(0, 503);
    l4.observeTransportError(0);
    assertEquals(1, l4.status(0).consecutiveErrors());
    l4.observeConnect(0, true);
    assertEquals(0, l4.status(0).consecutiveErrors());
    HealthTracker l7 = tracker(p().observe(ObserveMode.LAYER7).errorLimit(5).build(), 1);
    l7.observeConnect(0, false);
    l7.observeTransportError(0);
    l7.observeConnect(0, true);
    assertEquals(2, l7.status(0).consecutiveErrors(), "layer7: a connect success is not a success");
    l7.observeHttpStatus(0, 200);
    assertEquals(0, l7.status(0).consecutiveErrors());
    HealthTracker none = tracker(p().errorLimit(1).onError(OnErrorAction.MARK_DOWN).build(), 1);
    none.observeConnect(0, false);
    none.observeHttpStatus(0, 500);
    assertTrue(none.status(0).up());
  }

  @Test
  void drainAndWeightZeroKeepCookieEligibility() {
    HealthTracker t = HealthTracker.builder().ticker(ticker).addServer("a", 5, HealthPolicy.defaults())
        .addServer("b", 5, HealthPolicy.defaults()).build();
    t.setAdminState(0, AdminState.DRAIN);
    t.setWeight(1, 0);
    HealthSnapshot s = t.snapshot();
    assertFalse(s.isBalanceable(0));
    assertTrue(s.isCookieEligible(0));
    assertFalse(s.isBalanceable(1));
    assertTrue(s.isCookieEligible(1));
    assertEquals(5, s.maxWeight());
    assertEquals(2, s.version());
    t.setAdminState(0, AdminState.MAINT);
    assertFalse(t.snapshot().isCookieEligible(0));
  }

  @Test
  void snapshotListenerSeesEveryNewVersionInOrder() {
    HealthTracker t = tracker(HealthPolicy.defaults(), 3);
    List<Long> versions = new ArrayList<>();
    t.addSnapshotListener(s -> versions.add(s.version()));
    t.recordCheck(0, false);
    t.recordCheck(0, true);
    t.recordCheck(0, true);
    t.setWeight(0, 7);
    assertEquals(List.of(1L, 2L, 3L), versions);
    assertEquals(7, t.snapshot().weight(0));
  }

  @Test
  void invalidConfigurationNamesFieldAndValue() {
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
        () -> HealthTracker.builder().addServer("a", 257, HealthPolicy.defaults()));
    assertMessage("id must be unique, was duplicate \"a\"",
        () -> HealthTracker.builder().addServer("a").addServer("a"));
    HealthTracker t = tracker(HealthPolicy.defaults(), 1);
    assertMessage("weight must be in [0, 256], was -1", () -> t.setWeight(0, -1));
  }

  private static void assertMessage(String message, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertEquals(message, e.getMessage());
  }
}
