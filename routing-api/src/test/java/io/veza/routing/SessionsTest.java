package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.AdminState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final List<String> errors = new ArrayList<>();

  private BackendPool pool(boolean shutdownSessions, boolean shutdownBackupSessions) {
    return BackendPool.builder("ws").ticker(new ManualTicker())
        .shutdownSessionsOnMarkedDown(shutdownSessions)
        .shutdownBackupSessionsOnMarkedUp(shutdownBackupSessions)
        .sessionCloseErrorHandler((s, e) -> errors.add(s.id() + ": " + e.getMessage()))
        .server("a", Pools.addr(0))
        .server("b", Pools.addr(1))
        .server("bk", Pools.addr(2), s -> s.backup())
        .build();
  }

  @Test
  void markedDownClosesEverySessionOfThatServerOnce() {
    BackendPool pool = pool(true, false);
    Server a = pool.servers().get(0);
    Server b = pool.servers().get(1);
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
    pool.health().recordCheck(0, false); // a goes DOWN
    assertEquals(4, closedA.get());
    assertEquals(0, closedB.get());
    assertEquals(List.of("a: boom"), errors);
    assertEquals(0, pool.sessionCount(a));
    assertFalse(regs.get(1).isRegistered());
    regs.get(1).close(); // idempotent after shutdown
    pool.health().recordCheck(0, false);
    assertEquals(4, closedA.get(), "callbacks run once");
  }

  @Test
  void maintenanceOfAnAlreadyDownServerClosesPersistedSessions() {
    BackendPool pool = pool(true, false);
    Server a = pool.servers().get(0);
    pool.health().recordCheck(0, false);
    AtomicInteger closed = new AtomicInteger();
    SessionRegistration r = pool.registerSession(a, closed::incrementAndGet);
    assertEquals(1, closed.get(), "registering on a DOWN server with shutdown-sessions closes at once");
    assertFalse(r.isRegistered());
  }

  @Test
  void maintClosesSessions() {
    BackendPool pool = pool(true, false);
    AtomicInteger closed = new AtomicInteger();
    pool.registerSession(pool.servers().get(1), closed::incrementAndGet);
    pool.health().setAdminState(1, AdminState.MAINT);
    assertEquals(1, closed.get());
  }

  @Test
  void withoutShutdownSessionsNothingIsClosed() {
    BackendPool pool = pool(false, false);
    AtomicInteger closed = new AtomicInteger();
    pool.registerSession(pool.servers().get(0), closed::incrementAndGet);
    pool.health().recordCheck(0, false);
    assertEquals(0, closed.get());
    assertEquals(1, pool.sessionCount(pool.servers().get(0)));
  }

  @Test
  void activeComingUpClosesBackupSessions() {
    BackendPool pool = pool(false, true);
    pool.health().recordCheck(0, false);
    pool.health().recordCheck(1, false);
    RouteDecision d = pool.route(TestRequest.get("/"));
    assertEquals(RouteDecision.Reason.BACKUP, d.reason());
    AtomicInteger closedBackup = new AtomicInteger();
    AtomicInteger closedActive = new AtomicInteger();
    pool.registerSession(d.server(), closedBackup::incrementAndGet);
    pool.registerSession(pool.servers().get(0), closedActive::incrementAndGet);
    pool.health().recordCheck(1, true);
    assertEquals(0, closedBackup.get(), "rise 2: not up yet");
    pool.health().recordCheck(1, true);
    assertEquals(1, closedBackup.get());
    assertEquals(0, closedActive.get());
    assertTrue(pool.route(TestRequest.get("/")).server().index() == 1);
  }

  @Test
  void foreignServerIsRejected() {
    BackendPool pool = pool(true, false);
    Server foreign = new Server(0, "x", Pools.addr(9), null, 1, false,
        io.veza.routing.health.HealthPolicy.defaults());
    try {
      pool.registerSession(foreign, () -> { });
      throw new AssertionError("expected IllegalArgumentException");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("must belong to pool ws"));
    }
  }
}
