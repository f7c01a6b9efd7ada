package io.veza.routing.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.CheckStatus;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link PoolMetrics} with real registries: the simple one, and Prometheus scrape text. */
class PoolMetricsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  private BackendPool pool() {
    return BackendPool.builder("backend-api").ticker(nanos::get).listenerExecutor(Runnable::run)
        .server("api-1", new InetSocketAddress("127.0.0.1", 18081))
        .server("api-2", new InetSocketAddress("127.0.0.1", 18082))
        .build();
  }

  private static void fail(BackendPool pool, String id) {
    pool.server(id).orElseThrow().health()
        .recordCheck(CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, "Connection refused", 0));
  }

  @Test
  void simpleRegistryReadsThePoolsCounters() {
    BackendPool pool = pool();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PoolMetrics metrics = new PoolMetrics(java.time.Duration.ZERO, java.util.List.of(pool))) {
      metrics.bindTo(registry);
      for (int i = 0; i < 10; i++) {
        pool.route(null);
      }
      RouteDecision d = pool.route(null);
      pool.reportResponse(d.server(), 200);
      pool.reportResponse(d.server(), 502);
      fail(pool, "api-2");
      nanos.addAndGet(1_000_000_000L);
      assertEquals(11.0, registry.get("veza.routing.decisions").tags("pool", "backend-api", "reason", "balanced")
          .functionCounter().count());
      assertEquals(0.0, registry.get("veza.routing.server.up").tags("server", "api-2").gauge().value());
      assertEquals(1.0, registry.get("veza.routing.server.up").tags("server", "api-1").gauge().value());
      assertEquals(1.0, registry.get("veza.routing.server.check.failures").tags("server", "api-2")
          .functionCounter().count());
      assertEquals(1.0, registry.get("veza.routing.server.down.transitions").tags("server", "api-2")
          .functionCounter().count());
      assertEquals(1.0, registry.get("veza.routing.server.downtime").tags("server", "api-2").gauge().value(), 1e-9);
      assertEquals(1.0, registry.get("veza.routing.server.responses")
          .tags("server", d.server().id(), "code", "5xx").functionCounter().count());
      pool.add(ServerSpec.builder("api-3", new InetSocketAddress("127.0.0.1", 18083)).build());
      assertEquals(1.0, registry.get("veza.routing.server.up").tags("server", "api-3").gauge().value(),
          "a server that joins gets its meters");
      pool.setAdminState("api-3", AdminState.MAINT);
      assertEquals(0.0, registry.get("veza.routing.server.up").tags("server", "api-3").gauge().value());
      pool.remove("api-3");
      assertTrue(registry.find("veza.routing.server.up").tags("server", "api-3").gauges().isEmpty(),
          "a server that leaves loses them");
    }
    pool.close();
  }

  @Test
  void prometheusScrapeText() {
    BackendPool pool = pool();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new PoolMetrics(java.time.Duration.ZERO, java.util.List.of(pool)).bindTo(registry);
    pool.route(null);
    fail(pool, "api-1");
    String text = registry.scrape();
    assertTrue(text.contains("veza_routing_decisions_total{pool=\"backend-api\",reason=\"balanced\"} 1.0"), text);
    assertTrue(text.contains("veza_routing_decisions_total{pool=\"backend-api\",reason=\"no_server\"} 0.0"), text);
    assertTrue(text.contains("veza_routing_server_up{pool=\"backend-api\",server=\"api-1\"} 0.0"), text);
    assertTrue(text.contains("veza_routing_server_up{pool=\"backend-api\",server=\"api-2\"} 1.0"), text);
    assertTrue(text.contains("veza_routing_server_check_failures_total{pool=\"backend-api\",server=\"api-1\"} 1.0"),
        text);
    assertTrue(text.contains("# TYPE veza_routing_server_load_balanced_total counter"), text);
    pool.close();
  }
}
