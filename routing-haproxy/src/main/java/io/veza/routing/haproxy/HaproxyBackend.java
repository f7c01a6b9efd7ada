package io.veza.routing.haproxy;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.ServerSpec;
import io.veza.routing.discovery.DnsDiscovery;
import io.veza.routing.health.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One {@code backend} section of an HAProxy configuration, with its {@code defaults} and {@code default-server}
 * lines applied: the values it sets, a {@link #builder()} of the pool they describe, the {@link #discovery()} of its
 * {@code server-template} and the {@link #httpCheck()} its servers use. Immutable; equal when every imported value is
 * equal (the balance and the cookie compare by their HAProxy text, the hash function of {@code hash-type} is not a
 * value: both hash types map onto the same jump selection).
 */
public final class HaproxyBackend {
  private final String name;
  private final String file;
  private final int line;
  private final Balance balance;
  private final String hashType;
  private final @Nullable CookiePersistence cookie;
  private final int retries;
  private final boolean redispatch;
  private final int redispatchInterval;
  private final boolean persist;
  private final boolean allBackups;
  private final boolean shutdownSessionsOnMarkedDown;
  private final boolean shutdownBackupSessionsOnMarkedUp;
  private final HealthPolicy defaultHealthPolicy;
  private final List<ServerSpec> servers;
  private final @Nullable HttpCheck httpCheck;
  private final @Nullable StickKey stickKey;
  private final long stickSize;
  private final @Nullable Duration stickExpire;
  private final @Nullable Template template;

  /** {@code server-template}: the discovery's parameters and the options of every templated server. */
  record Template(String prefix, String host, int port, int count, Duration refresh, ServerSpec options) {}

  HaproxyBackend(String name, String file, int line, Balance balance, String hashType,
                 @Nullable CookiePersistence cookie, int retries, boolean redispatch, int redispatchInterval,
                 boolean persist, boolean allBackups, boolean shutdownSessionsOnMarkedDown,
                 boolean shutdownBackupSessionsOnMarkedUp, HealthPolicy defaultHealthPolicy, List<ServerSpec> servers,
                 @Nullable HttpCheck httpCheck, @Nullable StickKey stickKey, long stickSize,
                 @Nullable Duration stickExpire, @Nullable Template template) {
    this.name = name;
    this.file = file;
    this.line = line;
    this.balance = balance;
    this.hashType = hashType;
    this.cookie = cookie;
    this.retries = retries;
    this.redispatch = redispatch;
    this.redispatchInterval = redispatchInterval;
    this.persist = persist;
    this.allBackups = allBackups;
    this.shutdownSessionsOnMarkedDown = shutdownSessionsOnMarkedDown;
    this.shutdownBackupSessionsOnMarkedUp = shutdownBackupSessionsOnMarkedUp;
    this.defaultHealthPolicy = defaultHealthPolicy;
    this.servers = List.copyOf(servers);
    this.httpCheck = httpCheck;
    this.stickKey = stickKey;
    this.stickSize = stickSize;
    this.stickExpire = stickExpire;
    this.template = template;
  }

  /**
   * A new builder of the pool this backend describes: name, servers (with their persistent ids, see
   * {@link HaproxyConfig}), balance, cookie, retries, redispatch, persist, allbackups, session shutdown, the
   * default-server health policy and the stick table. Adjust it (ticker, listeners, executors...) and build it. A
   * backend whose servers come from a {@code server-template} has no server here: start its {@link #discovery()}
   * with the pool's {@link BackendPool#update}.
   *
   * @return a new builder, each call
   */
  public BackendPool.Builder builder() {
    BackendPool.Builder b = BackendPool.builder(name)
        .balance(balance)
        .retries(retries)
        .redispatch(redispatch)
        .persist(persist)
        .allBackups(allBackups)
        .shutdownSessionsOnMarkedDown(shutdownSessionsOnMarkedDown)
        .shutdownBackupSessionsOnMarkedUp(shutdownBackupSessionsOnMarkedUp)
        .defaultHealthPolicy(defaultHealthPolicy);
    if (redispatch && redispatchInterval != -1) {
      b.redispatchInterval(redispatchInterval);
    }
    if (cookie != null) {
      b.cookie(cookie);
    }
    if (stickKey != null && stickExpire != null) {
      b.stickOn(stickKey, stickSize, stickExpire);
    }
    servers.forEach(b::server);
    if (template != null && balance.isHash()) {
      // HAProxy sizes a template's slots once; a fixed slot count keeps every key where it is when addresses
      // come and go (see BackendPool.Builder.hashSlots)
      b.hashSlots(template.count());
    }
    return b;
  }

  /**
   * The DNS discovery of the backend's {@code server-template <prefix> <num> <fqdn>:<port>} (refresh interval from
   * the {@code resolvers} section's {@code hold valid}, 10 s by default, the template's options on every server).
   * Give it a resolver and scheduler if needed, build it, and start it into the pool:
   * {@code discovery.start(pool::update)}.
   *
   * @return a new discovery builder each call, or empty when the backend has no template
   */
  public Optional<DnsDiscovery.Builder> discovery() {
    if (template == null) {
      return Optional.empty();
    }
    Template t = template;
    ServerSpec o = t.options();
    return Optional.of(DnsDiscovery.builder(t.prefix(), t.host(), t.port())
        .count(t.count())
        .refreshInterval(t.refresh())
        .serverOptions((n, s) -> s.weight(o.weight()).cookie(o.cookie()).backup(o.backup()).check(o.check())
            .healthPolicy(o.healthPolicy()).disabled(o.disabled())));
  }

  /**
   * The HTTP check of the backend's servers ({@code option httpchk} and {@code http-check}), if it has one; servers
   * with {@code check} but no HTTP check are checked by a TCP connect ({@link io.veza.routing.health.Probes#tcp}).
   *
   * @return the check, or empty
   */
  public Optional<HttpCheck> httpCheck() {
    return Optional.ofNullable(httpCheck);
  }

  /**
   * Whether any server (or the template) has {@code check}: the gateway should {@link BackendPool#startChecks start
   * checks} on the pool.
   *
   * @return whether active checks are configured
   */
  public boolean checked() {
    return servers.stream().anyMatch(ServerSpec::check) || (template != null && template.options().check());
  }

  /**
   * The backend's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Where the backend is declared, {@code file:line}.
   *
   * @return the location
   */
  public String location() {
    return file + ":" + line;
  }

  /**
   * The balance algorithm.
   *
   * @return the balance
   */
  public Balance balance() {
    return balance;
  }

  /**
   * The {@code hash-type} as written ({@code consistent}, {@code map-based}, or empty when not set); both map onto
   * the jump consistent selection, see {@link HaproxyConfig}.
   *
   * @return the hash type
   */
  public String hashType() {
    return hashType;
  }

  /**
   * The cookie persistence, if any.
   *
   * @return the cookie, or empty
   */
  public Optional<CookiePersistence> cookie() {
    return Optional.ofNullable(cookie);
  }

  /**
   * HAProxy {@code retries} (default 3).
   *
   * @return the retries
   */
  public int retries() {
    return retries;
  }

  /**
   * {@code option redispatch}.
   *
   * @return whether failed connections may be redispatched
   */
  public boolean redispatch() {
    return redispatch;
  }

  /**
   * {@code option redispatch <interval>} (-1, the last retry, by default).
   *
   * @return the interval
   */
  public int redispatchInterval() {
    return redispatchInterval;
  }

  /**
   * {@code option persist}.
   *
   * @return whether a cookie keeps a DOWN server
   */
  public boolean persist() {
    return persist;
  }

  /**
   * {@code option allbackups}.
   *
   * @return whether every backup is used
   */
  public boolean allBackups() {
    return allBackups;
  }

  /**
   * {@code on-marked-down shutdown-sessions} (the pool applies it to every server).
   *
   * @return whether sessions of a server that goes DOWN are closed
   */
  public boolean shutdownSessionsOnMarkedDown() {
    return shutdownSessionsOnMarkedDown;
  }

  /**
   * {@code on-marked-up shutdown-backup-sessions} (the pool applies it to every server).
   *
   * @return whether backup sessions are closed when an active server comes up
   */
  public boolean shutdownBackupSessionsOnMarkedUp() {
    return shutdownBackupSessionsOnMarkedUp;
  }

  /**
   * The health policy of the backend's {@code default-server} line (the pool gives it to servers added at runtime).
   *
   * @return the policy
   */
  public HealthPolicy defaultHealthPolicy() {
    return defaultHealthPolicy;
  }

  /**
   * The servers in declaration order, each with its persistent id (HAProxy's puid).
   *
   * @return the servers
   */
  public List<ServerSpec> servers() {
    return servers;
  }

  /**
   * The {@code stick on} expression, if the backend has a stick table.
   *
   * @return the expression, e.g. {@code req.cook(JSESSIONID)}, or empty
   */
  public Optional<String> stickOn() {
    return Optional.ofNullable(stickKey).map(StickKey::toString);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HaproxyBackend b && b.name.equals(name) && b.balance.toString().equals(balance.toString())
        && Objects.equals(text(b.cookie), text(cookie)) && b.retries == retries && b.redispatch == redispatch
        && b.redispatchInterval == redispatchInterval && b.persist == persist && b.allBackups == allBackups
        && b.shutdownSessionsOnMarkedDown == shutdownSessionsOnMarkedDown
        && b.shutdownBackupSessionsOnMarkedUp == shutdownBackupSessionsOnMarkedUp
        && b.defaultHealthPolicy.equals(defaultHealthPolicy) && bySlot(b.servers).equals(bySlot(servers))
        && Objects.equals(b.httpCheck, httpCheck) && Objects.equals(b.stickOn(), stickOn())
        && b.stickSize == stickSize && Objects.equals(b.stickExpire, stickExpire)
        && Objects.equals(b.template, template);
  }

  /** Servers in slot order: what a pool keeps (declaration order is not a pool setting). */
  private static List<ServerSpec> bySlot(List<ServerSpec> list) {
    return list.stream().sorted(java.util.Comparator.comparingInt(ServerSpec::persistentId)
        .thenComparing(ServerSpec::id)).toList();
  }

  private static @Nullable String text(@Nullable CookiePersistence c) {
    return c == null ? null : c.toString() + (c.hasDynamicKey() ? " (dynamic key)" : "");
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, balance.toString(), retries, bySlot(servers), defaultHealthPolicy);
  }

  @Override
  public String toString() {
    return "HaproxyBackend{" + name + " at " + location() + ", balance " + balance + ", " + servers.size()
        + " servers" + (template != null ? ", server-template " + template.prefix() : "") + "}";
  }
}
