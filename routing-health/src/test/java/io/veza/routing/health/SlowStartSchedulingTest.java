package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.ManualScheduler;
import io.veza.routing.health.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slow start runs by itself: once a server starts running again, each ramp step reaches the state hook when it is
 * due, with no health call, driven only by the tracker's {@link Scheduler}.
 */
class SlowStartSchedulingTest {
  static final long WAIT_SECONDS = 60;

  private record Published(TrackedServer.State state, long time) {}

  /** Weight 16, S = 16 s: the hook sees 1, 2, ..., 16 at t = 0, 1, ..., 15 s, and the ramp ends at t = 16 s. */
  @Test
  void eachOfTheSixteenStepsIsPublishedAtItsDueTimeByTheSchedulerAlone() {
    ManualTicker ticker = new ManualTicker(-5_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<Published> hook = new ArrayList<>();
    List<HealthEvent> events = new ArrayList<>();
    HealthTracker tracker = HealthTracker.builder().ticker(ticker).scheduler(scheduler)
        .listenerExecutor(Runnable::run).listener(events::add)
        .stateHook((s, previous, current) -> hook.add(new Published(current, ticker.read()))).build();
    long s = Duration.ofSeconds(16).toNanos();
    TrackedServer server = tracker.add("a", 16, HealthPolicy.builder().initialState(InitialState.DOWN)
        .slowStart(Duration.ofNanos(s)).build());
    long start = ticker.read();
    server.recordCheck(true); // the last health call
    assertEquals(1.0, server.state().effectiveWeight());
    scheduler.advance(Duration.ofSeconds(30));

    assertEquals(16, hook.size(), "one publication per step: " + hook);
    for (int k = 0; k < 16; k++) {
      Published p = hook.get(k);
      assertEquals(k + 1.0, p.state().effectiveWeight(), "step " + k);
      assertEquals(k * s / 16, p.time() - start, "step " + k + " published at t = k S / 16");
      assertEquals(OperationalState.UP, p.state().operational());
    }
    List<HealthEvent.Kind> kinds = events.stream().map(HealthEvent::kind).toList();
    assertEquals(List.of(HealthEvent.Kind.ADDED, HealthEvent.Kind.CAME_UP, HealthEvent.Kind.SLOW_START_FINISHED),
        kinds);
    HealthEvent finished = events.get(2);
    assertEquals(s, finished.timeNanos() - start, "the ramp ends at t = S");
    assertFalse(finished.current().slowStarting());
    assertEquals(16.0, finished.current().effectiveWeight());
    assertEquals(0, scheduler.pendingCount());
    assertEquals(16, scheduler.ranCount(), "the steps at t = 1..15 s and the end; the check published t = 0");
  }

  /**
   * A server that comes back up at the very reading its previous ramp started at still gets a ramp timer (it used to
   * keep 1/16 of its weight until another call on it).
   */
  @Test
  void aRampRestartedAtTheSameReadingStillRunsByItself() {
    ManualScheduler scheduler = new ManualScheduler(new ManualTicker(0));
    List<Double> hook = new ArrayList<>();
    HealthTracker tracker = HealthTracker.builder().ticker(scheduler.ticker()).scheduler(scheduler)
        .stateHook((s, previous, current) -> hook.add(current.effectiveWeight())).build();
    TrackedServer server = tracker.add("a", 16, HealthPolicy.builder().initialState(InitialState.DOWN)
        .slowStart(Duration.ofSeconds(16)).build());
    server.recordCheck(true); // ramp from reading 0
    server.forceHealth(OperationalState.DOWN);
    server.forceHealth(OperationalState.UP); // same reading: a new ramp from 0
    scheduler.advance(Duration.ofSeconds(16));
    assertEquals(16.0, server.state().effectiveWeight());
    assertEquals(List.of(1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0,
        15.0, 16.0), hook);
  }

  /**
   * The real thing: system ticker and {@link Scheduler#systemScheduler()}, a 320 ms ramp (16 steps of 20 ms). After
   * the check that starts it nothing calls the tracker; the hook must still see all 16 weights in order, each no
   * earlier than its step's time. Waiting is on the hook's queue with a generous bound (the machine may be slow), and
   * no assertion depends on how late a step is.
   */
  @Test
  void aRampOnTheSystemSchedulerPublishesItsStepsWithoutAnyCall() throws InterruptedException {
    BlockingQueue<Published> hook = new LinkedBlockingQueue<>();
    List<HealthEvent> events = new CopyOnWriteArrayList<>();
    HealthTracker tracker = HealthTracker.builder()
        .stateHook((s, previous, current) -> hook.add(new Published(current, System.nanoTime())))
        .listener(events::add).build();
    long s = Duration.ofMillis(320).toNanos();
    TrackedServer server = tracker.add("a", 16, HealthPolicy.builder().initialState(InitialState.DOWN)
        .slowStart(Duration.ofNanos(s)).build());
    long before = System.nanoTime();
    server.recordCheck(true);
    List<Published> seen = new ArrayList<>();
    while (seen.isEmpty() || seen.get(seen.size() - 1).state().effectiveWeight() < 16.0) {
      Published p = hook.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(p != null, "the ramp did not reach full weight within " + WAIT_SECONDS + " s: " + seen);
      seen.add(p);
    }
    // Every publication is a step of HAProxy's curve, in order, never before its time. A tick that a loaded machine
    // runs late publishes the step due then (a step in between is never seen, not published out of time), so the
    // count is not 16 exactly; it must still be a ramp made of many steps that nobody called for.
    double previous = 0;
    for (Published p : seen) {
      double w = p.state().effectiveWeight();
      int step = (int) w - 1;
      assertEquals(Math.rint(w), w, "a step of weight 16 is a whole number: " + seen);
      assertTrue(w > previous, "steps only go up: " + seen);
      assertTrue(p.time() - before >= step * s / 16, "step " + step + " not before its time: " + seen);
      previous = w;
    }
    assertTrue(seen.size() >= 8, "the ramp published its steps by itself, at least half of them: " + seen);
    assertEquals(16.0, server.state().effectiveWeight());
  }
}
