package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.CheckStatus;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.Ticker;
import io.veza.routing.health.TrackedServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The Veza seed's two pools, deterministic: manual time, listeners on the calling thread, checks enabled but idle. */
final class TestPools {
  private TestPools() {}

  /** A ticker the test moves. */
  static final class ManualTicker implements Ticker {
    final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    @Override
    public long read() {
      return nanos.get();
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  static final CheckResult REFUSED =
      CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, "Connection refused", 0);
  static final CheckResult L4_OK = CheckResult.of(CheckStatus.L4_OK, 0, "", 0);

  static InetSocketAddress addr(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /**
   * {@code backend-api}: round robin, {@code cookie SERVERID insert indirect nocache}, two checked servers with
   * cookies and one unchecked backup; HAProxy's default checks (rise 2, fall 3) with {@code observe layer7}.
   * Active checks are enabled (as after {@code startChecks}) but never run: the test records check results.
   */
  static BackendPool api(ManualTicker ticker) {
    BackendPool pool = BackendPool.builder("backend-api").ticker(ticker).listenerExecutor(Runnable::run)
        .balance(Balance.roundRobin()).redispatch(true)
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .defaultHealthPolicy(HealthPolicy.builder().observe(ObserveMode.LAYER7).build())
        .server("backend-api-1", addr(18081), s -> s.cookie("a1"))
        .server("backend-api-2", addr(18082), s -> s.cookie("a2"))
        .server("backup-1", addr(18083), s -> s.backup().check(false))
        .build();
    pool.startChecks(TestPools::neverCompletes).close(); // checks enabled, none running: results come from the test
    return pool;
  }

  /** {@code backend-stream}: {@code balance uri} over two servers with persistent ids, the second of weight 50. */
  static BackendPool stream(ManualTicker ticker) {
    BackendPool pool = BackendPool.builder("backend-stream").ticker(ticker).listenerExecutor(Runnable::run)
        .balance(Balance.uri())
        .server("stream-1", addr(18091), s -> s.id(1).weight(50))
        .server("stream-2", addr(18092), s -> s.id(2).weight(50))
        .build();
    pool.startChecks(TestPools::neverCompletes).close();
    return pool;
  }

  private static CompletableFuture<CheckResult> neverCompletes(TrackedServer s) {
    return new CompletableFuture<>();
  }

  static void fail(BackendPool pool, String server, int times) {
    for (int i = 0; i < times; i++) {
      pool.server(server).orElseThrow().health().recordCheck(REFUSED);
    }
  }

  static void pass(BackendPool pool, String server, int times) {
    for (int i = 0; i < times; i++) {
      pool.server(server).orElseThrow().health().recordCheck(L4_OK);
    }
  }
}
