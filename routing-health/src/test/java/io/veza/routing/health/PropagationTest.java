package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 3: a change is visible to routing (the server's state and the synchronous {@link
 * HealthTracker.StateHook}) before the call that made it returns, whatever the listeners do; a slow, stuck or
 * throwing ({@link Error} included) listener delays and loses nothing of the others and never reaches the caller.
 * Waits are on conditions the listeners signal, bounded by {@value #WAIT_SECONDS} s; no sleep waits for a result.
 */
class PropagationTest {
  static final long WAIT_SECONDS = 60;

  /** Records the events it gets and lets a test wait for a count. */
  static class Recorder implements HealthListener {
    final List<HealthEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(HealthEvent e) {
      events.add(e);
      notifyAll();
    }

    synchronized List<HealthEvent> awaitCount(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (events.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("only " + events.size() + " of " + n + " events within " + WAIT_SECONDS + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return List.copyOf(events);
    }

    synchronized int count() {
      return events.size();
    }
  }

  /** Throws an AssertionError on every other event and an OutOfMemoryError on the rest. */
  static final class Throwing implements HealthListener {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onEvent(HealthEvent e) {
      if (calls.incrementAndGet() % 2 == 0) {
        throw new AssertionError("listener bug on " + e.sequence());
      }
      throw new OutOfMemoryError("simulated, on " + e.sequence());
    }
  }

  private static HealthPolicy flappy() {
    return HealthPolicy.builder().rise(1).fall(1).build();
  }

  @Test
  void slowStuckAndThrowingListenersDelayAndLoseNothingElse() throws InterruptedException {
    CountDownLatch stuckEntered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Recorder slow = new Recorder() {
      @Override
      public void onEvent(HealthEvent e) {
        if (e.sequence() == 2) {
          sleep(Duration.ofSeconds(2)); // a listener that takes 2 s
        }
        super.onEvent(e);
      }
    };
    HealthListener stuck = e -> {
      stuckEntered.countDown();
      awaitUninterruptibly(never); // blocks for the whole test
    };
    Throwing throwing = new Throwing();
    Recorder good = new Recorder();
    List<TrackedServer.State> hook = new CopyOnWriteArrayList<>();
    HealthTracker tracker = HealthTracker.builder() // default listener executor
        .listener(slow).listener(stuck).listener(throwing).listener(good)
        .stateHook((s, previous, current) -> hook.add(current)).build();
    try {
      TrackedServer s = tracker.add("a", 10, flappy());
      List<String> expected = new ArrayList<>(List.of("ADDED"));
      for (int i = 0; i < 20; i++) {
        if (i % 5 == 4) {
          boolean wasUp = s.state().isUp();
          s.setAdminState(AdminState.MAINT);
          assertEquals(AdminState.MAINT, s.state().admin(), "visible before setAdminState returned");
          assertSame(s.state(), hook.get(hook.size() - 1), "the hook ran before the call returned");
          expected.add("ADMIN_STATE_CHANGED");
          if (wasUp) {
            expected.add("WENT_DOWN");
          }
          s.setAdminState(AdminState.READY);
          assertTrue(s.state().isUp(), "visible before setAdminState returned");
          expected.add("ADMIN_STATE_CHANGED");
          expected.add("CAME_UP");
        } else {
          boolean up = s.state().isUp();
          s.recordCheck(!up);
          assertEquals(!up, s.state().isUp(), "visible before recordCheck returned");
          expected.add(up ? "WENT_DOWN" : "CAME_UP");
        }
        assertSame(s.state(), hook.get(hook.size() - 1), "the hook ran before the call returned");
      }
      assertTrue(stuckEntered.await(WAIT_SECONDS, TimeUnit.SECONDS), "the stuck listener got its first event");

      List<HealthEvent> got = good.awaitCount(expected.size());
      assertEquals(expected, got.stream().map(e -> e.kind().name()).toList(), "every event, in order");
      assertSequence(got);
      assertEquals(1, never.getCount(), "the stuck listener is still stuck: nobody waited for it");
      List<HealthEvent> slowGot = slow.awaitCount(expected.size());
      assertSequence(slowGot);
      awaitCondition(() -> throwing.calls.get() == expected.size(), "the throwing listener got every event");
      assertEquals(16 + 4 * 2, hook.size(), "one hook call per call: each of them changed the state once");
    } finally {
      never.countDown(); // let the pool thread go once the test is over
    }
  }

  /** On the caller's thread too ({@code Runnable::run}): an Error from a listener or the hook stays inside. */
  @Test
  void errorsFromListenersAndTheHookNeverReachTheCaller() {
    Throwing throwing = new Throwing();
    Recorder good = new Recorder();
    List<TrackedServer.State> hook = new ArrayList<>();
    HealthTracker tracker = HealthTracker.builder().listenerExecutor(Runnable::run)
        .listener(throwing).listener(good)
        .stateHook((s, previous, current) -> {
          hook.add(current);
          throw new AssertionError("router bug");
        }).build();
    TrackedServer s = tracker.add("a", 10, flappy());
    s.recordCheck(false); // would throw here if anything escaped
    s.setAdminState(AdminState.MAINT);
    s.setAdminState(AdminState.READY);
    assertTrue(s.state().isUp());
    assertEquals(3, hook.size(), "the hook's Error undid nothing and stopped nothing");
    assertSame(s.state(), hook.get(2));
    assertEquals(List.of("ADDED", "WENT_DOWN", "ADMIN_STATE_CHANGED", "ADMIN_STATE_CHANGED", "CAME_UP"),
        good.events.stream().map(e -> e.kind().name()).toList());
    assertEquals(5, throwing.calls.get());
  }

  /**
   * A listener that stops taking events keeps {@link HealthTracker#LISTENER_QUEUE_CAPACITY} of them and loses only
   * its own newer ones: the other listener gets everything, and the blocked one resumes in order once unblocked.
   * (The producer lets the good listener catch up every 10,000 events: a burst larger than the capacity overflows
   * any listener that cannot keep up with it, by design.)
   */
  @Test
  void aListenerThatOverflowsItsQueueLosesOnlyItsOwnEvents() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder blocked = new Recorder() {
      @Override
      public void onEvent(HealthEvent e) {
        super.onEvent(e);
        if (e.sequence() == 1) {
          entered.countDown();
          awaitUninterruptibly(release);
        }
      }
    };
    Recorder good = new Recorder();
    HealthTracker tracker = HealthTracker.builder().listener(blocked).listener(good).build();
    try {
      TrackedServer s = tracker.add("a", 1, flappy()); // event 1: ADDED, on which `blocked` stops
      assertTrue(entered.await(WAIT_SECONDS, TimeUnit.SECONDS));
      int overflow = 1000;
      int more = HealthTracker.LISTENER_QUEUE_CAPACITY + overflow;
      for (int i = 0; i < more; i++) {
        s.recordCheck(i % 2 == 1); // one transition each
        if (i % 10_000 == 9_999) {
          good.awaitCount(2 + i); // the good listener keeps up: only the blocked one's queue fills
        }
      }
      int total = 1 + more;
      List<HealthEvent> all = good.awaitCount(total);
      assertSequence(all);
      assertEquals(1, blocked.count(), "still blocked");
      release.countDown();
      List<HealthEvent> kept = blocked.awaitCount(1 + HealthTracker.LISTENER_QUEUE_CAPACITY);
      assertSequence(kept); // 1 .. CAPACITY + 1: the oldest kept, the newest dropped
      s.recordCheck(false);
      List<HealthEvent> after = blocked.awaitCount(kept.size() + 1);
      assertEquals(total + 1, after.get(after.size() - 1).sequence(), "delivery goes on after the overflow");
      assertEquals(total + 1, good.awaitCount(total + 1).size());
    } finally {
      release.countDown();
    }
  }

  private static void assertSequence(List<HealthEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).sequence(), "contiguous, in order");
    }
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Object monitor = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + WAIT_SECONDS + " s");
      }
      synchronized (monitor) {
        monitor.wait(5); // polls a counter the code under test moves; no result depends on this pause
      }
    }
  }

  static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
