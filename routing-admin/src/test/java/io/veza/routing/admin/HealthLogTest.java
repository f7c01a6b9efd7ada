package io.veza.routing.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.BackendPool;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.CheckStatus;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health transitions logged in HAProxy's words (src/server.c srv_update_status, srv_append_status). */
@SuppressWarnings("try") // the log stays installed for the block and is removed at its end
class HealthLogTest {
  private final TestPools.ManualTicker ticker = new TestPools.ManualTicker();
  private final List<String> lines = new ArrayList<>();
  private final List<System.Logger.Level> levels = new ArrayList<>();
  private BackendPool api;
  private HealthLog log;

  @BeforeEach
  void setUp() {
    api = TestPools.api(ticker);
    TestPools.pass(api, "backend-api-1", 1);
    TestPools.pass(api, "backend-api-2", 1);
    log = HealthLog.install(api, (level, line) -> {
      levels.add(level);
      lines.add(line);
    });
  }

  @AfterEach
  void tearDown() {
    log.close();
    api.close();
  }

  @Test
  void downByChecksThenUpAgain() {
    TestPools.fail(api, "backend-api-1", 3);
    TestPools.pass(api, "backend-api-1", 2);
    assertEquals(List.of(
        "Server backend-api/backend-api-1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
            + "check duration: 0ms. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in "
            + "queue.",
        "Server backend-api/backend-api-1 is UP, reason: Layer4 check passed, check duration: 0ms. 2 active and 1 "
            + "backup servers online. 0 sessions requeued, 0 total in queue."), lines);
    assertEquals(List.of(System.Logger.Level.WARNING, System.Logger.Level.INFO), levels);
  }

  @Test
  void theIssuesExampleWithoutBackupAndHttpCodes() {
    BackendPool pool = BackendPool.builder("backend-api").ticker(ticker).listenerExecutor(Runnable::run)
        .server("backend-api-1", TestPools.addr(1)).server("backend-api-2", TestPools.addr(2)).build();
    List<String> out = new ArrayList<>();
    try (HealthLog l = HealthLog.install(pool, (level, line) -> out.add(line))) {
      pool.server("backend-api-1").orElseThrow().health().recordCheck(TestPools.REFUSED);
      pool.server("backend-api-2").orElseThrow().health()
          .recordCheck(CheckResult.of(CheckStatus.L7_WRONG_STATUS, 503, "Service Unavailable", 12_400_000L));
    }
    assertEquals(List.of(
        "Server backend-api/backend-api-1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
            + "check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in "
            + "queue.",
        "Server backend-api/backend-api-2 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service "
            + "Unavailable\", check duration: 12ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
            + "0 remaining in queue.",
        "backend backend-api has no server available!"), out);
    pool.close();
  }

  @Test
  void maintenanceAndDrain() {
    api.setAdminState("backend-api-1", AdminState.MAINT);
    api.setAdminState("backend-api-1", AdminState.READY);
    api.setAdminState("backend-api-2", AdminState.DRAIN);
    api.setAdminState("backend-api-2", AdminState.READY);
    TestPools.fail(api, "backend-api-2", 3);
    api.setAdminState("backend-api-2", AdminState.MAINT);
    assertEquals(List.of(
        "Server backend-api/backend-api-1 is going DOWN for maintenance. 1 active and 1 backup servers left. "
            + "0 sessions active, 0 requeued, 0 remaining in queue.",
        "Server backend-api/backend-api-1 is UP/READY (leaving forced maintenance).",
        "Server backend-api/backend-api-2 enters drain state. 1 active and 1 backup servers online. 0 sessions "
            + "requeued, 0 total in queue.",
        "Server backend-api/backend-api-2 is UP (leaving forced drain).",
        "Server backend-api/backend-api-2 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
            + "check duration: 0ms. 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in "
            + "queue.",
        "Server backend-api/backend-api-2 was DOWN and now enters maintenance."), lines);
  }

  @Test
  void forcedFromTheCliAndBackups() {
    api.setHealth("backend-api-1", OperationalState.DOWN);
    api.setHealth("backend-api-2", OperationalState.DOWN);
    api.setAdminState("backup-1", AdminState.MAINT);
    api.setHealth("backend-api-1", OperationalState.UP);
    api.setHealth("backend-api-2", OperationalState.STOPPING);
    assertEquals(List.of(
        "Server backend-api/backend-api-1 is DOWN, changed from CLI. 1 active and 1 backup servers left. 0 sessions "
            + "active, 0 requeued, 0 remaining in queue.",
        "Server backend-api/backend-api-2 is DOWN, changed from CLI. 0 active and 1 backup servers left. Running on "
            + "backup. 0 sessions active, 0 requeued, 0 remaining in queue.",
        "Backup Server backend-api/backup-1 is going DOWN for maintenance. 0 active and 0 backup servers left. "
            + "0 sessions active, 0 requeued, 0 remaining in queue.",
        "backend backend-api has no server available!",
        "Server backend-api/backend-api-1 is UP, changed from CLI. 1 active and 0 backup servers online. 0 sessions "
            + "requeued, 0 total in queue.",
        "Server backend-api/backend-api-2 is stopping, changed from CLI. 1 active and 0 backup servers online. "
            + "0 sessions requeued, 0 total in queue."), lines);
  }
}
