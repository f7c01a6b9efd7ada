package io.veza.routing;

import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.ActiveChecker;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthEvent;
import io.veza.routing.health.HealthListener;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.HealthSnapshot;
import io.veza.routing.health.HealthTracker;
import io.veza.routing.health.Probe;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A backend (HAProxy's {@code backend} section): a fixed list of servers, a balance algorithm, persistence, and
 * the health of every server. One pool serves every gateway thread.
 *
 * <h2>Routing</h2>
 * {@link #route(RequestView)} decides in this order, as HAProxy does:
 * <ol>
 *   <li>persistence cookie: the first server in declaration order whose cookie value equals the request's and
 *       that is cookie-eligible (not DOWN, not MAINT; DRAIN and weight 0 still accepted) wins
 *       ({@link Reason#PERSISTED}); {@code option persist} also accepts a DOWN or MAINT server (HAProxy's rule);
 *   <li>stick table ({@code stick on}): a stored server that is cookie-eligible ({@link Reason#STICK_TABLE});
 *   <li>the balance algorithm over the load-balancing set ({@link Reason#BALANCED} / {@link Reason#HASHED});
 *       backups only when no active server is usable ({@link Reason#BACKUP}); a cookie naming a DOWN server
 *       or an unknown value is reported as {@link Reason#COOKIE_SERVER_DOWN} / {@link Reason#INVALID_COOKIE}
 *       with a fresh cookie;
 *   <li>nothing usable: {@link Reason#NO_SERVER}.
 * </ol>
 * Routing reads one immutable table (one volatile read), takes no lock, never throws because of the request,
 * and on its common paths returns preallocated decisions (0 bytes allocated per call).
 *
 * <h2>Health</h2>
 * The pool owns a {@link HealthTracker} (one server per configured server, same indexes). Every published
 * snapshot rebuilds the routing table off the request path. The gateway feeds passive health with
 * {@link #reportConnected}, {@link #reportConnectFailure}, {@link #reportResponse} and
 * {@link #reportTransportError} (counted per the server's {@code observe} policy), and active checks with
 * {@link HealthTracker#recordCheck} or {@link #startChecks(Probe)}. Slow start progresses
 * when {@link HealthTracker#refresh()} runs (the active checker calls it).
 *
 * <h2>Sessions</h2>
 * {@link #registerSession} tracks long-lived sessions per server; {@code on-marked-down shutdown-sessions} and
 * {@code on-marked-up shutdown-backup-sessions} close them on health events.
 */
public final class BackendPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BackendPool.class.getName());
  private static final Reason[] REASONS = Reason.values();

  private final String name;
  private final ImmutableList<Server> servers;
  private final Map<String, Server> byId;
  private final Balance balance;
  private final KeyHasher keyHasher;
  private final boolean redispatch;
  private final boolean shutdownSessionsOnMarkedDown;
  private final boolean shutdownBackupSessionsOnMarkedUp;
  private final PoolLayout layout;
  private final HealthTracker tracker;
  private final SessionRegistry sessions;
  private final StickTable stickTable;
  /** decisions[reason][server]: preallocated decisions that carry nothing request-specific. */
  private final RouteDecision[][][] decisions;
  private static final int REWRITE = 1;
  private static final int WITH_SET_COOKIE = 2;
  private static final ThreadLocal<CookieMatch> MATCH = ThreadLocal.withInitial(CookieMatch::new);
  private final InstantSource wallClock;
  private final CookieBinding cookies;
  private final boolean rewritesRequestCookies;
  private final ResponseCookieAction responseCookieAction;
  /** Per server, the undated Set-Cookie constant of insert mode (identity-compared), or null. */
  private final String[] staticSetCookies;
  private final RouteDecision.RequestCookieRewriter requestCookieRewriter = this::forwardedCookieHeaders;
  private final RouteDecision noServer;
  private final Consumer<HealthSnapshot> snapshotListener = this::install;
  private final HealthListener sessionListener = this::onHealthEvent;
  private final Object installLock = new Object();
  private volatile RoutingTable table;
  private volatile boolean closed;
  private final List<ActiveChecker> checkers = new CopyOnWriteArrayList<>();

  private BackendPool(Builder b, ImmutableList<Server> servers) {
    this.name = b.name;
    this.servers = servers;
    Map<String, Server> ids = new HashMap<>();
    for (Server s : servers) {
      ids.put(s.id(), s);
    }
    this.byId = Map.copyOf(ids);
    this.balance = b.balance;
    this.keyHasher = b.keyHasher;
    this.redispatch = b.redispatch;
    this.shutdownSessionsOnMarkedDown = b.shutdownSessionsOnMarkedDown;
    this.shutdownBackupSessionsOnMarkedUp = b.shutdownBackupSessionsOnMarkedUp;
    this.layout = new PoolLayout(servers, b.allBackups, balance.isHash(), b.persist);
    this.wallClock = b.wallClock;
    List<String> cookieValues = new ArrayList<>();
    for (Server s : servers) {
      cookieValues.add(s.cookieValue());
    }
    this.cookies = b.cookie == null ? null : CookieBinding.bind(b.cookie, cookieValues);
    this.rewritesRequestCookies = b.cookie != null
        && ((b.cookie.mode() == CookiePersistence.Mode.INSERT && b.cookie.indirect())
            || b.cookie.mode() == CookiePersistence.Mode.PREFIX);
    this.responseCookieAction = responseCookieAction(b.cookie);
    HealthTracker.Builder tb = HealthTracker.builder().ticker(b.ticker);
    for (Server s : servers) {
      tb.addServer(s.id(), s.weight(), s.healthPolicy());
    }
    for (HealthListener l : b.healthListeners) {
      tb.listener(l);
    }
    this.tracker = tb.build();
    this.sessions = new SessionRegistry(servers, b.sessionCloseExecutor, b.sessionCloseErrorHandler);
    this.stickTable = b.stickKey == null ? null
        : new StickTable(b.stickKey, b.stickMaxSize, b.stickExpireAfterIdle, b.ticker);
    this.staticSetCookies = new String[servers.size()];
    this.decisions = new RouteDecision[4][REASONS.length][servers.size()];
    boolean nocache = b.cookie != null && b.cookie.nocache();
    for (Server s : servers) {
      String setCookie = cookies == null ? null
          : cookies.setCookie(s.index(), new CookieMatch(), true, false, 0);
      // the undated Set-Cookie is a per-server constant: dated ones are built per request instead
      staticSetCookies[s.index()] = b.cookie != null && (b.cookie.maxIdleSeconds() != 0 || b.cookie.maxLifeSeconds() != 0)
          ? null : setCookie;
      for (int variant = 0; variant < 4; variant++) {
        boolean rewrite = (variant & REWRITE) != 0;
        boolean withCookie = (variant & WITH_SET_COOKIE) != 0;
        if ((rewrite && !rewritesRequestCookies) || (withCookie && staticSetCookies[s.index()] == null)) {
          continue;
        }
        for (Reason reason : REASONS) {
          if (reason != Reason.NO_SERVER) {
            String sc = withCookie ? staticSetCookies[s.index()] : null;
            decisions[variant][reason.ordinal()][s.index()] = new RouteDecision(s, reason, sc, sc != null && nocache,
                rewrite ? requestCookieRewriter : null, responseCookieAction);
          }
        }
      }
    }
    this.noServer = RouteDecision.plain(null, Reason.NO_SERVER);
    tracker.addListener(sessionListener);
    tracker.addSnapshotListener(snapshotListener);
    install(tracker.snapshot());
  }

  /** A builder for a pool named {@code name} (used in messages and {@link #toString()}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The pool's name. */
  public String name() {
    return name;
  }

  /** The servers in declaration order; {@code servers().get(i).index() == i}. */
  public List<Server> servers() {
    return servers;
  }

  /** The server with this id, if configured. */
  public Optional<Server> server(String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /** The balance algorithm. */
  public Balance balance() {
    return balance;
  }

  /** The health tracker behind the pool: record checks, set admin states and weights, read snapshots. */
  public HealthTracker health() {
    return tracker;
  }

  /**
   * Routes one request. Lock-free, never throws because of the request (a null view, null or malformed values
   * are treated as absent), and allocates nothing on its common paths.
   */
  public RouteDecision route(RequestView request) {
    RoutingTable t = table;
    long now = cookies == null ? 0 : nowSeconds(); // one clock read per decision: matching and Set-Cookie agree
    CookieMatch m = null;
    if (cookies != null && request != null) {
      m = matchCookies(request, t, now);
      if (m.server >= 0) {
        // HAProxy: a cookie-designated server is "direct"; stick rules do not override it but still store it
        RouteDecision d = cookieDecision(Reason.PERSISTED, m.server, m, request, now);
        storeStick(request, d.server());
        return d;
      }
    }
    String stickKey = null;
    if (stickTable != null && request != null) {
      stickKey = stickTable.key(request);
      if (stickKey != null) {
        Server stuck = stickTable.lookup(stickKey);
        if (stuck != null && t.cookieUsable(stuck.index())) {
          return cookieDecision(Reason.STICK_TABLE, stuck.index(), m, request, now);
        }
      }
    }
    int picked = balance(t, request, RoutingTable.NONE);
    if (picked < 0) {
      return noServer;
    }
    Reason reason = pickedReason(picked);
    if (m != null) {
      if (m.status == CookieMatch.DOWN) {
        reason = Reason.COOKIE_SERVER_DOWN;
      } else if (m.status != CookieMatch.NONE) {
        reason = Reason.INVALID_COOKIE; // unknown value, bad signature, maxidle/maxlife expiry
      }
    }
    RouteDecision d = cookieDecision(reason, pickedServer(picked), m, request, now);
    if (stickKey != null) {
      stickTable.store(stickKey, d.server());
    }
    return d;
  }

  /** Reads the persistence cookie of every {@code Cookie} header in order into the thread's reusable match. */
  private CookieMatch matchCookies(RequestView request, RoutingTable t, long now) {
    CookieMatch m = MATCH.get().reset();
    try {
      int n = request.headerCount("Cookie");
      for (int i = 0; i < n; i++) {
        cookies.match(request.header("Cookie", i), t, false, now, m);
      }
    } catch (RuntimeException e) {
      m.reset(); // a misbehaving view carries no cookie
    }
    return m;
  }

  private long nowSeconds() {
    return Math.floorDiv(wallClock.millis(), 1000L);
  }

  /**
   * The decision for {@code server} with what the cookie configuration requires: a preallocated instance unless a
   * dated cookie must be written.
   */
  private RouteDecision cookieDecision(Reason reason, int server, CookieMatch m, RequestView request, long now) {
    if (cookies == null) {
      return decisions[0][reason.ordinal()][server];
    }
    if (m == null) {
      m = MATCH.get().reset();
    }
    boolean rewrite = rewritesRequestCookies && m.status != CookieMatch.NONE;
    String setCookie;
    try {
      setCookie = cookies.setCookie(server, m, isPost(request), false, now);
    } catch (RuntimeException e) {
      setCookie = null;
    }
    int variant = rewrite ? REWRITE : 0;
    if (setCookie == null) {
      return decisions[variant][reason.ordinal()][server];
    }
    if (setCookie == staticSetCookies[server]) {
      return decisions[variant | WITH_SET_COOKIE][reason.ordinal()][server];
    }
    return new RouteDecision(servers.get(server), reason, setCookie, cookies.nocache(),
        rewrite ? requestCookieRewriter : null, responseCookieAction);
  }

  private static boolean isPost(RequestView request) {
    try {
      return request != null && "POST".equals(request.method());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void storeStick(RequestView request, Server server) {
    if (stickTable != null) {
      String key = stickTable.key(request);
      if (key != null) {
        stickTable.store(key, server);
      }
    }
  }

  private List<String> forwardedCookieHeaders(RequestView request, RouteDecision decision) {
    List<String> out = new ArrayList<>();
    for (String header : RouteDecision.copyCookieHeaders(request)) {
      String forwarded = cookies.forwardedCookieHeader(header);
      if (forwarded != null) {
        out.add(forwarded);
      }
    }
    return out;
  }

  private static ResponseCookieAction responseCookieAction(CookiePersistence cookie) {
    if (cookie == null) {
      return ResponseCookieAction.NONE;
    }
    if (cookie.preserve()) {
      return ResponseCookieAction.PRESERVE;
    }
    switch (cookie.mode()) {
      case INSERT:
        return ResponseCookieAction.DELETE;
      case REWRITE:
        return ResponseCookieAction.REWRITE;
      case PREFIX:
        return ResponseCookieAction.PREFIX;
      default:
        return ResponseCookieAction.NONE;
    }
  }

  /**
   * Applies the cookie configuration to one {@code Set-Cookie} header value of the backend's response (HAProxy
   * {@code http_manage_server_side_cookies}): returns the value to forward (the same instance when unchanged), or
   * {@code null} when the header must be removed. For the persistence cookie: {@code preserve} leaves it,
   * {@code insert} removes it (ours replaces it), {@code rewrite} replaces its value by the server's, {@code prefix}
   * prepends {@code SRV~}; spaces around {@code =} are removed from every cookie, as HAProxy does. Without cookie
   * persistence, or for a decision without server, returns {@code backendSetCookie}.
   */
  public String rewriteResponseSetCookie(RouteDecision decision, String backendSetCookie) {
    if (cookies == null || decision == null || decision.server() == null || backendSetCookie == null
        || !owns(decision.server())) {
      return backendSetCookie;
    }
    return cookies.rewriteSetCookie(backendSetCookie, decision.server().index(),
        decision.reason() == Reason.PERSISTED);
  }

  /**
   * Whether a backend {@code Set-Cookie} value sets the persistence cookie itself. With
   * {@link ResponseCookieAction#PRESERVE} the gateway must then not add {@link RouteDecision#setCookie()}
   * (HAProxy {@code preserve}). False without cookie persistence.
   */
  public boolean isPersistenceSetCookie(CharSequence backendSetCookie) {
    return cookies != null && backendSetCookie != null && cookies.isOurSetCookie(backendSetCookie);
  }

  /** The cookie persistence configuration, if any. */
  public Optional<CookiePersistence> cookie() {
    return Optional.ofNullable(cookies == null ? null : cookies.config());
  }

  /**
   * Chooses a server for a retry after {@code failed} could not be used (connect failure, or a 503 the gateway
   * retries). With {@code redispatch}, the request is balanced again avoiding the failed server
   * ({@link Reason#REDISPATCHED}; a hashed key goes where it would go if the failed server were down, and the
   * failed server is returned only when it is the only usable one, as HAProxy's {@code srvtoavoid}). Without
   * {@code redispatch} the retry goes to the same server, as HAProxy's {@code retries} do. A {@code failed}
   * decision without server is routed afresh. Never throws because of the request.
   */
  public RouteDecision retry(RequestView request, RouteDecision failed) {
    if (failed == null || failed.server() == null || !owns(failed.server())) {
      return route(request);
    }
    if (!redispatch) {
      return failed;
    }
    RoutingTable t = table;
    int avoid = failed.server().index();
    int picked = balance(t, request, avoid);
    if (picked < 0) {
      return noServer;
    }
    long now = cookies == null ? 0 : nowSeconds();
    CookieMatch m = cookies != null && request != null ? matchCookies(request, t, now) : null;
    RouteDecision d = cookieDecision(Reason.REDISPATCHED, pickedServer(picked), m, request, now);
    if (request != null) {
      storeStick(request, d.server());
    }
    return d;
  }

  /** Packed pick: reason ordinal in the high byte, server index below; negative for none. */
  private int balance(RoutingTable t, RequestView request, int avoid) {
    Reason kind = t.activeUsable ? Reason.BALANCED : Reason.BACKUP;
    if (layout.hashing && request != null) {
      CharSequence source = balance.keySource(request);
      long range = balance.keyRange(source);
      if (range != Balance.NO_KEY) {
        long hash;
        try {
          hash = keyHasher.hash(source, Balance.from(range), Balance.to(range));
        } catch (RuntimeException e) {
          hash = 0; // unreachable with a well-behaved CharSequence; a broken one must not fail the request
          range = Balance.NO_KEY;
        }
        if (range != Balance.NO_KEY) {
          int server = avoid < 0 ? t.hashed(hash) : t.hashedAvoiding(hash, avoid);
          return server < 0 ? -1 : pack(t.activeUsable ? Reason.HASHED : Reason.BACKUP, server);
        }
      }
    }
    int server = avoid < 0 ? t.nextRoundRobin() : t.nextRoundRobinAvoiding(avoid);
    return server < 0 ? -1 : pack(kind, server);
  }

  private static int pack(Reason reason, int server) {
    return reason.ordinal() << 24 | server;
  }

  private static Reason pickedReason(int picked) {
    return REASONS[picked >>> 24];
  }

  private static int pickedServer(int picked) {
    return picked & 0xFFFFFF;
  }

  /** Passive health, {@code observe layer4}: a connection to {@code server} was established. */
  public void reportConnected(Server server) {
    tracker.observeConnect(indexOf(server), true);
  }

  /** Passive health, {@code observe layer4}: connecting to {@code server} failed (refused, timeout...). */
  public void reportConnectFailure(Server server) {
    tracker.observeConnect(indexOf(server), false);
  }

  /**
   * Passive health, {@code observe layer7}: {@code server} answered with {@code httpStatus}. 100-499, 501 and
   * 505 are fine; 500, 502-504 and the other 5xx are errors.
   */
  public void reportResponse(Server server, int httpStatus) {
    tracker.observeHttpStatus(indexOf(server), httpStatus);
  }

  /** Passive health, {@code observe layer7}: a read error, timeout or close after connect. */
  public void reportTransportError(Server server) {
    tracker.observeTransportError(indexOf(server));
  }

  /**
   * Registers a long-lived session (WebSocket, stream) on {@code server}. {@code close} runs at most once, when
   * the pool shuts the session down ({@code shutdown-sessions} when the server goes DOWN or to MAINT,
   * {@code shutdown-backup-sessions} on a backup when an active server comes up); it runs on the configured
   * session-close executor (by default the thread delivering the health event), outside any lock, and an
   * exception it throws goes to the session-close error handler. If the server is already DOWN or in MAINT when
   * the session registers (it was routed just before the failure) and {@code shutdown-sessions} is on, the
   * session is shut down at once. Closing the returned registration unregisters it. O(1), thread-safe.
   *
   * @throws IllegalArgumentException if {@code server} is not one of this pool's servers
   */
  public SessionRegistration registerSession(Server server, Runnable close) {
    int index = indexOf(server);
    Objects.requireNonNull(close, "close");
    SessionRegistry.Registration r = sessions.register(servers.get(index), close);
    // Registered before reading the snapshot, and the tracker publishes before delivering WENT_DOWN: either the
    // shutdown pass sees this registration or this check sees the DOWN snapshot.
    if (shutdownSessionsOnMarkedDown && !tracker.snapshot().isCookieEligible(index)) {
      sessions.shutdown(r);
    }
    return r;
  }

  /**
   * Starts active health checks of every server with {@code probe} on the checker's own threads (intervals,
   * rise/fall and slow-start refresh per each server's policy). Closing the pool stops them. For more control
   * (one probe per server, an executor, a seed for the spread jitter) build an
   * {@link ActiveChecker#builder(HealthTracker)} on {@link #health()}.
   */
  public ActiveChecker startChecks(Probe probe) {
    Objects.requireNonNull(probe, "probe");
    ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe).start();
    checkers.add(checker);
    if (closed) {
      checker.close();
    }
    return checker;
  }

  /** Number of sessions currently registered on {@code server}. */
  public int sessionCount(Server server) {
    return sessions.count(indexOf(server));
  }

  /** Number of live stick-table entries (0 without {@code stickOn}). */
  public long stickTableSize() {
    return stickTable == null ? 0 : stickTable.size();
  }

  private void onHealthEvent(HealthEvent e) {
    if (closed) {
      return;
    }
    switch (e.kind()) {
      case WENT_DOWN:
        if (shutdownSessionsOnMarkedDown) {
          sessions.shutdown(e.server());
        }
        break;
      case ADMIN_STATE_CHANGED:
        // entering MAINT on a server that was already DOWN emits no WENT_DOWN; sessions kept by persist go too
        if (shutdownSessionsOnMarkedDown && e.current().admin() == AdminState.MAINT) {
          sessions.shutdown(e.server());
        }
        break;
      case CAME_UP:
        if (shutdownBackupSessionsOnMarkedUp && !layout.isBackup[e.server()]) {
          for (int b : layout.backups) {
            sessions.shutdown(b);
          }
        }
        break;
      default:
        break;
    }
  }

  /** Installs the table for {@code snapshot} unless a newer one is installed already. */
  private void install(HealthSnapshot snapshot) {
    synchronized (installLock) {
      RoutingTable current = table;
      if (current != null && current.snapshot.version() >= snapshot.version()) {
        return;
      }
      table = new RoutingTable(layout, snapshot);
    }
  }

  /** The health snapshot the current routing table was built from. */
  HealthSnapshot routedSnapshot() {
    return table.snapshot;
  }

  private boolean owns(Server server) {
    int i = server.index();
    return i >= 0 && i < servers.size() && (servers.get(i) == server || servers.get(i).equals(server));
  }

  private int indexOf(Server server) {
    if (server == null || !owns(server)) {
      throw new IllegalArgumentException("server must belong to pool " + name + ", was " + server);
    }
    return server.index();
  }

  /** Detaches the pool from its tracker's listeners; routing keeps working on the last table. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (ActiveChecker checker : checkers) {
      checker.close();
    }
    tracker.removeSnapshotListener(snapshotListener);
    tracker.removeListener(sessionListener);
  }

  @Override
  public String toString() {
    return "BackendPool{" + name + ", balance " + balance + ", " + servers.size() + " servers}";
  }

  /**
   * Configuration of a {@link BackendPool}; not thread-safe. {@link #build()} validates everything and throws
   * {@link IllegalArgumentException} naming the field and the value.
   */
  public static final class Builder {
    private final String name;
    private final List<ServerSpec> specs = new ArrayList<>();
    private Balance balance = Balance.roundRobin();
    private CookiePersistence cookie;
    private KeyHasher keyHasher = KeyHashers.xxh3();
    private boolean redispatch;
    private boolean persist;
    private boolean allBackups;
    private boolean shutdownSessionsOnMarkedDown;
    private boolean shutdownBackupSessionsOnMarkedUp;
    private Ticker ticker = Ticker.systemTicker();
    private InstantSource wallClock = InstantSource.system();
    private HealthPolicy defaultHealthPolicy = HealthPolicy.defaults();
    private final List<HealthListener> healthListeners = new ArrayList<>();
    private Executor sessionCloseExecutor = Runnable::run;
    private BiConsumer<Server, RuntimeException> sessionCloseErrorHandler = (server, e) ->
        LOG.log(System.Logger.Level.WARNING, "session close callback failed on server " + server.id(), e);
    private Function<? super RequestView, ? extends CharSequence> stickKey;
    private long stickMaxSize;
    private Duration stickExpireAfterIdle;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Adds a server ({@code server <id> <address>}) with weight 1, no cookie value, not backup and the default
     * health policy.
     */
    public Builder server(String id, InetSocketAddress address) {
      return server(id, address, spec -> { });
    }

    /**
     * Adds a server configured by {@code options}, for example
     * {@code .server("api1", addr, s -> s.cookie("a1").weight(10))}.
     */
    public Builder server(String id, InetSocketAddress address, Consumer<ServerSpec> options) {
      ServerSpec spec = new ServerSpec(id, address);
      options.accept(spec);
      specs.add(spec);
      return this;
    }

    /** The balance algorithm (default {@link Balance#roundRobin()}). */
    public Builder balance(Balance balance) {
      this.balance = Objects.requireNonNull(balance, "balance");
      return this;
    }

    /**
     * Cookie persistence ({@code cookie SERVERID insert indirect nocache} and the rest of HAProxy's grammar);
     * default none. Server cookie values come from {@link ServerSpec#cookie(String)}, or from the
     * {@code dynamic} key and the server address when the server sets none.
     */
    public Builder cookie(CookiePersistence cookie) {
      this.cookie = Objects.requireNonNull(cookie, "cookie");
      return this;
    }

    /**
     * The key hasher of hash balancing (default {@link KeyHashers#xxh3()}); use {@link KeyHashers#xxh3(long)} with
     * a secret seed shared by every gateway so that outsiders cannot aim keys at one server.
     */
    public Builder keyHasher(KeyHasher keyHasher) {
      this.keyHasher = Objects.requireNonNull(keyHasher, "keyHasher");
      return this;
    }

    /** {@code option redispatch}: a retry may go to another server than the failed one. */
    public Builder redispatch(boolean redispatch) {
      this.redispatch = redispatch;
      return this;
    }

    /** {@code option persist}: a cookie (or stick entry) naming a DOWN or MAINT server still goes to it, as in HAProxy. */
    public Builder persist(boolean persist) {
      this.persist = persist;
      return this;
    }

    /** {@code option allbackups}: with no active server usable, balance over every usable backup. */
    public Builder allBackups(boolean allBackups) {
      this.allBackups = allBackups;
      return this;
    }

    /** {@code on-marked-down shutdown-sessions}: close a server's sessions when it goes DOWN or to MAINT. */
    public Builder shutdownSessionsOnMarkedDown(boolean enabled) {
      this.shutdownSessionsOnMarkedDown = enabled;
      return this;
    }

    /** {@code on-marked-up shutdown-backup-sessions}: close backup sessions when an active server comes up. */
    public Builder shutdownBackupSessionsOnMarkedUp(boolean enabled) {
      this.shutdownBackupSessionsOnMarkedUp = enabled;
      return this;
    }

    /** Monotonic time for health, slow start and stick-table expiry (default {@link Ticker#systemTicker()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Wall-clock time for cookie dates ({@code maxidle}/{@code maxlife}); default the system clock. */
    public Builder wallClock(InstantSource wallClock) {
      this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
      return this;
    }

    /** The health policy of servers that do not set their own ({@code default-server}). */
    public Builder defaultHealthPolicy(HealthPolicy policy) {
      this.defaultHealthPolicy = Objects.requireNonNull(policy, "defaultHealthPolicy");
      return this;
    }

    /** Adds a listener told of every health transition of the pool's servers. */
    public Builder healthListener(HealthListener listener) {
      healthListeners.add(Objects.requireNonNull(listener, "healthListener"));
      return this;
    }

    /** Where session close callbacks run (default: directly, on the thread delivering the health event). */
    public Builder sessionCloseExecutor(Executor executor) {
      this.sessionCloseExecutor = Objects.requireNonNull(executor, "sessionCloseExecutor");
      return this;
    }

    /** Told of exceptions thrown by session close callbacks (default: logged at WARNING). */
    public Builder sessionCloseErrorHandler(BiConsumer<Server, RuntimeException> handler) {
      this.sessionCloseErrorHandler = Objects.requireNonNull(handler, "sessionCloseErrorHandler");
      return this;
    }

    /**
     * {@code stick-table type string size maxSize expire expireAfterIdle} + {@code stick on key}: requests with
     * the same key go to the same server while it stays cookie-eligible (an entry naming a DOWN or MAINT server is
     * ignored and replaced). A {@code null} key, or an exception from {@code key}, means "no key". Consulted after
     * the persistence cookie and before balancing.
     */
    public Builder stickOn(Function<? super RequestView, ? extends CharSequence> key, long maxSize,
                           Duration expireAfterIdle) {
      this.stickKey = Objects.requireNonNull(key, "stickOn key");
      this.stickMaxSize = maxSize;
      this.stickExpireAfterIdle = expireAfterIdle;
      return this;
    }

    /**
     * Validates the configuration and builds the pool.
     *
     * @throws IllegalArgumentException naming the field and the value of the first invalid setting
     */
    public BackendPool build() {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("pool name must be non-empty, was " + Balance.quote(name));
      }
      if (specs.isEmpty()) {
        throw new IllegalArgumentException("servers must not be empty, was 0 servers (pool " + name + ")");
      }
      if (specs.size() > 0xFFFFFF) {
        throw new IllegalArgumentException("servers must be at most 16777215, was " + specs.size());
      }
      if (stickKey != null) {
        if (stickMaxSize <= 0) {
          throw new IllegalArgumentException("stick-table size must be > 0, was " + stickMaxSize);
        }
        if (stickExpireAfterIdle == null || stickExpireAfterIdle.isNegative() || stickExpireAfterIdle.isZero()) {
          throw new IllegalArgumentException("stick-table expire must be > 0, was " + stickExpireAfterIdle);
        }
      }
      Map<String, Integer> seen = new HashMap<>();
      ImmutableList.Builder<Server> list = ImmutableList.builderWithExpectedSize(specs.size());
      for (ServerSpec spec : specs) {
        int index = seen.size();
        Server s = spec.toServer(index, defaultHealthPolicy, name, cookie);
        if (seen.putIfAbsent(s.id(), index) != null) {
          throw new IllegalArgumentException(
              "server id must be unique, was duplicate " + Balance.quote(s.id()) + " (pool " + name + ")");
        }
        list.add(s);
      }
      return new BackendPool(this, list.build());
    }
  }

  /**
   * Options of one server line: {@code cookie}, {@code weight}, {@code backup}, and its health policy. Values are
   * validated by {@link Builder#build()}.
   */
  public static final class ServerSpec {
    private final String id;
    private final InetSocketAddress address;
    private String cookie;
    private int weight = 1;
    private boolean backup;
    private HealthPolicy healthPolicy;

    private ServerSpec(String id, InetSocketAddress address) {
      this.id = id;
      this.address = address;
    }

    /**
     * {@code cookie <value>}: the persistence cookie value designating this server. HAProxy accepts the same
     * value on several servers; the first cookie-eligible one in declaration order wins.
     */
    public ServerSpec cookie(String value) {
      this.cookie = value;
      return this;
    }

    /** {@code weight <0..256>} (default 1); 0 takes no load-balanced traffic, like DRAIN. */
    public ServerSpec weight(int weight) {
      this.weight = weight;
      return this;
    }

    /** {@code backup}: used only when no active server is usable. */
    public ServerSpec backup(boolean backup) {
      this.backup = backup;
      return this;
    }

    /** {@code backup}. */
    public ServerSpec backup() {
      return backup(true);
    }

    /** The server's health-check and observation policy (default: the pool's default policy). */
    public ServerSpec healthPolicy(HealthPolicy policy) {
      this.healthPolicy = policy;
      return this;
    }

    private Server toServer(int index, HealthPolicy defaultPolicy, String pool, CookiePersistence persistence) {
      String where = " (pool " + pool + ", server #" + index + ")";
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("server id must be non-empty, was " + Balance.quote(id) + where);
      }
      where = " (pool " + pool + ", server " + id + ")";
      if (address == null) {
        throw new IllegalArgumentException("server address must not be null, was null" + where);
      }
      if (weight < 0 || weight > Server.MAX_WEIGHT) {
        throw new IllegalArgumentException("server weight must be in [0, 256], was " + weight + where);
      }
      String value = persistence == null ? cookie
          : persistence.serverCookie(cookie, address.getAddress(), address.getPort());
      if (value != null && value.isEmpty()) {
        throw new IllegalArgumentException("server cookie must be non-empty, was \"\"" + where);
      }
      return new Server(index, id, address, value, weight, backup,
          healthPolicy == null ? defaultPolicy : healthPolicy);
    }
  }
}
