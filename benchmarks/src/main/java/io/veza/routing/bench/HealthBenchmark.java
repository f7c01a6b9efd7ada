package io.veza.routing.bench;

import io.veza.routing.BackendPool;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.TrackedServer;
import io.veza.routing.health.ServerStatus;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Recording health inputs on the {@code backend-api} pool's tracker ({@link Pools#api}: rise 2, fall 3,
 * {@code observe layer7}, error-limit 10), so a transition also republishes the pool's routing table:
 * <ul>
 *   <li>{@code checkPassed}: a passed check on a fully healthy server (no change);</li>
 *   <li>{@code observe200}: a 200 response (the per-request fast path, no change);</li>
 *   <li>{@code observe503Then200}: alternately a 503 and a 200: the consecutive-error count changes but never
 *       reaches error-limit, so no transition;</li>
 *   <li>{@code checkFlapping}: the repeating check sequence fail, fail, fail, pass, pass: DOWN after the third
 *       failure and UP after the second pass, so 2 transitions (2 snapshot publications, 2 events, 2 routing
 *       table rebuilds) every 5 operations.</li>
 * </ul>
 * The no-transition cases must allocate nothing; the flapping case shows the cost of a transition amortised over
 * 2.5 calls, B/op included (a transition publishes new immutable snapshots by design).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class HealthBenchmark {

  private static final boolean[] FLAP = {false, false, false, true, true};
  private static final CheckResult PASSED = CheckResult.of(true);
  private static final CheckResult FAILED = CheckResult.of(false);

  @Param({"10", "100"})
  int n;

  private BackendPool pool;
  private TrackedServer first;
  private TrackedServer second;
  private int step;

  @Setup
  public void setup() {
    pool = Pools.api(n);
    first = pool.servers().get(1).health();
    second = pool.servers().get(2).health();
    for (TrackedServer server : new TrackedServer[] {first, second}) {
      for (int k = 0; k < 10; k++) {
        server.recordCheck(true); // from h = rise to full health, rise + fall - 1
      }
      ServerStatus s = server.status();
      if (!s.up() || !s.isFullHealth()) {
        throw new IllegalStateException("server " + server + " should be UP at full health, is " + s);
      }
    }
  }

  @TearDown
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public void checkPassed() {
    first.recordCheck(PASSED);
  }

  @Benchmark
  public void observe200() {
    first.observeHttpStatus(200);
  }

  @Benchmark
  public void observe503Then200() {
    first.observeHttpStatus((step++ & 1) == 0 ? 503 : 200);
  }

  @Benchmark
  public void checkFlapping() {
    second.recordCheck(FLAP[step] ? PASSED : FAILED);
    step = step == FLAP.length - 1 ? 0 : step + 1;
  }
}
