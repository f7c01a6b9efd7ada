package io.veza.routing.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The failover acceptance run (issue 6) on real loopback sockets with short intervals: the same scenario as the
 * demo, every step asserted. Waits are on conditions (health events, acknowledgements) with deadlines.
 */
class FailoverScenarioTest {
  /** inter 150 ms, fall 3, rise 2, slow start 2 s, check timeout 500 ms (a cold first check must not time out). */
  static final VezaPlatform.Timings TIMINGS =
      new VezaPlatform.Timings(Duration.ofMillis(150), 3, 2, Duration.ofSeconds(2), Duration.ofMillis(500));

  @Test
  void failoverAcceptanceRun() throws Exception {
    try (VezaPlatform platform = VezaPlatform.start(TIMINGS);
         FailoverScenario scenario = new FailoverScenario(platform, System.out)) {
      List<Check> checks = scenario.run();
      FailoverScenario.Measurements m = scenario.measurements();

      List<Executable> assertions = new ArrayList<>();
      for (Check c : checks) {
        assertions.add(() -> assertTrue(c.passed(), c.step() + ": " + c));
      }
      // the acceptance numbers, asserted directly
      assertions.add(() -> assertEquals(0, m.failedRequests(), "failed client requests"));
      assertions.add(() -> assertEquals(0, m.lostMessages(), "lost WebSocket messages"));
      // fall checks one inter apart, after at most one inter until the first, each within timeout check; x2 for
      // scheduling on a loaded machine. Passive observation (observe layer7) may only make it faster.
      long bound = 2 * (TIMINGS.fall() * TIMINGS.inter().toMillis() + TIMINGS.checkTimeout().toMillis());
      assertions.add(() -> assertEquals(bound, m.detectionBoundMillis()));
      assertions.add(() -> assertTrue(m.detectionMillis() >= 0 && m.detectionMillis() <= bound,
          "detection " + m.detectionMillis() + "ms within " + bound + "ms"));
      assertions.add(() -> assertTrue(m.requestsBeforeDetection() > 0,
          "some requests were sent in the window before detection: " + m.requestsBeforeDetection()));
      // only the failed streamer's tracks move, all of them, and they all come back
      assertions.add(() -> assertTrue(m.tracksOfStoppedStreamer() > 0 && m.tracksOfStoppedStreamer() < 64));
      assertions.add(() -> assertEquals(m.tracksOfStoppedStreamer(), m.tracksMovedOnStop(), "tracks moved"));
      assertions.add(() -> assertEquals(0, m.tracksNotBackAfterRestart(), "tracks not back"));
      // the killed backend's sessions were closed by the gateway (1014), and the connect failures were redispatched
      assertions.add(() -> assertTrue(m.gatewayStats().sessionsBackendLost() > 0, m.gatewayStats().toString()));
      assertions.add(() -> assertTrue(m.gatewayStats().redispatches() > 0, m.gatewayStats().toString()));
      assertions.add(() -> assertEquals(0, m.gatewayStats().noServer() + m.gatewayStats().badGateway()
          + m.gatewayStats().gatewayTimeout(), m.gatewayStats().toString()));
      // index 1 of the slow start table is 500 ms in (expected share ~23%); the last is after the ramp (50%)
      assertions.add(() -> assertTrue(m.slowStartShares().get(0)[1] < m.slowStartShares().get(7)[1]));
      // step 6 (issue 9): backend-api-3 joins at runtime, ramps up, gets clients, leaves; nothing fails or is lost
      FailoverScenario.Membership j = m.membership();
      assertions.add(() -> assertTrue(j != null && j.upMillis() >= 0, "backend-api-3 came UP"));
      assertions.add(() -> assertEquals(0, j.servedBeforeUp(), "no traffic before rise checks passed"));
      assertions.add(() -> assertTrue(j.shares().get(0)[1] < 0.25 && j.shares().get(5)[1] > 0.28,
          "slow start ramp " + j.shares().get(0)[1] + " -> " + j.shares().get(5)[1]));
      assertions.add(() -> assertTrue(j.pinnedToNew() > 0, "clients pinned to the new instance"));
      assertions.add(() -> assertTrue(j.sessionsClosedOnRemoval() >= j.pinnedToNew(), "sessions closed on removal"));
      assertions.add(() -> assertEquals(0, j.servedAfterRemoval(), "requests to it after pool.remove"));
      assertions.add(() -> assertEquals(0, j.failedRequests(), "failed requests while it joined and left"));
      assertions.add(() -> assertEquals(0, j.lostMessages(), "lost WebSocket messages while it joined and left"));
      assertFalse(checks.isEmpty());
      assertAll(assertions);
      assertTrue(scenario.verdict());
    }
  }
}
