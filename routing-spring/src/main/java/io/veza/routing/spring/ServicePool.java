package io.veza.routing.spring;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.Server;
import io.veza.routing.ServerSpec;
import io.veza.routing.haproxy.HaproxyBalance;
import io.veza.routing.haproxy.HaproxyHealthOptions;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.Probe;
import io.veza.routing.health.Probes;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * One service's live pool: built from {@code veza.routing.services.<id>}, fed by the service's
 * {@link ServiceInstanceListSupplier}, checked by the library. Membership changes go through
 * {@link BackendPool#update}, so servers that stay keep their health, slow start, sessions and cookie pins.
 */
final class ServicePool implements AutoCloseable {
  private static final Log LOG = LogFactory.getLog(ServicePool.class);

  final String serviceId;
  final BackendPool pool;
  private final @Nullable Probe probe;
  private final Duration refresh;
  private volatile Map<String, ServiceInstance> instances = Map.of();
  private volatile List<ServerSpec> lastApplied = List.of();
  private final CountDownLatch firstMembership = new CountDownLatch(1);
  private volatile @Nullable Disposable membership;

  private ServicePool(String serviceId, BackendPool pool, Duration refresh, VezaRoutingProperties.Service p,
                      @Nullable CheckLine check, HttpClient probeClient) {
    this.serviceId = serviceId;
    this.pool = pool;
    this.refresh = refresh;
    this.probe = check == null ? null : probe(p, check, probeClient);
  }

  /**
   * Builds the pool of {@code serviceId} from its properties.
   *
   * @throws IllegalArgumentException naming the property and its value
   */
  static ServicePool create(String serviceId, VezaRoutingProperties.Service p, HttpClient probeClient) {
    String prefix = VezaRoutingProperties.PREFIX + ".services." + serviceId + ".";
    BackendPool.Builder b = BackendPool.builder(serviceId);
    property(prefix + "balance", p.getBalance(), v -> b.balance(balance(v)));
    if (p.getCookie() != null) {
      property(prefix + "cookie", p.getCookie(), v -> {
        CookiePersistence.Builder c = CookiePersistence.parse(v);
        if (p.getDynamicCookieKey() != null) {
          c.dynamicKey(p.getDynamicCookieKey());
        }
        b.cookie(c.build());
      });
    }
    CheckLine check = null;
    if (p.getCheck() != null) {
      CheckLine[] parsed = new CheckLine[1];
      property(prefix + "check", p.getCheck(), v -> parsed[0] = check(v));
      check = parsed[0];
      b.defaultHealthPolicy(check.policy())
          .shutdownSessionsOnMarkedDown(check.shutdownSessionsOnMarkedDown())
          .shutdownBackupSessionsOnMarkedUp(check.shutdownBackupSessionsOnMarkedUp());
    }
    b.retries(p.getRetries()).redispatch(p.isRedispatch()).persist(p.isPersist()).allBackups(p.isAllbackups());
    if (p.getRedispatchInterval() != null) {
      b.redispatchInterval(p.getRedispatchInterval());
    }
    if (p.getHashSeed() != null) {
      b.keyHasher(KeyHashers.xxh3(p.getHashSeed()));
    }
    if (p.getHashWeightScale() != null) {
      b.hashWeightScale(p.getHashWeightScale());
    }
    if (p.getRefresh() == null || p.getRefresh().isNegative() || p.getRefresh().isZero()) {
      throw new IllegalArgumentException(prefix + "refresh must be > 0, was " + p.getRefresh());
    }
    BackendPool pool;
    try {
      pool = b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("veza.routing.services." + serviceId + ": " + e.getMessage(), e);
    }
    try {
      return new ServicePool(serviceId, pool, p.getRefresh(), p, check, probeClient);
    } catch (IllegalArgumentException e) {
      pool.close();
      throw new IllegalArgumentException(prefix + "check-path/check-method: " + e.getMessage(), e);
    }
  }

  /** What the {@code check} property sets: the default-server health policy and the pool's session options. */
  record CheckLine(HealthPolicy policy, boolean shutdownSessionsOnMarkedDown,
                   boolean shutdownBackupSessionsOnMarkedUp) {}

  /**
   * The {@code balance} property: an HAProxy {@code balance} line, read by routing-haproxy's {@link HaproxyBalance}
   * (the leading {@code balance} is optional), or {@code path-segment <index>}, this module's name for HAProxy's
   * {@code hash path,field(<index + 2>,/)} (0-based: {@code path-segment 1} hashes the track id of
   * {@code /hls/<track>/...}).
   *
   * @param value the property's value
   * @return the algorithm
   * @throws IllegalArgumentException naming the keyword
   */
  static Balance balance(String value) {
    List<String> words = HaproxySyntax.words(value);
    int i = !words.isEmpty() && words.get(0).equals("balance") ? 1 : 0;
    if (words.size() <= i) {
      throw new IllegalArgumentException("balance expects an algorithm, was '" + value + "'");
    }
    if (words.get(i).equals("path-segment")) {
      if (words.size() != i + 2) {
        throw new IllegalArgumentException("path-segment expects one 0-based index, was '" + value + "'");
      }
      return Balance.pathSegment(HaproxySyntax.integer("path-segment", words.get(i + 1), 0, Integer.MAX_VALUE));
    }
    return HaproxyBalance.parse(words);
  }

  /**
   * The {@code check} property: the health keywords of an HAProxy {@code default-server} line, read by
   * routing-haproxy's {@link HaproxyHealthOptions} ({@code init-state} included; {@code check} itself may lead), plus
   * two keywords HAProxy writes elsewhere: {@code timeout <t>} (the proxy's {@code timeout check}) and
   * {@code spread-checks <percent>} (the global keyword).
   *
   * @param value the property's value; empty means plain {@code check} with HAProxy's defaults
   * @return the policy and the session options
   * @throws IllegalArgumentException naming the keyword
   */
  static CheckLine check(String value) {
    List<String> words = HaproxySyntax.words(value);
    List<String> serverKeywords = new ArrayList<>();
    Duration timeout = null;
    Integer spread = null;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (!w.equals("timeout") && !w.equals("spread-checks")) {
        serverKeywords.add(w);
        continue;
      }
      if (++i >= words.size()) {
        throw new IllegalArgumentException(w + " expects an argument, was none");
      }
      if (w.equals("timeout")) {
        timeout = Duration.ofMillis(HaproxySyntax.time("timeout check", words.get(i), TimeUnit.MILLISECONDS));
      } else {
        spread = HaproxySyntax.integer("spread-checks", words.get(i), 0, 50);
      }
    }
    HaproxyHealthOptions options = HaproxyHealthOptions.parser().newerKeywords(true).parse(serverKeywords);
    HealthPolicy.Builder policy = options.policy().toBuilder();
    if (timeout != null) {
      policy.checkTimeout(timeout);
    }
    if (spread != null) {
      policy.spreadPercent(spread);
    }
    return new CheckLine(policy.build(), options.shutdownSessionsOnMarkedDown(),
        options.shutdownBackupSessionsOnMarkedUp());
  }

  private Probe probe(VezaRoutingProperties.Service p, CheckLine check, HttpClient client) {
    String path = p.getCheckPath();
    if (path == null) {
      return Probes.tcp(check.policy().checkTimeout()); // HAProxy's plain check: a connect
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("the path must start with '/', was '" + path + "'");
    }
    return Probes.http(client, ts -> {
      InetSocketAddress a = Objects.requireNonNull(ts.address(), "address");
      ServiceInstance discovered = instances.get(ts.id());
      boolean secure = discovered != null && discovered.isSecure();
      String host = a.getHostString();
      if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      return URI.create((secure ? "https://" : "http://") + host + ":" + a.getPort() + path);
    }).method(p.getCheckMethod()).build();
  }

  private interface PropertySetter {
    void set(String value);
  }

  private static void property(String name, String value, PropertySetter setter) {
    try {
      setter.set(value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage() + " (value '" + value + "')", e);
    }
  }

  // ------------------------------------------------------------------------------------------------ membership

  /** Subscribes to the supplier: every list it emits becomes the membership; it is read again every refresh. */
  void startMembership(ServiceInstanceListSupplier supplier) {
    membership = Flux.defer(supplier::get)
        .onErrorResume(e -> {
          LOG.warn("veza.routing: reading the instances of " + serviceId + " failed; the membership is kept", e);
          firstMembership.countDown();
          return Flux.empty();
        })
        .repeatWhen(done -> done.delayElements(refresh))
        .publishOn(Schedulers.boundedElastic()) // building addresses may resolve host names
        .subscribe(this::apply, e -> LOG.error("veza.routing: membership of " + serviceId + " stopped", e));
  }

  /** Waits until the first membership was applied (or failed). */
  boolean awaitFirstMembership(Duration timeout) throws InterruptedException {
    return firstMembership.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** Starts the active checks, if configured; servers that join later start DOWN and need {@code rise} checks. */
  void startChecks() {
    if (probe != null) {
      pool.startChecks(probe);
    }
  }

  /** Makes the pool's membership equal to {@code list}. Never throws: bad instances are skipped and logged. */
  void apply(List<ServiceInstance> list) {
    try {
      Map<String, ServiceInstance> byId = new LinkedHashMap<>();
      List<ServerSpec> specs = specs(list, byId);
      instances = Map.copyOf(byId);
      if (!specs.equals(lastApplied)) {
        pool.update(specs);
        lastApplied = specs;
      }
    } catch (RuntimeException e) {
      LOG.warn("veza.routing: could not apply the membership of " + serviceId + " " + list + ": " + e.getMessage(),
          e);
    } finally {
      firstMembership.countDown();
    }
  }

  /**
   * The servers of {@code list}: instances that cannot be servers (no host, unresolvable, invalid id, duplicate id
   * or persistent id) are skipped with a warning; invalid metadata values fall back to the default.
   */
  List<ServerSpec> specs(List<ServiceInstance> list, Map<String, ServiceInstance> byId) {
    List<ServerSpec> out = new ArrayList<>();
    Set<Integer> persistentIds = new HashSet<>();
    for (ServiceInstance i : list) {
      ServerSpec spec = spec(i);
      if (spec == null) {
        continue;
      }
      if (byId.containsKey(spec.id())) {
        LOG.warn("veza.routing: " + serviceId + ": skipping instance " + i + ": duplicate id " + spec.id());
        continue;
      }
      if (spec.persistentId() > 0 && !persistentIds.add(spec.persistentId())) {
        LOG.warn("veza.routing: " + serviceId + ": skipping instance " + spec.id() + ": duplicate "
            + VezaPools.METADATA_ID + " " + spec.persistentId());
        continue;
      }
      byId.put(spec.id(), i);
      out.add(spec);
    }
    return List.copyOf(out);
  }

  private @Nullable ServerSpec spec(ServiceInstance i) {
    String host = i.getHost();
    if (host == null || host.isEmpty() || i.getPort() <= 0 || i.getPort() > 65535) {
      LOG.warn("veza.routing: " + serviceId + ": skipping instance without host and port: " + i);
      return null;
    }
    InetSocketAddress address = new InetSocketAddress(host, i.getPort());
    if (address.isUnresolved()) {
      LOG.warn("veza.routing: " + serviceId + ": skipping instance " + i + ": cannot resolve " + host);
      return null;
    }
    String id = i.getInstanceId();
    if (id == null || id.isEmpty()) {
      id = host + ":" + i.getPort();
    }
    Map<String, String> md = i.getMetadata() == null ? Map.of() : i.getMetadata();
    String cookie = md.get(VezaPools.METADATA_COOKIE);
    if (cookie != null && !isCookieValue(cookie)) {
      LOG.warn("veza.routing: " + serviceId + ": instance " + id + ": " + VezaPools.METADATA_COOKIE
          + " must be RFC 6265 cookie-octets, was '" + cookie + "'; using the instance id");
      cookie = null;
    }
    if (cookie == null && isCookieValue(id)) {
      cookie = id;
    }
    try {
      return ServerSpec.builder(id, address)
          .cookie(cookie)
          .weight(intMetadata(id, md, VezaPools.METADATA_WEIGHT, 1, 0, 256))
          .id(intMetadata(id, md, VezaPools.METADATA_ID, 0, 1, ServerSpec.MAX_PERSISTENT_ID))
          .backup(Boolean.parseBoolean(md.getOrDefault(VezaPools.METADATA_BACKUP, "false")))
          .check(!"false".equalsIgnoreCase(md.getOrDefault(VezaPools.METADATA_CHECK, "true")))
          .build();
    } catch (IllegalArgumentException e) {
      LOG.warn("veza.routing: " + serviceId + ": skipping instance " + i + ": " + e.getMessage());
      return null;
    }
  }

  private int intMetadata(String id, Map<String, String> md, String key, int absent, int min, int max) {
    String v = md.get(key);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // logged below
    }
    LOG.warn("veza.routing: " + serviceId + ": instance " + id + ": " + key + " must be an integer in [" + min + ", "
        + max + "], was '" + v + "'; ignored");
    return absent;
  }

  /** RFC 6265 cookie-octets, non-empty. */
  static boolean isCookieValue(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      boolean ok = c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B)
          || (c >= 0x5D && c <= 0x7E);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The Spring view of a member: its current address, and what discovery said about TLS and metadata. */
  ServiceInstance instance(Server server) {
    ServiceInstance discovered = instances.get(server.id());
    InetSocketAddress a = server.address();
    return new VezaServiceInstance(serviceId, server.id(), a.getHostString(), a.getPort(),
        discovered != null && discovered.isSecure(), discovered == null ? Map.of() : discovered.getMetadata());
  }

  @Override
  public void close() {
    Disposable d = membership;
    if (d != null) {
      d.dispose();
    }
    pool.close();
  }

  @Override
  public String toString() {
    return "ServicePool{" + serviceId + ", " + pool + "}";
  }
}
