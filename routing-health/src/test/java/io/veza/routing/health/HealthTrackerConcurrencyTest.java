package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads mutate the same servers while others read snapshots: every transition is told exactly once and in
 * order, snapshots are never torn, counters stay in range. Bounded op counts, no sleeps.
 */
class HealthTrackerConcurrencyTest {
  static final int SERVERS = 4;
  static final int WRITERS = 4;
  static final int READERS = 2;
  static final int OPS = 20_000;

  @Test
  void noLostOrDuplicatedEventsAndNoTornSnapshots() throws Exception {
    ManualTicker ticker = new ManualTicker();
    HealthPolicy policy = HealthPolicy.builder().rise(2).fall(2).observe(ObserveMode.LAYER7).errorLimit(2)
        .onError(OnErrorAction.SUDDEN_DEATH).slowStart(Duration.ofSeconds(1)).build();
    HealthTracker.Builder b = HealthTracker.builder().ticker(ticker);
    for (int i = 0; i < SERVERS; i++) {
      b.addServer("s" + i, 10, policy);
    }
    List<HealthEvent> events = new ArrayList<>(); // deliberately not thread-safe: delivery is serial
    AtomicInteger inside = new AtomicInteger();
    AtomicBoolean overlapped = new AtomicBoolean();
    b.listener(e -> {
      if (inside.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      events.add(e);
      inside.decrementAndGet();
    });
    HealthTracker tracker = b.build();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      Random random = new Random(42 + w);
      threads.add(new Thread(() -> {
        await(start);
        for (int k = 0; k < OPS; k++) {
          int s = random.nextInt(SERVERS);
          switch (random.nextInt(10)) {
            case 0, 1, 2 -> tracker.recordCheck(s, true);
            case 3, 4 -> tracker.recordCheck(s, false);
            case 5 -> tracker.observeHttpStatus(s, 503);
            case 6 -> tracker.observeHttpStatus(s, 200);
            case 7 -> tracker.observeConnect(s, false);
            case 8 -> ticker.advanceNanos(7_000_000);
            default -> {
              if (random.nextInt(20) == 0) {
                tracker.setAdminState(s, AdminState.values()[random.nextInt(3)]);
              } else {
                tracker.refresh();
              }
            }
          }
        }
      }, "writer-" + w));
    }
    for (int r = 0; r < READERS; r++) {
      threads.add(new Thread(() -> {
        await(start);
        long lastVersion = -1;
        while (writing.get()) {
          HealthSnapshot snap = tracker.snapshot();
          if (snap.version() < lastVersion) {
            problems.add("version went back " + lastVersion + " -> " + snap.version());
          }
          lastVersion = snap.version();
          for (int i = 0; i < snap.size(); i++) {
            boolean expected = snap.isUp(i) && snap.adminState(i) == AdminState.READY && snap.effectiveWeight(i) > 0;
            if (snap.isBalanceable(i) != expected) {
              problems.add("torn snapshot " + snap);
            }
            if (!snap.isUp(i) && snap.effectiveWeight(i) != 0) {
              problems.add("DOWN server with weight " + snap);
            }
            ServerStatus st = tracker.status(i);
            if (st.health() < 0 || st.health() > policy.maxHealth() || st.up() != (st.health() >= policy.rise())) {
              problems.add("counter out of range " + st);
            }
          }
        }
      }, "reader-" + r));
    }
    threads.forEach(Thread::start);
    start.countDown();
    for (int w = 0; w < WRITERS; w++) {
      threads.get(w).join();
    }
    writing.set(false);
    for (Thread t : threads) {
      t.join();
    }
    tracker.refresh(); // drains anything left
    assertTrue(problems.isEmpty(), () -> problems.peek());
    assertFalse(overlapped.get(), "listener called concurrently");

    // sequence numbers 1..N, contiguous: nothing lost, nothing duplicated
    for (int k = 0; k < events.size(); k++) {
      assertEquals(k + 1, events.get(k).sequence());
    }
    // per server: each event's previous state is the previous event's current state; UP/DOWN alternate
    int transitions = 0;
    for (int s = 0; s < SERVERS; s++) {
      ServerStatus last = null;
      ServerStatus lastPrevious = null;
      boolean up = true;
      for (HealthEvent e : events) {
        if (e.server() != s) {
          continue;
        }
        // events of one operation share their previous status; a new operation starts where the last one ended
        if (last != null && e.previous() != lastPrevious) {
          assertEquals(last.up(), e.previous().up(), "chain of " + s);
          assertEquals(last.admin(), e.previous().admin(), "chain of " + s);
        }
        if (e.kind() == HealthEvent.Kind.WENT_DOWN) {
          assertTrue(up, "WENT_DOWN while down");
          assertFalse(e.current().up());
          up = false;
          transitions++;
        } else if (e.kind() == HealthEvent.Kind.CAME_UP) {
          assertFalse(up, "CAME_UP while up");
          assertTrue(e.current().up());
          up = true;
          transitions++;
        }
        last = e.current();
        lastPrevious = e.previous();
      }
      assertEquals(tracker.status(s).up(), up, "final state of " + s + " implied by its events");
      assertEquals(up, tracker.snapshot().isUp(s));
    }
    assertTrue(transitions > 100, "the run must actually exercise transitions, had " + transitions);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
