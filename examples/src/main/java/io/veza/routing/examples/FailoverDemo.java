package io.veza.routing.examples;

import io.veza.routing.netty.ProxyStats;
import java.io.PrintStream;

/**
 * The failover acceptance run as a program: starts backend-api-1/2 and stream-server-1/2 and the gateway on
 * loopback, drives the scenario, prints every step and a verdict. Exit code 0 only if every check held.
 *
 * <p>Run it from the repository root: {@code mvn -q -Pdemo -pl examples -am -DskipTests verify}.
 */
public final class FailoverDemo {
  private FailoverDemo() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    VezaPlatform.Timings timings = VezaPlatform.Timings.demo();
    out.println("Veza Routing failover demo (loopback, ephemeral ports)");
    out.println("  production: " + VezaPlatform.Timings.production());
    out.println("  this run:   " + timings);
    boolean verdict;
    try (VezaPlatform platform = VezaPlatform.start(timings);
         FailoverScenario scenario = new FailoverScenario(platform, out)) {
      out.println("  gateway " + platform.gatewayUri() + ", " + VezaPlatform.API_1 + " " + platform.api1.address()
          + ", " + VezaPlatform.API_2 + " " + platform.api2.address() + ", " + VezaPlatform.STREAM_1 + " "
          + platform.stream1.address() + ", " + VezaPlatform.STREAM_2 + " " + platform.stream2.address());
      scenario.run();
      verdict = scenario.verdict();
      FailoverScenario.Measurements m = scenario.measurements();
      ProxyStats.Snapshot s = m.gatewayStats();
      out.printf("%nSummary: detection %dms (bound %dms), back UP %dms, %d failed client requests, "
              + "%d lost WebSocket messages (%d resent, %d duplicate answers dropped), %d/%d tracks moved when %s "
              + "stopped, gateway handled %d requests%n", m.detectionMillis(), m.detectionBoundMillis(), m.upMillis(),
          m.failedRequests(), m.lostMessages(), m.resentMessages(), m.duplicateAcks(), m.tracksMovedOnStop(),
          FailoverScenario.TRACKS, VezaPlatform.STREAM_1, s.requests());
      FailoverScenario.Membership j = m.membership();
      if (j != null) {
        out.printf("Scale out and in: %s UP %dms after pool.add, %d client(s) pinned to it, %d session(s) closed by "
                + "pool.remove, %d failed requests, %d lost WebSocket messages%n", VezaPlatform.API_3, j.upMillis(),
            j.pinnedToNew(), j.sessionsClosedOnRemoval(), j.failedRequests(), j.lostMessages());
      }
      long failedChecks = scenario.checks().stream().filter(c -> !c.passed()).count();
      out.printf("VERDICT: %s (%d checks, %d failed)%n", verdict ? "PASS" : "FAIL", scenario.checks().size(),
          failedChecks);
    }
    System.exit(verdict ? 0 : 1);
  }
}
