package io.veza.routing;

import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ServerStatus;
import io.veza.routing.health.TrackedServer;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One member of a {@link BackendPool} (HAProxy's {@code server} line), as the pool sees it: identity, hash slot,
 * address, cookie value, weight, health. Instances are created by the pool only; {@code decision.server() ==
 * pool.server(id).get()} while the server is a member, so a gateway may key its connection pools by identity.
 *
 * <p>A server keeps its identity for as long as it is a member: health, weight and address changes, slow start,
 * sessions and cookie pins all stay on the same instance. {@link BackendPool#remove(String)} detaches it
 * ({@link #isMember()} becomes false); reports about a detached server are ignored, so decisions still in flight
 * can be reported without error. Thread-safe: the mutable parts are read with volatile reads.
 */
public final class Server {
  /** The persistence-cookie strings of one server, replaced together when its address (dynamic cookie) changes. */
  record CookieStrings(@Nullable String value, @Nullable String written, @Nullable String staticSetCookie) {
    static final CookieStrings NONE = new CookieStrings(null, null, null);
  }

  private final BackendPool pool;
  private final String id;
  private final int persistentId;
  private final boolean backup;
  private final boolean checked;
  private final @Nullable String configuredCookie;
  final TrackedServer health;
  final ServerCounters counters;
  final SessionRegistry.Sessions sessions;
  private volatile int slot;
  private volatile CookieStrings cookie = CookieStrings.NONE;
  private volatile boolean member = true;
  /** Preallocated undated decisions, by reason and flags; filled lazily (benign races on immutable values). */
  final RouteDecision[] decisions = new RouteDecision[RouteDecision.CACHE_SIZE];

  Server(BackendPool pool, ServerSpec spec, TrackedServer health, int slot) {
    this.pool = pool;
    this.id = spec.id();
    this.persistentId = spec.persistentId();
    this.backup = spec.backup();
    this.checked = spec.check();
    this.configuredCookie = spec.cookie();
    this.health = health;
    this.slot = slot;
    this.counters = new ServerCounters();
    this.sessions = new SessionRegistry.Sessions();
  }

  /**
   * The server's name, unique in its pool (HAProxy's server name).
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The explicit persistent id (HAProxy {@code id N}) the server was configured with, or 0 when it has none.
   *
   * @return the id, or 0
   */
  public int persistentId() {
    return persistentId;
  }

  /**
   * The server's hash slot: {@code persistentId - 1} when it has a persistent id, otherwise the canonical slot the
   * pool assigned from the current membership (see {@link BackendPool}). Hashed pools map keys to slots with the
   * jump consistent hash.
   *
   * @return the slot, {@code >= 0}
   */
  public int slot() {
    return slot;
  }

  void slot(int newSlot) {
    this.slot = newSlot;
  }

  /**
   * Where the gateway connects to.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    InetSocketAddress a = health.address();
    if (a == null) {
      throw new IllegalStateException("server " + id + " has no address");
    }
    return a;
  }

  /**
   * The persistence-cookie value designating this server (HAProxy {@code cookie} keyword, or the {@code dynamic}
   * value), or null when it has none (it is never chosen by cookie and no cookie is set for it).
   *
   * @return the value, or null
   */
  public @Nullable String cookieValue() {
    return cookie.value();
  }

  @Nullable String configuredCookie() {
    return configuredCookie;
  }

  CookieStrings cookieStrings() {
    return cookie;
  }

  void cookieStrings(CookieStrings strings) {
    this.cookie = strings;
  }

  /**
   * The configured weight, 0..256 ({@code weight}); 0 behaves like DRAIN.
   *
   * @return the weight
   */
  public int weight() {
    return health.state().weight();
  }

  /**
   * Whether this is a backup server, used only when no active server is usable.
   *
   * @return whether it is a backup
   */
  public boolean backup() {
    return backup;
  }

  /**
   * Whether the pool's active checks include this server (HAProxy {@code check}).
   *
   * @return whether it is checked
   */
  public boolean checked() {
    return checked;
  }

  /**
   * The server's health policy.
   *
   * @return the policy
   */
  public HealthPolicy healthPolicy() {
    return health.policy();
  }

  /**
   * The server's health state machine, for direct use (record checks, observe, read counters). Prefer the pool's
   * admin methods, which validate against the pool's configuration.
   *
   * @return the tracked server
   */
  public TrackedServer health() {
    return health;
  }

  /**
   * The server's full health status now. Allocates.
   *
   * @return the status
   */
  public ServerStatus status() {
    return health.status();
  }

  /**
   * Whether the server is still a member of its pool.
   *
   * @return false once removed
   */
  public boolean isMember() {
    return member;
  }

  void detach() {
    member = false;
  }

  BackendPool pool() {
    return pool;
  }

  @Override
  public String toString() {
    return "Server{" + id + (persistentId > 0 ? " id " + persistentId : "") + ", slot " + slot + ", "
        + health.address() + (backup ? ", backup" : "") + ", " + health.state() + (member ? "" : ", removed") + '}';
  }
}
