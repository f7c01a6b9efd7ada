package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.ManualScheduler;
import io.veza.routing.health.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * {@link SlowStartCurve#haproxyWholeSeconds()} against HAProxy 2.6's own arithmetic, written as HAProxy writes it:
 * {@code slowstart = (val + 999) / 1000} (src/server.c, srv_parse_slowstart, {@code val} in ms) and
 * {@code w = (wdiv * (now.tv_sec - last_change) + slowstart) / slowstart} with {@code wdiv = 16}, full weight once
 * {@code now.tv_sec >= last_change + slowstart} (server_recalc_eweight), where {@code now.tv_sec - last_change} is the
 * number of whole seconds since the transition (server_warmup runs every second from it).
 */
class SlowStartWholeSecondsProperties {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final SlowStartCurve CURVE = SlowStartCurve.haproxyWholeSeconds();

  /** HAProxy's {@code w} (in sixteenths) after {@code e} whole seconds, for {@code slowstart <val> ms}. */
  static long haproxySixteenths(long slowstartMs, long e) {
    long slowstart = (slowstartMs + 999) / 1000; // unsigned int seconds
    if (e >= slowstart) {
      return 16; // next_state = SRV_ST_RUNNING: w = wdiv
    }
    return (16 * e + slowstart) / slowstart;
  }

  @Property(tries = 5000, seed = "20261130")
  void factorIsHaproxysWholeSecondFormula(@ForAll @IntRange(min = 1, max = 3_600_000) int slowstartMs,
      @ForAll @LongRange(min = 0, max = 7_300_000_000_000L) long elapsedNanos) {
    long e = elapsedNanos / SECOND;
    assertEquals(haproxySixteenths(slowstartMs, e) / 16.0, CURVE.factor(elapsedNanos, slowstartMs * MS),
        () -> "slowstart " + slowstartMs + " ms, " + elapsedNanos + " ns elapsed");
  }

  @Property(tries = 5000, seed = "20261131")
  void theNextStepIsTheFirstChangeAndNothingChangesBefore(@ForAll @IntRange(min = 1, max = 600_000) int slowstartMs,
      @ForAll @LongRange(min = 0, max = 700_000_000_000L) long elapsedNanos) {
    long window = slowstartMs * MS;
    long end = (slowstartMs + 999) / 1000 * SECOND; // the ramp ends after slowstart whole seconds
    double now = CURVE.factor(elapsedNanos, window);
    long d = CURVE.nanosUntilNextStep(elapsedNanos, window);
    if (elapsedNanos >= end) {
      assertEquals(0, d, "the ramp is over");
      assertEquals(1.0, now);
      return;
    }
    assertTrue(d >= 1 && elapsedNanos + d <= end, "the next step is inside the ramp");
    assertEquals(now, CURVE.factor(elapsedNanos + d - 1, window), "constant until the next step");
    assertTrue(CURVE.factor(elapsedNanos + d, window) > now || elapsedNanos + d == end,
        "the weight grows there, or the ramp ends there (HAProxy's w reaches 16 a second early when slowstart > 16 s)");
    assertEquals(0, (elapsedNanos + d) % SECOND, "a step happens on a whole second");
  }

  @Property(tries = 1000, seed = "20261132")
  void aPolicyRoundsItsWindowUpToWholeSecondsAsHaproxyStoresIt(@ForAll @IntRange(min = 1, max = 3_600_000) int ms) {
    HealthPolicy p = HealthPolicy.builder().slowStart(Duration.ofMillis(ms)).slowStartCurve(CURVE).build();
    assertEquals(Duration.ofSeconds((ms + 999) / 1000), p.slowStart());
    assertEquals(p, p.toBuilder().build(), "rounding is idempotent");
    assertEquals(Duration.ofMillis(ms), HealthPolicy.builder().slowStart(Duration.ofMillis(ms)).build().slowStart(),
        "the exact curve keeps the window");
  }

  /** Every window of 1..40 s (and 1 ms under or over), every whole second and its last nanosecond. */
  @Test
  void exhaustiveOnSmallWindows() {
    for (long seconds = 1; seconds <= 40; seconds++) {
      for (long ms : new long[] {seconds * 1000 - 1, seconds * 1000, seconds * 1000 + 1}) {
        for (long e = 0; e <= seconds + 2; e++) {
          for (long t : new long[] {e * SECOND, (e + 1) * SECOND - 1}) {
            assertEquals(haproxySixteenths(ms, e) / 16.0, CURVE.factor(t, ms * MS), ms + " ms, t = " + t);
          }
        }
      }
    }
  }

  /** The example: 1,500 ms differs from the exact curve by up to 0.625 of the weight. */
  @Test
  void fifteenHundredMillisecondsAgainstTheExactCurve() {
    long window = 1500 * MS;
    double max = 0;
    for (long t = 0; t < 3 * SECOND; t += MS) {
      double exact = SlowStartCurve.haproxy().factor(t, window);
      max = Math.max(max, Math.abs(exact - CURVE.factor(t, window)));
    }
    assertEquals(0.625, max, 1e-12);
    assertEquals(1 / 16.0, CURVE.factor(999 * MS, window));
    assertEquals(9 / 16.0, CURVE.factor(SECOND, window));
    assertEquals(9 / 16.0, CURVE.factor(1999 * MS, window), "still ramping after 1.5 s: the window is 2 s");
    assertEquals(1.0, CURVE.factor(2 * SECOND, window));
  }

  /**
   * Through a tracker: weight 16, {@code slowstart 1500ms}, the state hook sees 1, 9 and 16 at t = 0, 1 and 2 s, the
   * whole seconds at which HAProxy's warmup task recomputes the weight.
   */
  @Test
  void aTrackerRampsOnWholeSeconds() {
    ManualTicker ticker = new ManualTicker(123_456_789L);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<double[]> hook = new ArrayList<>();
    HealthTracker tracker = HealthTracker.builder().ticker(ticker).scheduler(scheduler).listenerExecutor(Runnable::run)
        .stateHook((s, previous, current) -> hook.add(new double[] {ticker.read(), current.effectiveWeight()}))
        .build();
    TrackedServer server = tracker.add("a", 16, HealthPolicy.builder().initialState(InitialState.DOWN)
        .slowStart(Duration.ofMillis(1500)).slowStartCurve(CURVE).build());
    long start = ticker.read();
    server.recordCheck(true);
    scheduler.advance(Duration.ofSeconds(5));
    assertEquals(3, hook.size(), () -> "published: " + hook.stream().map(h -> (h[0] - start) / SECOND + "s=" + h[1])
        .toList());
    double[] expected = {1, 9, 16};
    for (int k = 0; k < 3; k++) {
      assertEquals(k * SECOND, (long) hook.get(k)[0] - start, "step " + k);
      assertEquals(expected[k], hook.get(k)[1], "step " + k);
    }
    assertEquals(16.0, server.state().effectiveWeight());
  }
}
