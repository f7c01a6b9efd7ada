package io.veza.routing;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.hash.JumpSelector;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.health.ActiveChecker;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthTracker;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.Probe;
import io.veza.routing.health.TrackedServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A backend (HAProxy's {@code backend} section): a live set of servers, a balance algorithm, persistence, retries,
 * and the health of every server. One pool serves every gateway thread. Build it with {@link #builder(String)}.
 *
 * <h2>Routing</h2>
 * {@link #route(RequestView)} decides in this order, as HAProxy does:
 * <ol>
 *   <li>persistence cookie: the first server carrying the request's cookie value (in slot order) that is
 *       cookie-eligible (not DOWN, not MAINT; DRAIN, STOPPING and weight 0 still accepted) wins
 *       ({@link Reason#PERSISTED}); {@code option persist} also accepts a DOWN or MAINT server;
 *   <li>stick table ({@code stick on}): a stored server that is still a member and cookie-eligible
 *       ({@link Reason#STICK_TABLE});
 *   <li>the balance algorithm over the balanceable active servers ({@link Reason#BALANCED} / {@link Reason#HASHED});
 *       backups only when no active server is balanceable ({@link Reason#BACKUP}); a cookie naming a DOWN server or
 *       an unknown value is reported as {@link Reason#COOKIE_SERVER_DOWN} / {@link Reason#INVALID_COOKIE};
 *   <li>nothing usable: {@link Reason#NO_SERVER}.
 * </ol>
 * Routing reads one immutable table (one volatile read), takes no lock, never throws because of the request, and
 * returns preallocated decisions on its common paths (0 bytes allocated per call). The work per request is bounded:
 * at most {@link Builder#maxCookieHeaders} {@code Cookie} headers and {@link Builder#maxCookieBytes} characters of
 * them are read (past a cap the persistence cookie counts as absent).
 *
 * <h2>Membership</h2>
 * Servers join, leave and change at runtime ({@link #add}, {@link #remove}, {@link #replace}, {@link #update} for
 * a whole membership from a {@link io.veza.routing.discovery.Discovery}). A server that joins gets the pool's
 * default-server policy (unless its spec brings one) and starts in the pool's join state. Servers that are not
 * touched keep their health, slow-start progress, sessions, stick-table entries and cookie pins. A removed server's
 * cookie stops matching at once (its clients are re-pinned), its sessions are shut down (unless configured
 * otherwise), and reports about it are ignored.
 *
 * <h2>Hash slots</h2>
 * Hashed pools map a key to a slot with the health-aware jump consistent hash, then the slot to its server. A
 * server's slot is its persistent id minus one ({@link ServerSpec.Builder#id(int)}, HAProxy's {@code id}); servers
 * without one take the lowest free slots in name order. Both rules depend only on the current membership, never on
 * the order in which servers were added, so every gateway that sees the same membership agrees on every key. With
 * persistent ids, a joining server takes only the keys that now belong to it (about 1/(n+1) when it takes slot n),
 * a leaving one gives up only its own keys, and changing one server's weight moves keys only to or from it. Without
 * ids, a server whose name sorts before others shifts their slots (and keys): give ids to hashed pools whose
 * membership changes; {@link io.veza.routing.discovery.DnsDiscovery} assigns them for you.
 *
 * <h2>Propagation</h2>
 * A health, admin or membership change is in the routing table before the call that made it returns: the health
 * tracker's synchronous hook updates the table in O(log n) under the pool's table lock. Listeners and session close
 * callbacks run apart, on their own executors, and can neither delay nor lose such a change.
 *
 * <h2>Thread-safety</h2>
 * Everything is thread-safe. Routing and reporting are lock-free; membership changes serialize on one lock.
 */
public final class BackendPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BackendPool.class.getName());

  private static final Comparator<Server> SLOT_ORDER =
      Comparator.comparingInt((Server s) -> s.slot()).thenComparing(s -> s.id());

  private final PoolConfig config;
  private final String name;
  private final HealthTracker tracker;
  private final @Nullable CookieStage cookies;
  private final @Nullable StickTable stickTable;
  private final SessionRegistry sessions;
  private final boolean hashing;
  private final double hashScale;
  /** {@link Builder#statistics}: whether the request path counts (decisions, errors, retries, responses). */
  private final boolean statistics;

  private final Object membershipLock = new Object();
  private final Object tableLock = new Object();
  private volatile RoutingTable table;
  private final Map<String, Server> byId = new ConcurrentHashMap<>();
  private final Map<TrackedServer, Server> byHealth = new ConcurrentHashMap<>();
  // guarded by membershipLock
  private final TreeSet<Integer> activeSlots = new TreeSet<>();
  private final TreeSet<Integer> backupSlots = new TreeSet<>();
  private final Map<Integer, Server> explicitSlots = new HashMap<>();
  private final TreeMap<String, Server> idless = new TreeMap<>();
  private final Map<Integer, Server> idlessBySlot = new HashMap<>();

  private final LongAdder noServerDecisions = new LongAdder();
  private final List<ActiveChecker> checkers = new CopyOnWriteArrayList<>();
  private volatile boolean checksRunning;
  private volatile boolean closed;

  private BackendPool(PoolConfig config) {
    this.config = config;
    this.name = config.name;
    this.hashing = config.balance.isHash();
    this.hashScale = config.hashWeightScale;
    this.statistics = config.statistics;
    this.cookies = config.cookie == null ? null : new CookieStage(config.cookie);
    this.stickTable = config.stickKey == null ? null
        : new StickTable(config.stickKey, config.stickMaxSize, config.stickExpireAfterIdle, config.ticker);
    this.sessions = new SessionRegistry(config.sessionCloseExecutor, config.sessionCloseErrorHandler);
    this.table = RoutingTable.empty(hashing);
    HealthTracker.Builder tb = HealthTracker.builder().ticker(config.ticker).scheduler(config.scheduler)
        .stateHook(this::stateChanged);
    if (config.listenerExecutor != null) {
      tb.listenerExecutor(config.listenerExecutor);
    }
    config.healthListeners.forEach(tb::listener);
    this.tracker = tb.build();
    // one placement pass for the whole configuration: adding id-less servers one by one would move already placed
    // ones each time a name sorts before them (O(n^2) table updates for names like s1, s2, ..., s10, s11...)
    synchronized (membershipLock) {
      List<Server> members = new ArrayList<>(config.servers.size());
      for (ServerSpec spec : config.servers) {
        members.add(register(spec, false));
      }
      synchronized (tableLock) {
        RoutingTable t = table;
        for (Server s : members) {
          if (s.persistentId() > 0) {
            t = install(t, s);
          }
        }
        table = reassignIdless(t).sealed();
      }
    }
  }

  /**
   * A builder for a pool named {@code name} (used in messages, statistics and {@link #toString()}).
   *
   * @param name the pool name (HAProxy's backend name)
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(Objects.requireNonNull(name, "name"));
  }

  // ------------------------------------------------------------------------------------------------ reads

  /**
   * The pool's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The current members in slot order. Allocates a copy.
   *
   * @return the servers
   */
  public List<Server> servers() {
    List<Server> list = new ArrayList<>(byId.values());
    list.sort(SLOT_ORDER);
    return list;
  }

  /**
   * The member with this id, if any.
   *
   * @param id a server id (null: empty)
   * @return the server, or empty
   */
  public Optional<Server> server(@Nullable String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /**
   * The number of members.
   *
   * @return the count
   */
  public int size() {
    return byId.size();
  }

  /**
   * The balance algorithm.
   *
   * @return the algorithm
   */
  public Balance balance() {
    return config.balance;
  }

  /**
   * The cookie persistence configuration, if any.
   *
   * @return the configuration, or empty
   */
  public Optional<CookiePersistence> cookie() {
    return Optional.ofNullable(config.cookie);
  }

  /**
   * The default-server health policy: what a server that brings no policy of its own gets, at build and when it
   * joins at runtime ({@link Builder#defaultHealthPolicy}).
   *
   * @return the policy
   */
  public io.veza.routing.health.HealthPolicy defaultHealthPolicy() {
    return config.defaultHealthPolicy;
  }

  /**
   * The health tracker behind the pool: add listeners, read servers' health. Membership goes through the pool.
   *
   * @return the tracker
   */
  public HealthTracker health() {
    return tracker;
  }

  /**
   * The pool's validated configuration as given to its builder (servers as at build time).
   *
   * @return the configuration
   */
  PoolConfig config() {
    return config;
  }

  // ------------------------------------------------------------------------------------------------ routing

  /**
   * Routes one request. Lock-free, never throws because of the request (a null view, null or malformed values, a
   * view that throws, are treated as absent), and allocates nothing on its common paths.
   *
   * @param request the request, or null
   * @return the decision
   */
  public RouteDecision route(@Nullable RequestView request) {
    RoutingTable t = table;
    int ticket = Stripes.current();
    CookieStage stage = cookies;
    // the method's flags serve the cookie stage only (nocache's cacheability, postonly): not read without one
    int flags = stage == null ? 0 : requestFlags(request);
    int cookieStatus = CookieMatch.NONE;
    int lastDate = 0;
    int firstDate = 0;
    if (stage != null && request != null) {
      int count;
      CharSequence first = null;
      try {
        count = request.headerCount("Cookie");
        if (count >= 1 && count <= config.maxCookieHeaders) {
          first = request.header("Cookie", 0);
        }
      } catch (RuntimeException e) {
        count = 0; // a misbehaving view carries no cookie
      }
      Server direct = null;
      long single = count <= 0 ? CookieStage.NO_OCCURRENCE
          : count == 1 && stage.singleMatch() && first instanceof String s && s.length() <= config.maxCookieBytes
          ? stage.findSingle(s) : CookieStage.NEEDS_MATCH;
      if (single >= 0) {
        // CookieStage.match for one undated occurrence: the first cookie-eligible server carrying the value
        int valBeg = CookieHeaders.valueStart(single);
        int valEnd = CookieHeaders.valueEnd(single);
        cookieStatus = CookieMatch.INVALID;
        Server[] candidates = valEnd == valBeg ? null : t.cookies.lookup((String) first, valBeg, valEnd);
        if (candidates != null) {
          for (Server c : candidates) {
            boolean usable = c.health.state().isCookieEligible();
            cookieStatus = usable ? CookieMatch.VALID : CookieMatch.DOWN;
            if (usable || config.persist) {
              direct = c;
              break;
            }
          }
        }
      } else if (single == CookieStage.NEEDS_MATCH) {
        CookieMatch m = matchCookies(request, t, count, first);
        cookieStatus = m.status;
        direct = m.server;
        lastDate = m.lastDate;
        firstDate = m.firstDate;
      }
      if (cookieStatus != CookieMatch.NONE) {
        flags |= RouteDecision.HAD_COOKIE;
      }
      if (direct != null) {
        // HAProxy: a cookie-designated server is "direct"; stick rules do not override it but still store it
        RouteDecision d = decision(direct, Reason.PERSISTED, flags | RouteDecision.DIRECT, lastDate, firstDate, ticket);
        storeStick(request, direct);
        return d;
      }
    }
    String stickKey = null;
    if (stickTable != null && request != null) {
      stickKey = stickTable.key(request);
      if (stickKey != null) {
        Server stuck = stickTable.lookup(stickKey);
        if (stuck != null && (stuck.health.state().isCookieEligible() || config.persist)) {
          // HAProxy process_sticking_rules: a stick match is SF_DIRECT | SF_ASSIGNED, like a cookie match
          return decision(stuck, Reason.STICK_TABLE, flags | RouteDecision.DIRECT, lastDate, firstDate, ticket);
        }
      }
    }
    long key = keyHash(request);
    // a balanced pick with statistics: round robin may count it itself ("Counting picks" in RoundRobin)
    boolean countable = statistics && cookieStatus == CookieMatch.NONE;
    Server picked = balance(t, key, null, ticket, countable);
    if (picked == null) {
      if (statistics) {
        noServerDecisions.increment();
      }
      return RouteDecision.NO_SERVER;
    }
    Reason reason = picked.backup() ? Reason.BACKUP : key != NO_KEY ? Reason.HASHED : Reason.BALANCED;
    if (cookieStatus == CookieMatch.DOWN) {
      reason = Reason.COOKIE_SERVER_DOWN;
    } else if (cookieStatus != CookieMatch.NONE) {
      reason = Reason.INVALID_COOKIE; // unknown value, bad signature, maxidle/maxlife expiry
    }
    RouteDecision d = countable && reason == Reason.BALANCED && t.activeRoundRobin.countsPicks(ticket)
        ? RouteDecision.of(picked, reason, flags, lastDate, firstDate)
        : decision(picked, reason, flags, lastDate, firstDate, ticket);
    if (stickKey != null) {
      stickTable.store(stickKey, picked);
    }
    return d;
  }

  private int requestFlags(@Nullable RequestView request) {
    if (request == null) {
      return 0;
    }
    try {
      String method = request.method();
      if (method == null) {
        return 0;
      }
      int flags = Cacheability.cacheableMethod(method) ? RouteDecision.CACHEABLE_METHOD : 0;
      return "POST".equals(method) ? flags | RouteDecision.POST : flags;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private RouteDecision decision(Server server, Reason reason, int flags, int lastDate, int firstDate, int ticket) {
    if (statistics) {
      server.counters.increment(ticket, reason.ordinal());
    }
    return RouteDecision.of(server, reason, flags, lastDate, firstDate);
  }

  private static final ThreadLocal<CookieMatch> MATCH = ThreadLocal.withInitial(CookieMatch::new);

  /**
   * Reads the persistence cookie of the {@code Cookie} headers in order, within the caps; never throws. {@code count}
   * and {@code first} are the view's header count and first header, already read (each header is read once).
   */
  private CookieMatch matchCookies(RequestView request, RoutingTable t, int count, @Nullable CharSequence first) {
    CookieMatch m = MATCH.get().reset();
    CookieStage stage = cookies;
    if (count > config.maxCookieHeaders) {
      return m; // past the cap: the cookie counts as absent
    }
    try {
      long now = stage.dated() ? nowSeconds() : 0; // only maxidle and maxlife compare dates with the clock
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        CharSequence h = i == 0 ? first : request.header("Cookie", i);
        if (h == null) {
          continue;
        }
        bytes += h.length();
        if (bytes > config.maxCookieBytes) {
          return m.reset();
        }
        stage.match(h, t.cookies, config.persist, now, m);
      }
    } catch (RuntimeException e) {
      m.reset(); // a misbehaving view carries no cookie
    }
    return m;
  }

  private long nowSeconds() {
    return Math.floorDiv(config.wallClock.millis(), 1000L);
  }

  private void storeStick(RequestView request, Server server) {
    if (stickTable != null) {
      String key = stickTable.key(request);
      if (key != null) {
        stickTable.store(key, server);
      }
    }
  }

  /** {@link #keyHash}: the request has no key (or the pool does not hash). A real hash equal to it is remapped. */
  private static final long NO_KEY = Long.MIN_VALUE;

  /**
   * The request's key hash for hash balancing, or {@link #NO_KEY}. Never throws: a view or a {@code CharSequence}
   * that misbehaves (lengths that lie, exceptions) means no key.
   */
  private long keyHash(@Nullable RequestView request) {
    if (!hashing || request == null) {
      return NO_KEY;
    }
    CharSequence source = config.balance.keySource(request);
    if (source == null) {
      return NO_KEY;
    }
    try {
      return config.balance.keyHash(source, config.keyHasher, NO_KEY);
    } catch (RuntimeException e) {
      return NO_KEY;
    }
  }

  /**
   * The balanced pick: by {@code key} when there is one (hash pools), else round robin; avoiding {@code avoid} if
   * another server is usable. Null when nothing is usable. {@code countable}: a pick without {@code avoid} becomes a
   * balanced decision that round robin may count itself ({@link RoundRobin#nextBalanced}).
   */
  private @Nullable Server balance(RoutingTable t, long key, @Nullable Server avoid, int ticket, boolean countable) {
    boolean active = t.activeUsable;
    if (key != NO_KEY) {
      return hashed(t, key, active, avoid);
    }
    if (active) {
      RoundRobin rr = t.activeRoundRobin;
      if (countable && avoid == null) {
        int slot = rr.nextBalanced(ticket);
        return slot < 0 ? null : t.server(slot);
      }
      // with statistics, only counted picks move an owner's position (RoundRobin, "Counting picks")
      int pick = statistics ? RoundRobin.uncounted(ticket) : ticket;
      int slot = avoid == null || avoid.backup() ? rr.next(pick) : rr.nextAvoiding(pick, avoid.slot());
      return slot < 0 ? null : t.server(slot);
    }
    if (config.allBackups) {
      RoundRobin rr = t.backupRoundRobin;
      int slot = avoid == null || !avoid.backup() ? rr.next(ticket) : rr.nextAvoiding(ticket, avoid.slot());
      return slot < 0 ? null : t.server(slot);
    }
    return firstBackup(t, avoid);
  }

  /** HAProxy without {@code allbackups}: the first balanceable backup in slot order (the next one if avoided). */
  private static @Nullable Server firstBackup(RoutingTable t, @Nullable Server avoid) {
    if (t.backupUp.total() == 0) {
      return null;
    }
    int slot = t.backupUp.find(0);
    if (avoid != null && avoid.backup() && slot == avoid.slot() && t.backupUp.total() > 1) {
      slot = t.backupUp.find(1);
    }
    return t.server(slot);
  }

  private @Nullable Server hashed(RoutingTable t, long hash, boolean active, @Nullable Server avoid) {
    JumpSelector sel;
    if (active) {
      sel = t.activeSelector;
    } else if (config.allBackups) {
      sel = t.backupSelector;
    } else {
      return firstBackup(t, avoid);
    }
    if (sel == null) {
      return null;
    }
    if (avoid != null && avoid.backup() == !active && avoid.slot() < sel.slots() && sel.isUsable(avoid.slot())) {
      JumpSelector without = sel.withUsable(avoid.slot(), false);
      if (without.usableCount() > 0) {
        sel = without; // the keys of the failed server go where they would go if it were down
      }
    }
    int slot = sel.select(hash);
    return slot == JumpSelector.NONE ? null : t.server(slot);
  }

  /**
   * What to do after a connection to {@code failed.server()} failed (the gateway reports the failure with
   * {@link #reportConnectFailure} first): the next decision, or null when the request must fail (HAProxy's
   * {@code retries} are exhausted). {@code failures} counts the failed attempts of this request so far, 1 after the
   * first. HAProxy {@code back_handle_st_cer} + {@code stream_choose_redispatch}: with {@code option redispatch}
   * the retry goes to another server ({@link Reason#REDISPATCHED}; a hashed key goes where it would go if the failed
   * server were down) when the failed server is not running, when this retry is a redispatch retry
   * ({@code redispatch <interval>}: every interval-th retry, or counting back from the last one; default the last),
   * or at once for a request that no cookie pinned when round robin has several active servers; otherwise the retry
   * goes to the same server. Never throws because of the request.
   *
   * @param request the request being retried
   * @param failed the decision whose connection failed
   * @param failures failed attempts so far, at least 1
   * @return the next decision, or null to give up (answer 503)
   */
  public @Nullable RouteDecision retry(@Nullable RequestView request, RouteDecision failed, int failures) {
    Server server = failed.server();
    if (server == null || server.pool() != this) {
      return failures > config.retries ? null : route(request);
    }
    if (failures > config.retries) {
      if (statistics) {
        server.counters.increment(ServerCounters.CONNECT_ERRORS);
      }
      return null;
    }
    RoutingTable t = table;
    boolean otherActive = !server.backup()
        && t.activeWeights.total() - t.activeWeights.weight(server.slot()) > 0;
    boolean redispatch = (config.redispatch && (server.health.state().operational() != OperationalState.UP
        || redispatchTurn(failures)
        || (!failed.direct() && !hashing && otherActive)))
        || !server.isMember();
    int ticket = Stripes.current();
    if (!redispatch) {
      if (statistics) {
        server.counters.increment(ticket, ServerCounters.RETRIES);
      }
      return failed;
    }
    Server picked = balance(t, keyHash(request), server, ticket, false);
    if (picked == null) {
      if (statistics) {
        noServerDecisions.increment();
      }
      return RouteDecision.NO_SERVER;
    }
    int flags = failed.flags() & ~RouteDecision.DIRECT;
    if (picked == server) {
      // HAProxy (assign_server_and_queue): a redispatch that lands on the same server counts as a retry (wretr), not
      // a redispatch, and is no load-balanced connection (cum_lbconn only counts when the server changed): the
      // decision is not counted among the decisions per reason, which give lbtot
      if (statistics) {
        server.counters.increment(ticket, ServerCounters.RETRIES);
      }
      return RouteDecision.of(picked, Reason.REDISPATCHED, flags, 0, 0);
    }
    if (statistics) {
      server.counters.increment(ticket, ServerCounters.REDISPATCHES);
    }
    if (request != null) {
      storeStick(request, picked);
    }
    return decision(picked, Reason.REDISPATCHED, flags, 0, 0, ticket);
  }

  /** HAProxy: {@code redispatch_after > 0}: every N-th retry; {@code < 0}: counting from the last retry. */
  private boolean redispatchTurn(int failures) {
    int after = config.redispatchInterval;
    if (after > 0) {
      return failures % after == 0;
    }
    if (after < 0) {
      int period = config.retries + 1 + after;
      return period > 0 && failures % period == 0;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------ phases

  /**
   * The request phase: the {@code Cookie} headers to forward for {@code decision} (HAProxy edits them whenever a
   * persistence cookie is configured: {@code indirect} removes ours, {@code prefix} strips {@code SRV~}, spaces
   * around {@code '='} go; a cookie carrying CR, LF or NUL is dropped). {@link RequestEdits#NONE} (no allocation)
   * when nothing changes. At most {@link Builder#maxCookieHeaders} headers are read; when a cookie is configured
   * and the request has more, only the first {@code maxCookieHeaders} (edited) are forwarded, since the others were
   * not inspected. Without a cookie configuration the {@code Cookie} headers are not touched at all. Never throws
   * because of the request.
   *
   * @param decision the decision the request was routed with
   * @param request the same request
   * @return the edits
   */
  public RequestEdits editRequest(RouteDecision decision, @Nullable RequestView request) {
    Objects.requireNonNull(decision, "decision");
    CookieStage stage = cookies;
    if (stage == null || request == null) {
      return RequestEdits.NONE;
    }
    try {
      int count = request.headerCount("Cookie");
      int n = Math.min(count, config.maxCookieHeaders);
      // past the cap the headers were not inspected (our cookie, CR/LF): they are not forwarded
      List<String> out = count > n ? new ArrayList<>(n) : null;
      for (int i = 0; i < n; i++) {
        CharSequence h = request.header("Cookie", i);
        if (h == null) {
          continue;
        }
        CharSequence fwd = forwardCookieHeader(decision, h);
        if (out == null && fwd != h) {
          out = new ArrayList<>(n);
          for (int k = 0; k < i; k++) {
            CharSequence prev = request.header("Cookie", k);
            if (prev != null) {
              out.add(prev.toString());
            }
          }
        }
        if (out != null && fwd != null) {
          out.add(fwd.toString());
        }
      }
      return out == null ? RequestEdits.NONE : new RequestEdits(true, List.copyOf(out));
    } catch (RuntimeException e) {
      return new RequestEdits(true, List.of()); // a broken view: forward no cookie rather than garbage
    }
  }

  /**
   * One {@code Cookie} header value as the backend must receive it (see {@link #editRequest}): the same instance
   * when unchanged (allocation-free), null when the header must be dropped, else a new {@code String}: with
   * {@code indirect}, a cookie hit allocates exactly the forwarded header. For gateways that edit headers one by one
   * without building a list. Never throws because of the value: a {@code CharSequence} that throws is dropped (null),
   * as {@link #editRequest} drops the cookies of a broken view.
   *
   * <p>Cost: linear in the header's length, whatever the number of cookies removed (HAProxy's own loop moves the
   * rest of the header for every cookie it deletes). A plain header (no double quote, no {@code ','}, no CR, LF or
   * NUL, no blank next to a cookie's {@code '='}: what browsers send) is read with {@link String#indexOf}, a few
   * vectorised scans plus two per cookie; any other header is edited character by character in a per-thread buffer
   * (at most 8,192 characters are kept per thread; a longer header uses a buffer of its own).
   *
   * <p>The result is a {@code String}, not a view over {@code cookieHeader} that skips the removed cookies, although
   * such a view would save the copy: a view is not {@code equal} to the {@code String} with the same characters,
   * keeps the whole request header reachable, and moves the cost to whoever reads it (Netty 4.2 encodes every header
   * value but an {@code AsciiString} one {@code charAt} call at a time: inlined for a {@code String}, a virtual call
   * through the removed ranges for a view).
   *
   * @param decision the decision the request was routed with
   * @param cookieHeader one {@code Cookie} header value of the request
   * @return the value to forward, or null to drop the header
   */
  public @Nullable CharSequence forwardCookieHeader(RouteDecision decision, CharSequence cookieHeader) {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(cookieHeader, "cookieHeader");
    CookieStage stage = cookies;
    if (stage == null) {
      return cookieHeader;
    }
    try {
      String h = cookieHeader.toString();
      String plain = stage.forwardPlain(h);
      if (plain != CookieHeaders.NOT_PLAIN) {
        return plain; // h itself when unchanged
      }
      int n = h.length();
      char[] b = CharScratch.get(n);
      h.getChars(0, n, b, 0);
      if (CookieHeaders.hasControlCharacter(b, n)) {
        String kept = CookieHeaders.dropCookiesWithControlCharacters(h);
        return kept == null ? null : stage.forwardedCookieHeader(kept);
      }
      int len = stage.rewrite(b, n);
      return len == CookieHeaders.UNCHANGED ? (h == cookieHeader ? cookieHeader : h)
          : len == 0 ? null : new String(b, 0, len);
    } catch (RuntimeException e) {
      return null; // a value that cannot be read is not forwarded
    }
  }

  /**
   * The response phase: what to change in the backend's response for {@code decision}, HAProxy
   * {@code http_process_res_common}: the backend's {@code Set-Cookie} headers after
   * {@code http_manage_server_side_cookies} (insert removes the backend's own persistence cookie unless
   * {@code preserve}, rewrite replaces its value, prefix prepends {@code SRV~}, spaces around {@code '='} go), then
   * the persistence cookie when one must be inserted (a new or re-pinned client, a date to refresh), and under
   * {@code nocache} a {@code Cache-Control: private} when the response would otherwise be cacheable (see
   * {@link Cacheability}). Interim 1xx responses are left alone; 101 upgrades are edited. {@link ResponseEdits#NONE}
   * (no allocation) when nothing changes. Never throws because of the response.
   *
   * @param decision the decision the request was routed with
   * @param response the backend's response
   * @return the edits
   */
  public ResponseEdits editResponse(RouteDecision decision, @Nullable ResponseView response) {
    CookieStage stage = cookies;
    Server server = decision.server();
    if (stage == null || server == null || response == null) {
      return ResponseEdits.NONE;
    }
    try {
      int status = response.status();
      if (status < 200 && status != 101) {
        return ResponseEdits.NONE;
      }
      int n = Math.min(response.headerCount("Set-Cookie"), config.maxCookieHeaders);
      boolean foundOurs = false;
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        CharSequence v = response.header("Set-Cookie", i);
        if (v == null) {
          continue;
        }
        foundOurs |= stage.isOurSetCookie(v);
        String s = v.toString();
        if (stage.rewriteSetCookie(s, server, decision.direct()) != s) {
          changed = true;
        }
      }
      String ours = stage.setCookie(server, decision, foundOurs, nowSeconds());
      String cacheControl = ours != null && stage.nocache()
          && Cacheability.cacheable(decision.cacheableMethod(), response, config.maxCookieHeaders)
          ? "private" : null;
      if (!changed && ours == null) {
        return ResponseEdits.NONE;
      }
      List<String> out = new ArrayList<>(n + 1);
      for (int i = 0; i < n; i++) {
        CharSequence v = response.header("Set-Cookie", i);
        if (v != null) {
          String rewritten = stage.rewriteSetCookie(v.toString(), server, decision.direct());
          if (rewritten != null) {
            out.add(rewritten);
          }
        }
      }
      if (ours != null) {
        out.add(ours);
      }
      return new ResponseEdits(true, List.copyOf(out), cacheControl);
    } catch (RuntimeException e) {
      return ResponseEdits.NONE; // a broken view: forward the response as it is
    }
  }

  // ------------------------------------------------------------------------------------------------ reports

  /**
   * Passive health, {@code observe layer4}: a connection to {@code server} was established. Ignored for a server
   * that left the pool. Like every report, it feeds passive health only for a server with {@code check}
   * ({@link Server#checked()}), as HAProxy's {@code health_adjust} does nothing without a check.
   *
   * @param server the server
   */
  public void reportConnected(Server server) {
    if (observes(Objects.requireNonNull(server, "server"))) {
      server.health.observeConnect(true);
    }
  }

  /**
   * Passive health, {@code observe layer4}/{@code layer7}: connecting to {@code server} failed (refused, timeout).
   * Observed only for a server with {@code check} (see {@link #reportConnected}).
   *
   * @param server the server
   */
  public void reportConnectFailure(Server server) {
    if (observes(Objects.requireNonNull(server, "server"))) {
      server.health.observeConnect(false);
    }
  }

  /**
   * Passive health, {@code observe layer7}: {@code server} answered with {@code httpStatus} (100-499, 501 and 505 are
   * fine; 500, 502-504 and other 5xx are errors), observed only for a server with {@code check}. Also counts the
   * response class for statistics.
   *
   * @param server the server
   * @param httpStatus the status
   */
  public void reportResponse(Server server, int httpStatus) {
    if (owns(Objects.requireNonNull(server, "server"))) {
      if (statistics) {
        server.counters.increment(ServerCounters.statusClass(httpStatus));
      }
      if (server.checked()) {
        server.health.observeHttpStatus(httpStatus);
      }
    }
  }

  /**
   * Passive health, {@code observe layer7}: a read error, timeout or close after connect ({@code eresp}), observed
   * only for a server with {@code check}.
   *
   * @param server the server
   */
  public void reportTransportError(Server server) {
    if (owns(Objects.requireNonNull(server, "server"))) {
      if (statistics) {
        server.counters.increment(ServerCounters.RESPONSE_ERRORS);
      }
      if (server.checked()) {
        server.health.observeTransportError();
      }
    }
  }

  private boolean owns(@Nullable Server server) {
    return server != null && server.pool() == this;
  }

  /**
   * Whether reports about {@code server} feed its passive health: a member with {@code check}. HAProxy 2.6
   * {@code health_adjust} (include/haproxy/check.h) returns at once when {@code !s->observe || !s->check.task}: a
   * server without {@code check} has no check task, so {@code observe} alone never changes its state.
   */
  private boolean observes(Server server) {
    return owns(server) && server.checked();
  }

  // ------------------------------------------------------------------------------------------------ sessions

  /**
   * Registers a long-lived session (WebSocket, stream) on {@code server}. {@code close} runs at most once, when the
   * pool shuts the session down ({@code shutdown-sessions} when the server goes DOWN or to MAINT or leaves the
   * pool, {@code shutdown-backup-sessions} on a backup when an active server comes up), on the session-close
   * executor, and what it throws goes to the error handler. A session registering on a server already DOWN, in
   * MAINT or removed is shut down at once when shutdown-sessions is on. Closing the returned registration
   * unregisters it. O(1), thread-safe.
   *
   * @param server a server of this pool
   * @param close what to run when the pool shuts the session down
   * @return the registration
   * @throws IllegalArgumentException if {@code server} belongs to another pool
   */
  public SessionRegistration registerSession(Server server, Runnable close) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(close, "close");
    if (!owns(server)) {
      throw new IllegalArgumentException("server must belong to pool " + name + ", was " + server);
    }
    Objects.requireNonNull(close, "close");
    SessionRegistry.Registration r = sessions.register(server, close);
    // registered before reading the state, and the state is written before the hook shuts sessions down: either
    // the shutdown pass sees this registration or this check sees the new state
    if ((config.shutdownSessionsOnMarkedDown && !server.health.state().isCookieEligible())
        || (!server.isMember() && config.shutdownSessionsOnRemoval)) {
      sessions.shutdown(r);
    }
    return r;
  }

  /**
   * Number of sessions currently registered on {@code server}.
   *
   * @param server the server
   * @return the count
   */
  public int sessionCount(Server server) {
    return server.sessions.current.get();
  }

  /**
   * Number of live stick-table entries (0 without {@code stickOn}).
   *
   * @return the count
   */
  public long stickTableSize() {
    return stickTable == null ? 0 : stickTable.size();
  }

  // ------------------------------------------------------------------------------------------------ checks

  /**
   * Starts active health checks of every server with {@code check} (default all), present and future, with
   * {@code probe} on the checker's own thread (intervals, rise/fall per each server's policy). Closing the pool stops
   * them. While checks run, servers that join start in the pool's join state ({@code FULLY_DOWN} by default: they
   * take traffic after {@code rise} passed checks, through slow start).
   *
   * @param probe the probe, e.g. {@code Probes.http(client, "/api/v1/health").build()}
   * @return the checker
   */
  public ActiveChecker startChecks(Probe probe) {
    Objects.requireNonNull(probe, "probe");
    ActiveChecker checker = ActiveChecker.builder(tracker).probe(probe)
        .filter(ts -> !uncheckedIds.contains(ts.id()))
        .start();
    checkers.add(checker);
    checksRunning = true;
    if (closed) {
      checker.close();
    }
    return checker;
  }

  /**
   * Whether this pool runs active health checks ({@link #startChecks} was called and the pool is open): a member
   * with {@link Server#checked()} then has its checks enabled (HAProxy {@code CHK_ST_ENABLED}, which decides what
   * {@code show stat} prints in {@code status} and the check columns).
   *
   * @return whether checks run
   */
  public boolean checksRunning() {
    return checksRunning && !closed;
  }

  /** Ids of members (and members being added) without {@code check}: the checker's filter reads it. */
  private final Set<String> uncheckedIds = ConcurrentHashMap.newKeySet();

  // ------------------------------------------------------------------------------------------------ membership

  /**
   * Adds a server at runtime (HAProxy {@code add server}, but with the pool's default-server policy: a spec without
   * its own policy gets {@link Builder#defaultHealthPolicy}). It starts in the join state
   * ({@link Builder#joinState}).
   *
   * @param spec the server
   * @return the new member
   * @throws IllegalArgumentException if its id or persistent id is taken, its cookie value is invalid, or (hashed
   *     pools) its weight is above the hash weight scale
   */
  public Server add(ServerSpec spec) {
    return add(spec, true);
  }

  private Server add(ServerSpec spec, boolean joining) {
    synchronized (membershipLock) {
      Server server = register(spec, joining);
      synchronized (tableLock) {
        if (server.persistentId() > 0) {
          int slot = server.slot();
          Server displaced = idlessBySlot.get(slot);
          RoutingTable t = table;
          if (displaced != null) {
            t = unplace(t, displaced);
          }
          t = install(t, server);
          table = reassignIdless(t).sealed();
        } else {
          table = reassignIdless(table).sealed();
        }
      }
      return server;
    }
  }

  /**
   * Under membershipLock: validates {@code spec}, adds its server to the health tracker and to the pool's maps (an
   * explicit slot is taken, an id-less server waits for {@link #reassignIdless}); the caller places it in the table.
   */
  private Server register(ServerSpec spec, boolean joining) {
    Objects.requireNonNull(spec, "spec");
    checkOpen();
    String id = spec.id();
    if (byId.containsKey(id)) {
      throw new IllegalArgumentException("server id must be unique in pool " + name + ", was duplicate \"" + id
          + "\"");
    }
    if (spec.persistentId() > 0 && explicitSlots.containsKey(spec.persistentId() - 1)) {
      throw new IllegalArgumentException("server persistent id must be unique in pool " + name + ", was "
          + spec.persistentId() + " (server " + id + "; taken by " + explicitSlots.get(spec.persistentId() - 1).id()
          + ")");
    }
    checkHashWeight(id, spec.weight());
    checkHashSlots(spec);
    Server.CookieStrings strings = cookieStrings(spec.id(), spec.cookie(), spec.address());
    io.veza.routing.health.HealthPolicy policy = spec.healthPolicy() == null ? config.defaultHealthPolicy
        : spec.healthPolicy();
    if (joining) {
      InitialState join = config.joinState != null ? config.joinState
          : checksRunning && spec.check() ? InitialState.FULLY_DOWN : null;
      if (join != null && join != policy.initialState()) {
        policy = policy.toBuilder().initialState(join).build();
      }
    }
    if (!spec.check()) {
      uncheckedIds.add(id); // before tracker.add, whose membership hook asks the checkers' filter
    }
    // a disabled server is in MAINT from its first instant: no DOWN transition, no event, never routable
    TrackedServer health = tracker.add(id, spec.weight(), policy, spec.address(),
        spec.disabled() ? AdminState.MAINT : AdminState.READY);
    Server server = new Server(this, spec, health, -1);
    server.cookieStrings(strings);
    synchronized (tableLock) {
      // not in the table yet: until it is placed the state hook finds no slot for it, and placing reads its state
      byId.put(id, server);
      byHealth.put(health, server);
      if (spec.persistentId() > 0) {
        explicitSlots.put(spec.persistentId() - 1, server);
        server.slot(spec.persistentId() - 1);
      } else {
        idless.put(id, server);
      }
    }
    return server;
  }

  /** With a fixed {@code hashSlots}: a persistent id must fit, and the pool must have room for one more server. */
  private void checkHashSlots(ServerSpec spec) {
    int fixed = config.hashSlots;
    if (fixed == 0) {
      return;
    }
    if (spec.persistentId() > fixed) {
      throw new IllegalArgumentException("server persistent id must be at most hashSlots " + fixed + " of pool " + name
          + ", was " + spec.persistentId() + " (server " + spec.id() + ")");
    }
    if (byId.size() >= fixed) {
      throw new IllegalArgumentException("pool " + name + " is full: hashSlots " + fixed + " servers, cannot add "
          + spec.id());
    }
  }

  private Server.CookieStrings cookieStrings(String id, @Nullable String configured,
                                             InetSocketAddress address) {
    if (cookies == null) {
      return Server.CookieStrings.NONE;
    }
    String value = config.cookie.serverCookie(configured, address.getAddress(), address.getPort());
    return cookies.strings(id, value);
  }

  private void checkHashWeight(String id, int weight) {
    if (hashing && weight > hashScale) {
      throw new IllegalArgumentException("server weight must be at most the hash weight scale " + (int) hashScale
          + " of pool " + name + " (raising the scale re-shards keys: build the pool with hashWeightScale(n)), was "
          + weight + " (server " + id + ")");
    }
  }

  /** Under tableLock: {@code server} placed at its slot with its current state, cookie indexed. */
  private RoutingTable install(RoutingTable t, Server server) {
    int slot = server.slot();
    if (server.backup()) {
      backupSlots.add(slot);
    } else {
      activeSlots.add(slot);
    }
    t = t.withSelectorSlots(selectorSlots(activeSlots), selectorSlots(backupSlots));
    t = t.place(server, slot, server.health.state(), hashScale);
    String value = server.cookieValue();
    if (value != null) {
      t = t.withCookies(t.cookies.add(value, server));
    }
    return t;
  }

  /**
   * Under tableLock: {@code server} taken out of the table (slot cleared, cookie unindexed). Idempotent: a server
   * already taken out, whose slot another server may hold by now (an id-less server displaced by a persistent id),
   * leaves that slot and its group's slot set alone.
   */
  private RoutingTable unplace(RoutingTable t, Server server) {
    int slot = server.slot();
    if (slot < 0) {
      return t;
    }
    String value = server.cookieValue();
    if (value != null) {
      t = t.withCookies(t.cookies.remove(value, server));
    }
    if (t.server(slot) != server) {
      return t;
    }
    t = t.clear(slot, server.backup());
    (server.backup() ? backupSlots : activeSlots).remove(slot);
    return t.withSelectorSlots(selectorSlots(activeSlots), selectorSlots(backupSlots));
  }

  /**
   * A hash selector's slot count: the pool's fixed {@code hashSlots}, or the group's highest slot + 1 (a function of
   * the membership alone, so every gateway agrees; see {@link Builder#hashSlots(int)} for what holes cost).
   */
  private int selectorSlots(TreeSet<Integer> slots) {
    if (config.hashSlots > 0) {
      return config.hashSlots;
    }
    return slots.isEmpty() ? 0 : slots.last() + 1;
  }

  /**
   * Under tableLock: gives the id-less servers the lowest slots not held by a persistent id, in name order, and
   * moves those whose slot changed. O(number of id-less servers), O(moved) table updates.
   */
  private RoutingTable reassignIdless(RoutingTable t) {
    int next = 0;
    List<Server> moved = new ArrayList<>();
    Map<Integer, Server> wanted = new HashMap<>();
    for (Server s : idless.values()) {
      while (explicitSlots.containsKey(next)) {
        next++;
      }
      if (s.slot() != next) {
        moved.add(s);
      }
      wanted.put(next, s);
      next++;
    }
    for (Server s : moved) {
      if (s.slot() >= 0) {
        t = unplace(t, s);
      }
    }
    idlessBySlot.clear();
    idlessBySlot.putAll(wanted);
    for (Map.Entry<Integer, Server> e : wanted.entrySet()) {
      Server s = e.getValue();
      if (s.slot() != e.getKey() || t.server(e.getKey()) != s) {
        s.slot(e.getKey());
        t = install(t, s);
      }
    }
    return t;
  }

  /**
   * Removes a server at runtime (HAProxy {@code del server}): its cookie stops matching, routing stops choosing it
   * before this returns, its sessions are shut down (with {@link Builder#shutdownSessionsOnRemoval}, default on),
   * and later reports about it are ignored.
   *
   * @param id the server id
   * @return whether a server was removed
   */
  public boolean remove(String id) {
    Server server;
    synchronized (membershipLock) {
      server = byId.get(id);
      if (server == null) {
        return false;
      }
      // first the tracker (no more state hook for it), then the table: no lock is held across both
      tracker.remove(server.health);
      synchronized (tableLock) {
        RoutingTable t = unplace(table, server);
        byId.remove(id);
        byHealth.remove(server.health);
        if (server.persistentId() > 0) {
          explicitSlots.remove(server.persistentId() - 1);
        } else {
          idless.remove(id);
          idlessBySlot.remove(server.slot());
        }
        server.detach();
        table = reassignIdless(t).sealed();
      }
      uncheckedIds.remove(id);
    }
    if (config.shutdownSessionsOnRemoval) {
      sessions.shutdown(server);
    }
    return true;
  }

  /**
   * Replaces the definition of an existing server (same id), keeping what it can: an address change keeps health,
   * slow start, sessions and pins (HAProxy {@code set server addr}; a {@code dynamic} cookie value follows the
   * address), a weight change is a weight change; any other change (cookie, backup, persistent id, check, policy)
   * makes it a new server (removed, then added in the join state). Adds the server if absent.
   *
   * @param spec the new definition
   * @return the member after the change
   */
  public Server replace(ServerSpec spec) {
    synchronized (membershipLock) {
      Server current = byId.get(spec.id());
      if (current == null) {
        return add(spec);
      }
      if (!sameServer(specOf(current), normalised(spec))) {
        remove(spec.id());
        return add(spec);
      }
      if (!spec.address().equals(current.health.address())) {
        setAddress(spec.id(), spec.address());
      }
      if (spec.weight() != current.weight()) {
        setWeight(spec.id(), spec.weight());
      }
      return current;
    }
  }

  /** Whether a server defined by {@code now} can become {@code wanted} in place (address and weight changes only). */
  private static boolean sameServer(ServerSpec now, ServerSpec wanted) {
    return Objects.equals(now.cookie(), wanted.cookie()) && now.backup() == wanted.backup()
        && now.persistentId() == wanted.persistentId() && now.check() == wanted.check()
        && Objects.equals(now.healthPolicy(), wanted.healthPolicy());
  }

  private ServerSpec specOf(Server s) {
    return ServerSpec.builder(s.id(), Objects.requireNonNull(s.health.address()))
        .weight(s.weight()).cookie(s.configuredCookie()).backup(s.backup()).id(s.persistentId()).check(s.checked())
        .healthPolicy(s.healthPolicy() == config.defaultHealthPolicy ? null : s.healthPolicy()).build();
  }

  /**
   * Makes the membership equal to {@code membership} (what a discovery delivers): adds the new servers, removes the
   * missing ones, {@link #replace replaces} the changed ones; unchanged servers are not touched. The membership is
   * validated as a whole first, and the servers that leave or must be renewed go before any server joins, so a
   * membership that is valid in itself is always reached, in whatever order the changes come (two servers may swap
   * persistent ids).
   *
   * @param membership the complete new membership
   * @throws IllegalArgumentException on a duplicate id or persistent id, an invalid cookie value, or (hashed pools) a
   *     weight above the hash weight scale; nothing is changed then
   * @throws IllegalStateException if the pool is closed
   */
  public void update(Collection<ServerSpec> membership) {
    Map<String, ServerSpec> wanted = new LinkedHashMap<>();
    Map<Integer, String> persistentIds = new HashMap<>();
    for (ServerSpec s : membership) {
      Objects.requireNonNull(s, "membership element");
      if (wanted.put(s.id(), s) != null) {
        throw new IllegalArgumentException("membership ids must be unique, was duplicate \"" + s.id() + "\" (pool "
            + name + ")");
      }
      if (s.persistentId() > 0) {
        String other = persistentIds.putIfAbsent(s.persistentId(), s.id());
        if (other != null) {
          throw new IllegalArgumentException("membership persistent ids must be unique, was duplicate "
              + s.persistentId() + " (servers " + other + " and " + s.id() + ", pool " + name + ")");
        }
      }
      checkHashWeight(s.id(), s.weight());
      cookieStrings(s.id(), s.cookie(), s.address()); // throws on an invalid cookie value
      if (config.hashSlots > 0 && s.persistentId() > config.hashSlots) {
        throw new IllegalArgumentException("server persistent id must be at most hashSlots " + config.hashSlots
            + " of pool " + name + ", was " + s.persistentId() + " (server " + s.id() + ")");
      }
    }
    if (config.hashSlots > 0 && wanted.size() > config.hashSlots) {
      throw new IllegalArgumentException("membership must have at most hashSlots " + config.hashSlots
          + " servers, was " + wanted.size() + " (pool " + name + ")");
    }
    synchronized (membershipLock) {
      checkOpen();
      List<ServerSpec> joining = new ArrayList<>();
      for (String id : new ArrayList<>(byId.keySet())) {
        ServerSpec s = wanted.get(id);
        if (s == null) {
          remove(id);
        } else if (!sameServer(specOf(byId.get(id)), normalised(s))) {
          remove(id); // renewed: it joins again below, once every persistent id it may want is free
          joining.add(s);
        }
      }
      for (ServerSpec s : wanted.values()) {
        Server current = byId.get(s.id());
        if (current == null) {
          if (!joining.contains(s)) {
            joining.add(s);
          }
        } else if (!specOf(current).equals(normalised(s))) {
          replace(s); // an address or weight change, in place
        }
      }
      for (ServerSpec s : joining) {
        add(s);
      }
    }
  }

  /**
   * The spec as {@link #specOf} describes a member: the pool's default policy as null, and {@code disabled} off
   * (it is how a server joins, not something a member keeps: its admin state then lives in its health).
   */
  private ServerSpec normalised(ServerSpec s) {
    boolean defaultPolicy = s.healthPolicy() == config.defaultHealthPolicy;
    return defaultPolicy || s.disabled() ? s.toBuilder().healthPolicy(defaultPolicy ? null : s.healthPolicy())
        .disabled(false).build() : s;
  }

  // ------------------------------------------------------------------------------------------------ admin by id

  private Server require(String id) {
    Server s = byId.get(id);
    if (s == null) {
      throw new IllegalArgumentException("no server \"" + id + "\" in pool " + name);
    }
    return s;
  }

  /**
   * HAProxy {@code set server <b>/<s> state ready|drain|maint}.
   *
   * @param id the server id
   * @param state the admin state
   * @throws IllegalArgumentException if there is no such server
   */
  public void setAdminState(String id, AdminState state) {
    require(id).health.setAdminState(state);
  }

  /**
   * HAProxy {@code set server <b>/<s> weight <w>}.
   *
   * @param id the server id
   * @param weight 0..256 (at most the hash weight scale on a hashed pool)
   * @throws IllegalArgumentException if there is no such server or the weight is out of range
   */
  public void setWeight(String id, int weight) {
    Server s = require(id);
    checkHashWeight(id, weight);
    s.health.setWeight(weight);
  }

  /**
   * HAProxy {@code set server <b>/<s> health up|stopping|down}.
   *
   * @param id the server id
   * @param health the state to force
   * @throws IllegalArgumentException if there is no such server
   */
  public void setHealth(String id, OperationalState health) {
    require(id).health.forceHealth(health);
  }

  /**
   * HAProxy {@code set server <b>/<s> addr <ip> port <p>}: health, sessions and pins are kept; a {@code dynamic}
   * cookie value is recomputed from the new address (HAProxy {@code srv_set_dyncookie}).
   *
   * @param id the server id
   * @param address the new address
   * @throws IllegalArgumentException if there is no such server or the new dynamic cookie value is invalid
   */
  public void setAddress(String id, InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    synchronized (membershipLock) {
      Server s = require(id);
      Server.CookieStrings strings = cookieStrings(id, s.configuredCookie(), address);
      s.health.setAddress(address);
      if (!Objects.equals(strings.value(), s.cookieValue())) {
        synchronized (tableLock) {
          RoutingTable t = table;
          String old = s.cookieValue();
          if (old != null) {
            t = t.withCookies(t.cookies.remove(old, s));
          }
          s.cookieStrings(strings);
          if (strings.value() != null) {
            t = t.withCookies(t.cookies.add(strings.value(), s));
          }
          table = t.sealed();
        }
      } else {
        s.cookieStrings(strings);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ health hook

  /** The tracker's synchronous hook: under the server's monitor, before the health call returns. */
  private void stateChanged(TrackedServer health, TrackedServer.State previous, TrackedServer.State current) {
    Server server = byHealth.get(health);
    if (server == null) {
      return; // not installed yet: install reads the current state
    }
    synchronized (tableLock) {
      if (server.isMember() && table.server(server.slot()) == server) {
        table = table.place(server, server.slot(), current, hashScale).sealed();
      }
    }
    if (closed) {
      return;
    }
    if (config.shutdownSessionsOnMarkedDown && previous.isCookieEligible() && !current.isCookieEligible()) {
      sessions.shutdown(server);
    }
    boolean cameUp = current.operational() == OperationalState.UP
        && previous.operational() != OperationalState.UP;
    if (config.shutdownBackupSessionsOnMarkedUp && cameUp && !server.backup()) {
      for (Server s : byId.values()) {
        if (s.backup()) {
          sessions.shutdown(s);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ stats

  /**
   * Counters and state of the pool and every server, read now (HAProxy {@code show stat}). Allocates.
   *
   * @return the statistics
   */
  public PoolStats stats() {
    List<ServerStats> servers = new ArrayList<>();
    long[] reasons = new long[ServerCounters.REASONS];
    List<Server> members = servers();
    long[] counted = table.activePositions().balancedPicks(members);
    for (int i = 0; i < members.size(); i++) {
      ServerStats st = ServerStats.of(members.get(i), counted[i]);
      servers.add(st);
      for (int r = 0; r < reasons.length; r++) {
        reasons[r] += st.decisions().getOrDefault(RouteDecision.reason(r), 0L);
      }
    }
    reasons[Reason.NO_SERVER.ordinal()] += noServerDecisions.sum();
    Map<Reason, Long> byReason = new java.util.EnumMap<>(Reason.class);
    for (int r = 0; r < reasons.length; r++) {
      byReason.put(RouteDecision.reason(r), reasons[r]);
    }
    return new PoolStats(name, byReason, List.copyOf(servers));
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("pool " + name + " is closed");
    }
  }

  /** Stops the pool's active checks and membership changes; routing keeps working on the last table. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (ActiveChecker checker : checkers) {
      checker.close();
    }
  }

  /**
   * The pool as an HAProxy 2.6 {@code backend} section, with its current members (their current weight; MAINT as
   * {@code disabled}), preceded by a {@code global} section when checks are spread: routing-haproxy's
   * {@code HaproxyConfig} reads it back into the same settings. What HAProxy syntax cannot say (a key function,
   * signed cookies, the dynamic cookie key) is written as a comment.
   *
   * @return the configuration text
   */
  @Override
  public String toString() {
    return HaproxyText.render(config, servers());
  }

  /**
   * Configuration of a {@link BackendPool}, HAProxy's backend keywords; not thread-safe. {@link #build()} validates
   * everything and throws {@link IllegalArgumentException} naming the field and the value.
   */
  public static final class Builder {
    final String name;
    final List<ServerSpec> servers = new ArrayList<>();
    Balance balance = Balance.roundRobin();
    @Nullable CookiePersistence cookie;
    KeyHasher keyHasher = io.veza.routing.hash.KeyHashers.xxh3();
    boolean redispatch;
    int redispatchInterval = -1;
    int retries = 3;
    boolean persist;
    boolean allBackups;
    boolean shutdownSessionsOnMarkedDown;
    boolean shutdownBackupSessionsOnMarkedUp;
    boolean shutdownSessionsOnRemoval = true;
    io.veza.routing.health.Ticker ticker = io.veza.routing.health.Ticker.systemTicker();
    io.veza.routing.health.Scheduler scheduler = io.veza.routing.health.Scheduler.systemScheduler();
    java.time.InstantSource wallClock = java.time.InstantSource.system();
    io.veza.routing.health.HealthPolicy defaultHealthPolicy = io.veza.routing.health.HealthPolicy.defaults();
    @Nullable InitialState joinState;
    final List<io.veza.routing.health.HealthListener> healthListeners = new ArrayList<>();
    java.util.concurrent.@Nullable Executor listenerExecutor;
    java.util.concurrent.@Nullable Executor sessionCloseExecutor;
    java.util.function.@Nullable BiConsumer<Server, Throwable> sessionCloseErrorHandler;
    java.util.function.@Nullable Function<? super RequestView, ? extends @Nullable CharSequence> stickKey;
    long stickMaxSize;
    java.time.@Nullable Duration stickExpireAfterIdle;
    int hashWeightScale;
    int hashSlots;
    int maxCookieHeaders = 101;
    int maxCookieBytes = 16384;
    boolean statistics = true;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Adds a server ({@code server <id> <address>}) with weight 1 and no other option.
     *
     * @param id the server name
     * @param address where the gateway connects to
     * @return this builder
     */
    public Builder server(String id, InetSocketAddress address) {
      return server(ServerSpec.of(id, address));
    }

    /**
     * Adds a server configured by {@code options}, e.g. {@code .server("api1", addr, s -> s.cookie("a1").weight(10))}.
     *
     * @param id the server name
     * @param address where the gateway connects to
     * @param options sets the server's options
     * @return this builder
     * @throws IllegalArgumentException if the options are invalid (naming field and value)
     */
    public Builder server(String id, InetSocketAddress address, java.util.function.Consumer<ServerSpec.Builder> options) {
      ServerSpec.Builder b = ServerSpec.builder(id, address);
      options.accept(b);
      return server(b.build());
    }

    /**
     * Adds a server.
     *
     * @param spec the server
     * @return this builder
     */
    public Builder server(ServerSpec spec) {
      servers.add(Objects.requireNonNull(spec, "server"));
      return this;
    }

    /**
     * The balance algorithm (default {@link Balance#roundRobin()}).
     *
     * @param balance the algorithm
     * @return this builder
     */
    public Builder balance(Balance balance) {
      this.balance = Objects.requireNonNull(balance, "balance");
      return this;
    }

    /**
     * Cookie persistence ({@code cookie SERVERID insert indirect nocache} and the rest of HAProxy's grammar);
     * default none.
     *
     * @param cookie the configuration
     * @return this builder
     */
    public Builder cookie(CookiePersistence cookie) {
      this.cookie = Objects.requireNonNull(cookie, "cookie");
      return this;
    }

    /**
     * The key hasher of hash balancing (default XXH3); use {@code KeyHashers.xxh3(seed)} with a secret seed shared
     * by every gateway so that outsiders cannot aim keys at one server.
     *
     * @param keyHasher the hasher
     * @return this builder
     */
    public Builder keyHasher(KeyHasher keyHasher) {
      this.keyHasher = Objects.requireNonNull(keyHasher, "keyHasher");
      return this;
    }

    /**
     * {@code option redispatch}: a retry may go to another server (on the last retry by default; see
     * {@link #redispatchInterval}).
     *
     * @param redispatch whether to redispatch
     * @return this builder
     */
    public Builder redispatch(boolean redispatch) {
      this.redispatch = redispatch;
      return this;
    }

    /**
     * {@code option redispatch <interval>}: redispatch on every {@code interval}-th retry when positive, or counting
     * back from the last retry when negative (-1, the default, is the last retry); 0 is refused (HAProxy: "no
     * option redispatch").
     *
     * @param interval non-zero
     * @return this builder
     */
    public Builder redispatchInterval(int interval) {
      this.redispatchInterval = interval;
      return this;
    }

    /**
     * HAProxy {@code retries} (default 3): connection attempts after the first that {@link BackendPool#retry}
     * allows.
     *
     * @param retries at least 0
     * @return this builder
     */
    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    /**
     * {@code option persist}: a cookie (or stick entry) naming a DOWN or MAINT server still goes to it.
     *
     * @param persist whether to persist
     * @return this builder
     */
    public Builder persist(boolean persist) {
      this.persist = persist;
      return this;
    }

    /**
     * {@code option allbackups}: with no active server usable, balance over every usable backup.
     *
     * @param allBackups whether to use all backups
     * @return this builder
     */
    public Builder allBackups(boolean allBackups) {
      this.allBackups = allBackups;
      return this;
    }

    /**
     * {@code on-marked-down shutdown-sessions}: close a server's sessions when it goes DOWN or to MAINT.
     *
     * @param enabled whether to close them
     * @return this builder
     */
    public Builder shutdownSessionsOnMarkedDown(boolean enabled) {
      this.shutdownSessionsOnMarkedDown = enabled;
      return this;
    }

    /**
     * {@code on-marked-up shutdown-backup-sessions}: close backup sessions when an active server comes up.
     *
     * @param enabled whether to close them
     * @return this builder
     */
    public Builder shutdownBackupSessionsOnMarkedUp(boolean enabled) {
      this.shutdownBackupSessionsOnMarkedUp = enabled;
      return this;
    }

    /**
     * Whether the sessions of a server that leaves the pool are shut down (default true).
     *
     * @param enabled whether to close them
     * @return this builder
     */
    public Builder shutdownSessionsOnRemoval(boolean enabled) {
      this.shutdownSessionsOnRemoval = enabled;
      return this;
    }

    /**
     * Monotonic time for health, slow start and stick-table expiry (default the system ticker).
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(io.veza.routing.health.Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Where slow-start steps are scheduled (default the system scheduler).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(io.veza.routing.health.Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Wall-clock time for cookie dates ({@code maxidle}/{@code maxlife}); default the system clock.
     *
     * @param wallClock the clock
     * @return this builder
     */
    public Builder wallClock(java.time.InstantSource wallClock) {
      this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
      return this;
    }

    /**
     * HAProxy {@code default-server}: the health policy of servers that bring none, including those added at
     * runtime (HAProxy's {@code add server} ignores {@code default-server}; this pool does not).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder defaultHealthPolicy(io.veza.routing.health.HealthPolicy policy) {
      this.defaultHealthPolicy = Objects.requireNonNull(policy, "defaultHealthPolicy");
      return this;
    }

    /**
     * The state servers added at runtime start in. Default: {@link InitialState#FULLY_DOWN} for a server the pool's
     * active checks cover (it takes traffic after {@code rise} passed checks, then slow start), else the state of
     * its policy.
     *
     * @param state the join state
     * @return this builder
     */
    public Builder joinState(InitialState state) {
      this.joinState = Objects.requireNonNull(state, "joinState");
      return this;
    }

    /**
     * Adds a listener told of every health transition of the pool's servers (on its own queue, see
     * {@link io.veza.routing.health.HealthListener}).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder healthListener(io.veza.routing.health.HealthListener listener) {
      healthListeners.add(Objects.requireNonNull(listener, "healthListener"));
      return this;
    }

    /**
     * Where health listeners run (default a shared pool of daemon threads).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder listenerExecutor(java.util.concurrent.Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "listenerExecutor");
      return this;
    }

    /**
     * Where session close callbacks run (default a shared pool of daemon threads, so that a slow callback delays
     * nothing else).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder sessionCloseExecutor(java.util.concurrent.Executor executor) {
      this.sessionCloseExecutor = Objects.requireNonNull(executor, "sessionCloseExecutor");
      return this;
    }

    /**
     * Told of what session close callbacks throw (default: logged at WARNING).
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder sessionCloseErrorHandler(java.util.function.BiConsumer<Server, Throwable> handler) {
      this.sessionCloseErrorHandler = Objects.requireNonNull(handler, "sessionCloseErrorHandler");
      return this;
    }

    /**
     * {@code stick-table type string size maxSize expire expireAfterIdle} + {@code stick on key}: requests with the
     * same key go to the same server while it stays a cookie-eligible member. A null key, or an exception from
     * {@code key}, means "no key". Needs Caffeine on the class or module path.
     *
     * @param key the key of a request
     * @param maxSize entries kept at most, &gt; 0
     * @param expireAfterIdle idle time after which an entry expires, &gt; 0
     * @return this builder
     */
    public Builder stickOn(java.util.function.Function<? super RequestView, ? extends @Nullable CharSequence> key,
                           long maxSize, java.time.Duration expireAfterIdle) {
      this.stickKey = Objects.requireNonNull(key, "stickOn key");
      this.stickMaxSize = maxSize;
      this.stickExpireAfterIdle = Objects.requireNonNull(expireAfterIdle, "expireAfterIdle");
      return this;
    }

    /**
     * Hashed pools: the weight that counts as a full share (default the largest configured weight at build, at
     * least 1). A server's share of keys is proportional to {@code effectiveWeight / scale}; the scale never changes
     * at runtime, so changing one server's weight moves keys only to or from that server. Weights above the scale
     * are refused; a larger scale leaves room for them at the cost of more jump attempts per lookup
     * ({@code scale / mean weight} on average).
     *
     * @param scale 1..256
     * @return this builder
     */
    public Builder hashWeightScale(int scale) {
      this.hashWeightScale = scale;
      return this;
    }

    /**
     * Hashed pools: a fixed number of hash slots (default 0: the highest occupied slot + 1). The jump hash maps keys
     * to slots, and a slot's key sequence depends on the slot count, so with the default a change of the highest
     * slot while lower slots are empty (holes) also moves some keys between the remaining servers (about
     * {@code holes / slots} of the keys that pass through a hole), and a server that joins above the others before
     * its first passed check briefly diverts the keys that will be its own. With a fixed count nothing depends on
     * which slots are occupied: every join, leave and health change moves exactly the keys of the server concerned.
     * The price is lookups: {@code hashSlots / usable servers} jump attempts on average. Use it for
     * {@code server-template} pools (slots = the template's count, as HAProxy sizes them) and for pools whose
     * membership comes and goes; servers need persistent ids at most {@code hashSlots}, and the pool refuses more
     * than {@code hashSlots} servers.
     *
     * @param slots 1..{@value ServerSpec#MAX_PERSISTENT_ID}, or 0 for the default
     * @return this builder
     */
    public Builder hashSlots(int slots) {
      this.hashSlots = slots;
      return this;
    }

    /**
     * Most {@code Cookie} (and {@code Set-Cookie}) headers read per request (default 101, HAProxy's
     * {@code tune.http.maxhdr}); with more, the persistence cookie counts as absent.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxCookieHeaders(int max) {
      this.maxCookieHeaders = max;
      return this;
    }

    /**
     * Most characters of {@code Cookie} headers read per request (default 16384, HAProxy's {@code tune.bufsize});
     * past it the persistence cookie counts as absent.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxCookieBytes(int max) {
      this.maxCookieBytes = max;
      return this;
    }

    /**
     * Whether the request path keeps the statistics counters that {@link BackendPool#stats()} reports and HAProxy's
     * {@code show stat} prints: decisions per reason ({@code lbtot}), {@code econ}, {@code eresp}, {@code wretr},
     * {@code wredis}, {@code hrsp_*} (default true). Off, those counters stay at 0 and routing skips one
     * per-thread counter write per decision (uncontended: a cell of the calling thread's stripe; round robin counts
     * its balanced picks per thread, see {@code RoundRobin}); health, check and session counters are kept
     * either way.
     *
     * @param enabled whether to count
     * @return this builder
     */
    public Builder statistics(boolean enabled) {
      this.statistics = enabled;
      return this;
    }

    /**
     * Validates the configuration and builds the pool.
     *
     * @return the pool
     * @throws IllegalArgumentException naming the field and the value of the first invalid setting
     * @throws IllegalStateException if {@code stickOn} is used without Caffeine on the class or module path
     */
    public BackendPool build() {
      return new BackendPool(new PoolConfig(this));
    }
  }
}
