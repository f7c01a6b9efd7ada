package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.ManualScheduler;
import io.veza.routing.health.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads mutate servers while others read them, with time and slow-start steps moving on their own thread: each
 * listener gets every event once, in sequence order, never concurrently; the state hook sees each server's changes
 * in order; no reader sees an inconsistent state or a counter out of range. Membership changes concurrently with
 * checks: nothing throws, no event of a server precedes its ADDED or follows its REMOVED, and no server reaches the
 * hook after its removal completed. Bounded operation counts; waits are on a sentinel event, bounded.
 */
class HealthTrackerConcurrencyTest {
  static final int SERVERS = 4;
  static final int WRITERS = 4;
  static final int READERS = 2;
  static final int OPS = 20_000;
  static final long WAIT_SECONDS = 120;

  /** A listener that records everything and notices overlapping calls. */
  static final class Recorder implements HealthListener {
    final List<HealthEvent> events = new ArrayList<>(); // deliberately unsynchronized: delivery is serial
    final AtomicInteger inside = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final CountDownLatch sentinel = new CountDownLatch(1);

    @Override
    public void onEvent(HealthEvent e) {
      if (inside.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      events.add(e);
      if (e.kind() == HealthEvent.Kind.ADDED && e.serverId().equals("sentinel")) {
        sentinel.countDown();
      }
      inside.decrementAndGet();
    }

    /** Adds a server named "sentinel" and waits for its ADDED: every earlier event has then been delivered. */
    List<HealthEvent> drain(HealthTracker tracker) throws InterruptedException {
      if (tracker.server("sentinel").isEmpty()) {
        tracker.add("sentinel", 1, HealthPolicy.defaults());
      }
      assertTrue(sentinel.await(WAIT_SECONDS, TimeUnit.SECONDS), "events delivered within " + WAIT_SECONDS + " s");
      assertFalse(overlapped.get(), "listener called concurrently");
      for (int k = 0; k < events.size(); k++) {
        assertEquals(k + 1, events.get(k).sequence(), "sequence 1, 2, 3, ...: nothing lost, nothing duplicated");
      }
      return events;
    }
  }

  @Test
  void writersReadersAndTimeOnManyServers() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    HealthPolicy policy = HealthPolicy.builder().rise(2).fall(2).observe(ObserveMode.LAYER7).errorLimit(2)
        .onError(OnErrorAction.SUDDEN_DEATH).slowStart(Duration.ofMillis(160)).build();
    Map<TrackedServer, List<TrackedServer.State[]>> hooked = new ConcurrentHashMap<>();
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    HealthTracker tracker = HealthTracker.builder().ticker(ticker).scheduler(scheduler).listener(first)
        .listener(second).stateHook((s, previous, current) -> hooked.computeIfAbsent(s,
            k -> Collections.synchronizedList(new ArrayList<>())).add(new TrackedServer.State[] {previous, current}))
        .build();
    List<TrackedServer> servers = new ArrayList<>();
    Map<TrackedServer, TrackedServer.State> initial = new HashMap<>();
    for (int i = 0; i < SERVERS; i++) {
      TrackedServer s = tracker.add("s" + i, 10, policy);
      servers.add(s);
      initial.put(s, s.state());
    }
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger writersLeft = new AtomicInteger(WRITERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < WRITERS; w++) {
      Random random = new Random(42 + w);
      threads.add(new Thread(() -> {
        await(start);
        try {
          for (int k = 0; k < OPS; k++) {
            TrackedServer s = servers.get(random.nextInt(SERVERS));
            switch (random.nextInt(10)) {
              case 0, 1, 2 -> s.recordCheck(true);
              case 3, 4 -> s.recordCheck(false);
              case 5 -> s.observeHttpStatus(503);
              case 6 -> s.observeHttpStatus(200);
              case 7 -> s.observeConnect(false);
              case 8 -> s.setWeight(random.nextInt(4) == 0 ? 0 : 10);
              default -> {
                if (random.nextInt(10) == 0) {
                  s.setAdminState(AdminState.values()[random.nextInt(3)]);
                } else {
                  s.forceHealth(OperationalState.values()[random.nextInt(3)]);
                }
              }
            }
          }
        } finally {
          writersLeft.decrementAndGet();
        }
      }, "writer-" + w));
    }
    threads.add(new Thread(() -> { // time: slow-start steps publish from here, concurrently with the writers
      await(start);
      while (writersLeft.get() > 0) {
        scheduler.advance(Duration.ofMillis(7));
      }
    }, "time"));
    for (int r = 0; r < READERS; r++) {
      threads.add(new Thread(() -> {
        await(start);
        while (writersLeft.get() > 0) {
          for (TrackedServer s : servers) {
            TrackedServer.State st = s.state();
            if (!st.isUp() && st.effectiveWeight() != 0) {
              problems.add("DOWN with an effective weight " + st);
            }
            if (st.effectiveWeight() > st.weight() || st.effectiveWeight() < 0) {
              problems.add("effective weight out of range " + st);
            }
            if (st.isBalanceable() != (st.operational() == OperationalState.UP && st.admin() == AdminState.READY
                && st.effectiveWeight() > 0)) {
              problems.add("inconsistent state " + st);
            }
            ServerStatus status = s.status();
            if (status.health() < 0 || status.health() > policy.maxHealth()
                || status.up() != (status.health() >= policy.rise() && status.admin() != AdminState.MAINT)
                || status.consecutiveErrors() < 0 || status.consecutiveErrors() >= policy.errorLimit()) {
              problems.add("status out of range " + status);
            }
            CheckCounters c = s.counters();
            if (c.checksFailed() < 0 || c.downTransitions() < 0 || c.downTransitions() > c.checksFailed()
                + c.observedFailures() + 4L * OPS || c.downtimeNanos() < 0 || c.sinceLastChangeNanos() < 0) {
              problems.add("counters out of range " + c);
            }
          }
        }
      }, "reader-" + r));
    }
    threads.forEach(t -> t.setUncaughtExceptionHandler((th, e) -> failures.add(e)));
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(t.isAlive(), t.getName() + " did not finish within " + WAIT_SECONDS + " s");
    }
    assertTrue(failures.isEmpty(), () -> "thread failed: " + failures);
    assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.peek());

    List<HealthEvent> events = first.drain(tracker);
    List<HealthEvent> other = second.drain(tracker);
    assertEquals(events, other, "every listener sees the same events in the same order");
    int transitions = 0;
    for (TrackedServer s : servers) {
      // the hook: each change starts where the previous one ended, and ends where the server is now
      TrackedServer.State last = initial.get(s);
      for (TrackedServer.State[] change : hooked.getOrDefault(s, List.of())) {
        assertEquals(last, change[0], "hook chain of " + s.id());
        last = change[1];
      }
      assertEquals(last, s.state(), "the hook's last current is the state of " + s.id());
      // events: WENT_DOWN and coming back (CAME_UP or STOPPING from DOWN) alternate
      boolean up = true;
      int wentDown = 0;
      for (HealthEvent e : events) {
        if (e.server() != s) {
          continue;
        }
        if (e.kind() == HealthEvent.Kind.WENT_DOWN) {
          assertTrue(up, "WENT_DOWN while down");
          up = false;
          wentDown++;
          transitions++;
        } else if ((e.kind() == HealthEvent.Kind.CAME_UP || e.kind() == HealthEvent.Kind.STOPPING)
            && !e.previous().up()) {
          assertFalse(up, "came up while up");
          up = true;
          transitions++;
        }
      }
      assertEquals(s.state().isUp(), up, "final state of " + s.id() + " implied by its events");
      assertEquals(wentDown, s.counters().downTransitions(), "chkdown counts every UP -> DOWN of " + s.id());
    }
    assertTrue(transitions > 1000, "the run must actually exercise transitions, had " + transitions);
  }

  @Test
  void membershipChangesWhileChecksAreRecorded() throws Exception {
    Set<TrackedServer> removalCompleted = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger hookCalls = new AtomicInteger();
    Recorder recorder = new Recorder();
    HealthTracker tracker = HealthTracker.builder().listener(recorder).stateHook((s, previous, current) -> {
      hookCalls.incrementAndGet();
      if (removalCompleted.contains(s)) {
        problems.add("hook called for " + s.id() + " after its removal completed: " + current);
      }
    }).build();
    HealthPolicy policy = HealthPolicy.builder().rise(1).fall(1).build();
    String[] ids = {"a", "b", "c", "d", "e", "f"};
    int rounds = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean running = new AtomicBoolean(true);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    threads.add(new Thread(() -> {
      await(start);
      Random random = new Random(7);
      try {
        for (int k = 0; k < rounds; k++) {
          String id = ids[random.nextInt(ids.length)];
          var present = tracker.server(id);
          if (present.isPresent()) {
            TrackedServer s = present.get();
            assertTrue(tracker.remove(s));
            removalCompleted.add(s);
          } else {
            tracker.add(id, 1 + random.nextInt(5), policy);
          }
        }
      } finally {
        running.set(false);
      }
    }, "membership"));
    for (int w = 0; w < 3; w++) {
      Random random = new Random(100 + w);
      threads.add(new Thread(() -> {
        await(start);
        List<TrackedServer> stale = new ArrayList<>();
        while (running.get()) {
          tracker.server(ids[random.nextInt(ids.length)]).ifPresent(s -> {
            s.recordCheck(random.nextBoolean());
            if (random.nextInt(50) == 0) {
              s.setAdminState(random.nextBoolean() ? AdminState.MAINT : AdminState.READY);
            }
            if (stale.size() < 32) {
              stale.add(s);
            }
          });
          if (!stale.isEmpty()) { // handles kept after their server may have left: results still reported
            stale.get(random.nextInt(stale.size())).recordCheck(random.nextBoolean());
          }
          for (TrackedServer s : tracker.servers()) {
            TrackedServer.State st = s.state(); // one read: the state is one immutable value
            if (st.isUp() == (st.effectiveWeight() == 0 && st.weight() > 0)) {
              problems.add("inconsistent " + st);
            }
          }
        }
      }, "checks-" + w));
    }
    threads.forEach(t -> t.setUncaughtExceptionHandler((th, e) -> failures.add(e)));
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(t.isAlive(), t.getName() + " did not finish within " + WAIT_SECONDS + " s");
    }
    assertTrue(failures.isEmpty(), () -> "thread failed: " + failures);
    assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.peek());
    assertTrue(hookCalls.get() > 1000, "checks changed states concurrently, had " + hookCalls.get());

    List<HealthEvent> events = recorder.drain(tracker);
    Map<TrackedServer, Boolean> present = new IdentityHashMap<>(); // true between ADDED and REMOVED
    int removed = 0;
    for (HealthEvent e : events) {
      Boolean in = present.get(e.server());
      switch (e.kind()) {
        case ADDED -> {
          assertEquals(null, in, "one ADDED per server, first: " + e);
          present.put(e.server(), true);
        }
        case REMOVED -> {
          assertEquals(Boolean.TRUE, in, "REMOVED of a present server: " + e);
          present.put(e.server(), false);
          removed++;
        }
        default -> assertEquals(Boolean.TRUE, in, "an event between ADDED and REMOVED: " + e);
      }
    }
    assertEquals(removalCompleted.size(), removed);
    for (TrackedServer s : tracker.servers()) {
      assertSame(Boolean.TRUE, present.get(s), s.id());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
