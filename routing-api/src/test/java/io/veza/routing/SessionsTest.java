package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Long-lived sessions: {@code on-marked-down shutdown-sessions} (DOWN, MAINT), shutdown on removal, {@code on-marked-up
 * shutdown-backup-sessions}, registration on a server already down or removed, callbacks run once, errors reported,
 * and a slow close callback cannot delay a state change reaching routing. Callbacks run on a direct executor here
 * (deterministic), except where the test is about a slow one.
 */
class SessionsTest {
  private final List<String> errors = new ArrayList<>();
  private static final Executor DIRECT = Runnable::run;

  private BackendPool pool(boolean shutdownSessions, boolean shutdownBackupSessions, boolean onRemoval) {
    return Pools.builder("ws")
        .shutdownSessionsOnMarkedDown(shutdownSessions)
        .shutdownBackupSessionsOnMarkedUp(shutdownBackupSessions)
        .shutdownSessionsOnRemoval(onRemoval)
        .sessionCloseExecutor(DIRECT)
        .sessionCloseErrorHandler((s, e) -> errors.add(s.id() + ": " + e.getMessage()))
        .server("a", Pools.addr(0))
        .server("b", Pools.addr(1))
        .server("bk", Pools.addr(2), s -> s.backup())
        .build();
  }

  private static Server server(BackendPool pool, String id) {
    return pool.server(id).orElseThrow();
  }

  @Test
  void markedDownClosesEverySessionOfThatServerOnce() {
    BackendPool pool = pool(true, false, true);
    Server a = server(pool, "a");
    Server b = server(pool, "b");
    AtomicInteger closedA = new AtomicInteger();
    AtomicInteger closedB = new AtomicInteger();
    List<SessionRegistration> regs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      regs.add(pool.registerSession(a, closedA::incrementAndGet));
      pool.registerSession(b, closedB::incrementAndGet);
    }
    regs.get(0).close(); // ended by itself: unregistered, callback not run
    pool.registerSession(a, () -> {
      throw new IllegalStateException("boom");
    });
    assertEquals(5, pool.sessionCount(a));
    a.health().recordCheck(false); // a goes DOWN
    assertEquals(4, closedA.get());
    assertEquals(0, closedB.get());
    assertEquals(List.of("a: boom"), errors);
    assertEquals(0, pool.sessionCount(a));
    assertFalse(regs.get(1).isRegistered());
    regs.get(1).close(); // idempotent after shutdown
    a.health().recordCheck(false);
    assertEquals(4, closedA.get(), "callbacks run once");
    ServerStats st = pool.stats().servers().get(0);
    assertEquals(0, st.sessionsCurrent());
    assertEquals(5, st.sessionsMax(), "5 at once: one ended before the sixth registered");
    assertEquals(6, st.sessionsTotal());
  }

  @Test
  void maintAndForcedDownCloseSessionsButDrainAndStoppingDoNot() {
    BackendPool pool = pool(true, false, true);
    AtomicInteger closed = new AtomicInteger();
    pool.registerSession(server(pool, "b"), closed::incrementAndGet);
    pool.setAdminState("b", AdminState.DRAIN);
    pool.setHealth("b", OperationalState.STOPPING);
    pool.setWeight("b", 0);
    assertEquals(0, closed.get(), "DRAIN, STOPPING and weight 0 keep their sticky sessions");
    pool.setAdminState("b", AdminState.MAINT);
    assertEquals(1, closed.get());
    pool.setAdminState("b", AdminState.READY);
    pool.registerSession(server(pool, "b"), closed::incrementAndGet);
    pool.setHealth("b", OperationalState.DOWN);
    assertEquals(2, closed.get());
  }

  @Test
  void registeringOnAServerAlreadyDownOrRemovedClosesAtOnce() {
    BackendPool pool = pool(true, false, true);
    Server a = server(pool, "a");
    pool.setHealth("a", OperationalState.DOWN);
    AtomicInteger closed = new AtomicInteger();
    SessionRegistration r = pool.registerSession(a, closed::incrementAndGet);
    assertEquals(1, closed.get(), "a DOWN server with shutdown-sessions: closed at once");
    assertFalse(r.isRegistered());
    Server b = server(pool, "b");
    pool.remove("b");
    SessionRegistration late = pool.registerSession(b, closed::incrementAndGet);
    assertEquals(2, closed.get(), "a removed server: closed at once");
    assertFalse(late.isRegistered());
  }

  @Test
  void removalClosesSessionsUnlessConfiguredOtherwise() {
    BackendPool on = pool(false, false, true);
    AtomicInteger closed = new AtomicInteger();
    on.registerSession(server(on, "a"), closed::incrementAndGet);
    on.remove("a");
    assertEquals(1, closed.get());
    BackendPool off = pool(false, false, false);
    Server a = server(off, "a");
    off.registerSession(a, closed::incrementAndGet);
    off.remove("a");
    assertEquals(1, closed.get());
    assertEquals(1, off.sessionCount(a));
  }

  @Test
  void withoutShutdownSessionsNothingIsClosed() {
    BackendPool pool = pool(false, false, true);
    AtomicInteger closed = new AtomicInteger();
    Server a = server(pool, "a");
    pool.registerSession(a, closed::incrementAndGet);
    a.health().recordCheck(false);
    assertEquals(0, closed.get());
    assertEquals(1, pool.sessionCount(a));
  }

  @Test
  void anActiveComingUpClosesBackupSessions() {
    BackendPool pool = pool(false, true, true);
    server(pool, "a").health().recordCheck(false);
    server(pool, "b").health().recordCheck(false);
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(RouteDecision.Reason.BACKUP, d.reason());
    AtomicInteger closedBackup = new AtomicInteger();
    AtomicInteger closedActive = new AtomicInteger();
    pool.registerSession(d.server(), closedBackup::incrementAndGet);
    pool.registerSession(server(pool, "a"), closedActive::incrementAndGet);
    server(pool, "b").health().recordCheck(true);
    assertEquals(0, closedBackup.get(), "rise 2: not up yet");
    server(pool, "b").health().recordCheck(true);
    assertEquals(1, closedBackup.get());
    assertEquals(0, closedActive.get());
    assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
  }

  /**
   * A close callback that takes 2 s does not delay the change reaching routing: routing already avoids the server when
   * setAdminState returns, while the callback is still running on the close executor.
   */
  @Test
  void aSlowCloseCallbackDoesNotDelayTheStateChange() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BackendPool pool = Pools.builder("ws").shutdownSessionsOnMarkedDown(true)
        .server("a", Pools.addr(0)).server("b", Pools.addr(1)).build(); // default close executor: its own threads
    pool.registerSession(server(pool, "a"), () -> {
      entered.countDown();
      try {
        release.await(2, TimeUnit.SECONDS); // a slow callback (2 s unless released)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    pool.setAdminState("a", AdminState.MAINT);
    // right after the call returns: no route goes to a, although the callback may not even have started
    for (int i = 0; i < 20; i++) {
      assertEquals("b", Pools.id(pool.route(TestRequest.get("/"))));
    }
    assertTrue(entered.await(30, TimeUnit.SECONDS), "the callback runs, on its own thread");
    assertEquals(1L, release.getCount(), "and it was still running while routing had the change");
    release.countDown();
  }
}
