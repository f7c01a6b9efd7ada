package io.veza.routing.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.veza.routing.BackendPool;
import io.veza.routing.PoolStats;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.ServerStats;
import io.veza.routing.health.HealthEvent;
import io.veza.routing.health.HealthListener;
import io.veza.routing.health.OperationalState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds live pools' statistics ({@link BackendPool#stats()}, what HAProxy's {@code show stat} reports) to a Micrometer
 * registry. Every meter is tagged {@code pool}; server meters also {@code server}. Servers that join later get their
 * meters when they join, and lose them when they leave.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>show stat</th></tr>
 *   <tr><td>{@code veza.routing.decisions}</td><td>counter</td><td>pool, reason</td><td>per-reason decisions</td></tr>
 *   <tr><td>{@code veza.routing.server.up}</td><td>gauge</td><td>pool, server</td><td>status (1 UP/NOLB/DRAIN, 0
 *       DOWN/MAINT)</td></tr>
 *   <tr><td>{@code veza.routing.server.weight}</td><td>gauge</td><td>pool, server</td><td>weight (effective)</td></tr>
 *   <tr><td>{@code veza.routing.server.sessions}</td><td>gauge</td><td>pool, server</td><td>scur</td></tr>
 *   <tr><td>{@code veza.routing.server.sessions.total}</td><td>counter</td><td>pool, server</td><td>stot</td></tr>
 *   <tr><td>{@code veza.routing.server.load.balanced}</td><td>counter</td><td>pool, server</td><td>lbtot</td></tr>
 *   <tr><td>{@code veza.routing.server.check.failures}</td><td>counter</td><td>pool, server</td><td>chkfail</td></tr>
 *   <tr><td>{@code veza.routing.server.down.transitions}</td><td>counter</td><td>pool, server</td>
 *       <td>chkdown</td></tr>
 *   <tr><td>{@code veza.routing.server.downtime}</td><td>gauge (seconds)</td><td>pool, server</td>
 *       <td>downtime</td></tr>
 *   <tr><td>{@code veza.routing.server.connection.errors}</td><td>counter</td><td>pool, server</td><td>econ</td></tr>
 *   <tr><td>{@code veza.routing.server.response.errors}</td><td>counter</td><td>pool, server</td><td>eresp</td></tr>
 *   <tr><td>{@code veza.routing.server.retries}</td><td>counter</td><td>pool, server</td><td>wretr</td></tr>
 *   <tr><td>{@code veza.routing.server.redispatches}</td><td>counter</td><td>pool, server</td><td>wredis</td></tr>
 *   <tr><td>{@code veza.routing.server.responses}</td><td>counter</td><td>pool, server, code (1xx..5xx,
 *       other)</td><td>hrsp_*</td></tr>
 * </table>
 *
 * <p>Reading: each pool's {@link PoolStats} is read about once per scrape: a snapshot serves every meter for up to
 * 100 ms by default ({@link #PoolMetrics(Duration, List)}), so that the dozens of meters of one scrape cost one
 * {@code stats()} call per pool, never anything on the request path. Counters come from the pool's own counters, so
 * they are exact and monotone.
 */
public final class PoolMetrics implements MeterBinder, AutoCloseable {
  private final List<Bound> pools = new ArrayList<>();
  private final long snapshotNanos;
  private @Nullable MeterRegistry registry;

  /** One pool, its snapshot and its server meters. */
  private final class Bound implements HealthListener {
    final BackendPool pool;
    private @Nullable PoolStats snapshot;
    private long snapshotAt;
    final Map<String, List<Meter>> serverMeters = new HashMap<>();

    Bound(BackendPool pool) {
      this.pool = pool;
    }

    synchronized PoolStats stats() {
      long now = System.nanoTime();
      if (snapshot == null || now - snapshotAt >= snapshotNanos) {
        snapshot = pool.stats();
        snapshotAt = now;
      }
      return snapshot;
    }

    synchronized void invalidate() {
      snapshot = null;
    }

    @Nullable ServerStats server(String id) {
      for (ServerStats s : stats().servers()) {
        if (s.id().equals(id)) {
          return s;
        }
      }
      return null;
    }

    double of(String id, ToDoubleFunction<ServerStats> f) {
      ServerStats s = server(id);
      return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    @Override
    public void onEvent(HealthEvent e) {
      MeterRegistry r = registry;
      if (r == null) {
        return;
      }
      if (e.kind() == HealthEvent.Kind.ADDED) {
        invalidate();
        bindServer(r, this, e.serverId());
      } else if (e.kind() == HealthEvent.Kind.REMOVED) {
        invalidate();
        List<Meter> meters;
        synchronized (this) {
          meters = serverMeters.remove(e.serverId());
        }
        if (meters != null) {
          meters.forEach(r::remove);
        }
      }
    }
  }

  /**
   * Metrics for these pools.
   *
   * @param pools the pools (names must be unique)
   * @throws IllegalArgumentException on a duplicate pool name
   */
  public PoolMetrics(BackendPool... pools) {
    this(Duration.ofMillis(100), List.of(pools));
  }

  /**
   * Metrics for these pools, each read at most once per {@code snapshotAge} (a scrape reads them once).
   *
   * @param snapshotAge how long one {@link BackendPool#stats()} snapshot serves the meters; {@link Duration#ZERO} reads
   *     the pool for every meter
   * @param pools the pools (names must be unique)
   * @throws IllegalArgumentException on a duplicate pool name or a negative age
   */
  public PoolMetrics(Duration snapshotAge, List<BackendPool> pools) {
    if (snapshotAge == null || snapshotAge.isNegative()) {
      throw new IllegalArgumentException("snapshotAge must be >= 0, was " + snapshotAge);
    }
    this.snapshotNanos = snapshotAge.toNanos();
    for (BackendPool p : pools) {
      Objects.requireNonNull(p, "pool");
      for (Bound b : this.pools) {
        if (b.pool.name().equals(p.name())) {
          throw new IllegalArgumentException("pool names must be unique, was duplicate \"" + p.name() + "\"");
        }
      }
      this.pools.add(new Bound(p));
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (Bound b : pools) {
      Tags tags = Tags.of("pool", b.pool.name());
      for (Reason reason : Reason.values()) {
        FunctionCounter.builder("veza.routing.decisions", b,
                x -> x.stats().decisions().getOrDefault(reason, 0L))
            .tags(tags.and("reason", reason.name().toLowerCase(Locale.ROOT)))
            .description("Routing decisions per reason")
            .register(registry);
      }
      b.pool.health().addListener(b);
      for (io.veza.routing.Server s : b.pool.servers()) {
        bindServer(registry, b, s.id());
      }
    }
  }

  private void bindServer(MeterRegistry r, Bound b, String id) {
    synchronized (b) {
      if (b.serverMeters.containsKey(id)) {
        return;
      }
      b.serverMeters.put(id, new ArrayList<>());
    }
    Tags tags = Tags.of("pool", b.pool.name(), "server", id);
    List<Meter> m = new ArrayList<>();
    m.add(Gauge.builder("veza.routing.server.up", b,
            x -> x.of(id, s -> s.status().operational() == OperationalState.DOWN ? 0 : 1))
        .tags(tags).description("1 when the server is UP (also NOLB/DRAIN), 0 when DOWN or in MAINT")
        .strongReference(true).register(r));
    m.add(Gauge.builder("veza.routing.server.weight", b, x -> x.of(id, s -> s.status().effectiveWeight()))
        .tags(tags).description("Effective weight (slow start applied; 0 while DOWN)").strongReference(true)
        .register(r));
    m.add(Gauge.builder("veza.routing.server.sessions", b, x -> x.of(id, ServerStats::sessionsCurrent))
        .tags(tags).description("Sessions registered now (scur)").strongReference(true).register(r));
    m.add(Gauge.builder("veza.routing.server.downtime", b, x -> x.of(id, s -> s.checks().downtimeNanos() / 1e9))
        .tags(tags).baseUnit("seconds").description("Time spent DOWN since the server joined")
        .strongReference(true).register(r));
    m.add(counter(r, b, id, "veza.routing.server.sessions.total", tags, "Sessions registered in all (stot)",
        ServerStats::sessionsTotal));
    m.add(counter(r, b, id, "veza.routing.server.load.balanced", tags,
        "Times load balancing chose the server (lbtot)", ServerStats::loadBalanced));
    m.add(counter(r, b, id, "veza.routing.server.check.failures", tags, "Failed health checks (chkfail)",
        s -> s.checks().checksFailed()));
    m.add(counter(r, b, id, "veza.routing.server.down.transitions", tags, "UP to DOWN transitions (chkdown)",
        s -> s.checks().downTransitions()));
    m.add(counter(r, b, id, "veza.routing.server.connection.errors", tags, "Failed connections (econ)",
        ServerStats::connectErrors));
    m.add(counter(r, b, id, "veza.routing.server.response.errors", tags, "Response errors (eresp)",
        ServerStats::responseErrors));
    m.add(counter(r, b, id, "veza.routing.server.retries", tags, "Retries (wretr)", ServerStats::retries));
    m.add(counter(r, b, id, "veza.routing.server.redispatches", tags, "Redispatches (wredis)",
        ServerStats::redispatches));
    String[] codes = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    for (int k = 0; k < codes.length; k++) {
      int statusClass = k < 5 ? k + 1 : 0;
      m.add(counter(r, b, id, "veza.routing.server.responses", tags.and("code", codes[k]),
          "HTTP responses by class (hrsp_*)", s -> s.responses(statusClass)));
    }
    boolean stale;
    synchronized (b) {
      stale = !b.serverMeters.containsKey(id);
      if (!stale) {
        b.serverMeters.get(id).addAll(m);
      }
    }
    if (stale) {
      m.forEach(r::remove); // removed while its meters were being registered
    }
  }

  private static FunctionCounter counter(MeterRegistry r, Bound b, String id, String name, Tags tags,
                                         String description, ToDoubleFunction<ServerStats> f) {
    return FunctionCounter.builder(name, b, x -> x.of(id, f)).tags(tags).description(description).register(r);
  }

  /** Stops following membership (the meters stay in the registry until it is closed or they are removed). */
  @Override
  public void close() {
    for (Bound b : pools) {
      b.pool.health().removeListener(b);
    }
  }
}
