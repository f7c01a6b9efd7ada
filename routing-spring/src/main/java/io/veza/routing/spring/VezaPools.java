package io.veza.routing.spring;

import io.veza.routing.BackendPool;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The live {@link BackendPool} of every service under {@code veza.routing.services}: read them to operate the
 * gateway (statistics, {@code setAdminState} to drain a server, weights), as HAProxy's runtime API would.
 *
 * <p>On start, each pool takes its membership from the service's {@link ServiceInstanceListSupplier} (the one
 * Spring Cloud LoadBalancer builds for the service: discovery client, static
 * {@code spring.cloud.discovery.client.simple} lists...), reads it again every {@code refresh}, then runs the active
 * checks. An instance becomes a server as follows:
 *
 * <ul>
 *   <li>id: the instance id ({@code host:port} when it has none);
 *   <li>address: host and port (a host name is resolved when the instance is read);
 *   <li>metadata {@value #METADATA_COOKIE}: its persistence cookie value (default the instance id);
 *       {@value #METADATA_ID}: its HAProxy persistent {@code id}, which fixes its hash slot (give one to the
 *       servers of hashed pools whose membership changes); {@value #METADATA_WEIGHT}: weight 0..256 (default 1);
 *       {@value #METADATA_BACKUP}: {@code true} for a backup server; {@value #METADATA_CHECK}: {@code false}
 *       keeps it out of active checks.
 * </ul>
 *
 * Servers that stay in the membership keep their health, slow start, sessions and cookie pins.
 */
public final class VezaPools implements SmartLifecycle {
  /** Instance metadata: the server's persistence cookie value. */
  public static final String METADATA_COOKIE = "veza.cookie";
  /** Instance metadata: the server's HAProxy persistent id (1..2^24), its hash slot plus one. */
  public static final String METADATA_ID = "veza.id";
  /** Instance metadata: the server's weight (0..256, default 1). */
  public static final String METADATA_WEIGHT = "veza.weight";
  /** Instance metadata: {@code true} for a backup server. */
  public static final String METADATA_BACKUP = "veza.backup";
  /** Instance metadata: {@code false} keeps the server out of active checks. */
  public static final String METADATA_CHECK = "veza.check";

  private static final Log LOG = LogFactory.getLog(VezaPools.class);

  private final Map<String, ServicePool> services;
  private final Duration startupTimeout;
  private final @Nullable LoadBalancerClientFactory clients;
  private final ExecutorService probeExecutor;
  private volatile boolean running;

  /**
   * Builds every configured pool (nothing runs until {@link #start()}).
   *
   * @param properties the {@code veza.routing} properties
   * @param clients Spring Cloud LoadBalancer's per-service contexts, where each service's instance supplier lives;
   *     null for pools fed by hand
   * @throws IllegalArgumentException naming the first invalid property and its value
   */
  public VezaPools(VezaRoutingProperties properties, @Nullable LoadBalancerClientFactory clients) {
    this.clients = clients;
    this.startupTimeout = properties.getStartupTimeout() == null ? Duration.ZERO : properties.getStartupTimeout();
    AtomicInteger threads = new AtomicInteger();
    this.probeExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "veza-health-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpClient probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).executor(probeExecutor).build();
    Map<String, ServicePool> built = new LinkedHashMap<>();
    try {
      properties.getServices().forEach((id, service) -> built.put(id, ServicePool.create(id, service, probeClient)));
    } catch (RuntimeException e) {
      built.values().forEach(ServicePool::close);
      probeExecutor.shutdownNow();
      throw e;
    }
    this.services = Collections.unmodifiableMap(built);
  }

  /**
   * The pool of {@code serviceId}, if configured.
   *
   * @param serviceId the service id (the host of {@code lb://<service>})
   * @return the pool, or empty
   */
  public Optional<BackendPool> pool(String serviceId) {
    ServicePool s = services.get(serviceId);
    return s == null ? Optional.empty() : Optional.of(s.pool);
  }

  /**
   * The configured service ids, in configuration order.
   *
   * @return the ids
   */
  public Set<String> serviceIds() {
    return services.keySet();
  }

  @Nullable ServicePool service(String serviceId) {
    return services.get(serviceId);
  }

  /**
   * Starts membership and checks: each pool reads its first membership (waiting up to
   * {@code veza.routing.startup-timeout} in all), and only then starts its checks, so that the servers known at
   * startup start UP, as HAProxy's do, while servers that join later start DOWN and need {@code rise} checks.
   */
  @Override
  public void start() {
    if (running) {
      return;
    }
    running = true;
    for (ServicePool s : services.values()) {
      ServiceInstanceListSupplier supplier = clients == null ? null
          : clients.getInstance(s.serviceId, ServiceInstanceListSupplier.class);
      if (supplier == null) {
        LOG.warn("veza.routing: no ServiceInstanceListSupplier for service " + s.serviceId
            + "; its pool stays empty until servers are added to it");
        continue;
      }
      s.startMembership(supplier);
    }
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    for (ServicePool s : services.values()) {
      try {
        if (!s.awaitFirstMembership(Duration.ofNanos(deadline - System.nanoTime()))) {
          LOG.warn("veza.routing: no membership for service " + s.serviceId + " after " + startupTimeout
              + "; its servers join (DOWN until checked) when discovery answers");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    services.values().forEach(ServicePool::startChecks);
  }

  /** Stops membership reads and checks; routing keeps the last membership. */
  @Override
  public void stop() {
    running = false;
    services.values().forEach(ServicePool::close);
    probeExecutor.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the web server starts taking requests, and stopped after it. */
  @Override
  public int getPhase() {
    return 0;
  }

  @Override
  public String toString() {
    return "VezaPools" + services.values();
  }
}
