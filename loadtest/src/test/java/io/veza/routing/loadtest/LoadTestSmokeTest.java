package io.veza.routing.loadtest;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load test's short version (CI): one round of a few seconds per proxy, with backend-api-1 killed and restarted
 * twice per phase. The gateway must fail no request, lose no WebSocket message and retain a bounded amount of heap
 * per request; HAProxy's numbers are reported, not asserted (it is the peer). Installs HAProxy when missing.
 */
class LoadTestSmokeTest {
  @TempDir
  Path out;

  @Test
  void shortRunAgainstTheGatewayAndHaproxy() throws Exception {
    LoadTest.Config c = new LoadTest.Config(Integer.getInteger("loadtest.seconds", 5),
        Integer.getInteger("loadtest.warmup", 6), 1, 32, 4, 0, out);
    LoadTest.Report r = LoadTest.run(c, System.out);
    List<LoadTest.Phase> gateway = r.phases().stream().filter(p -> p.proxy().equals("gateway")).toList();
    List<LoadTest.Phase> haproxy = r.phases().stream().filter(p -> p.proxy().equals("haproxy")).toList();
    assertEquals(1, gateway.size());
    assertEquals(1, haproxy.size());
    LoadTest.Phase g = gateway.get(0);
    // measured over steady windows after the phase (warm-up, first failovers and pools grow the heap once): a leak
    // of one listener per parked connection (28 bytes per request, the figure) exceeds this bound in every
    // window, so the last of LoadTest.STEADY_WINDOWS is reported
    long bound = LoadTest.steadyBound(g.steadyRequests());
    assertAll(
        () -> assertTrue(g.requests() > 1000, "the gateway served load: " + LoadTest.describe(g)),
        () -> assertEquals(0, g.failed(), "failed requests through the gateway: " + g.failures()),
        () -> assertTrue(g.wsSent() > 0),
        () -> assertEquals(0, g.wsLost(), "lost WebSocket messages through the gateway"),
        () -> assertTrue(g.heapBefore() > 0 && g.heapAfter() > 0, "heap measured"),
        () -> assertTrue(g.steadyRequests() > 1000, "steady run: " + g.steadyRequests()),
        () -> assertTrue(g.heapSteady() - g.heapSteadyStart() <= bound, "retained heap growth "
            + (g.heapSteady() - g.heapSteadyStart()) + " bytes over " + g.steadyRequests() + " requests in steady window "
            + g.steadyWindows() + " of " + LoadTest.STEADY_WINDOWS + ", bound " + bound),
        () -> assertTrue(g.cpuSeconds() > 0 && haproxy.get(0).cpuSeconds() > 0, "CPU read from /proc"),
        () -> assertTrue(haproxy.get(0).requests() > 1000, "HAProxy served load: " + LoadTest.describe(haproxy.get(0))),
        () -> assertTrue(Files.readString(r.plot()).contains("kill api-1")),
        () -> assertTrue(Files.readString(r.text()).contains("gateway / HAProxy")));
  }
}
