package io.veza.routing;

import io.veza.routing.hash.KeyHasher;
import io.veza.routing.health.HealthListener;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.Scheduler;
import io.veza.routing.health.Ticker;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The validated, immutable configuration of a {@link BackendPool}: what its builder held, checked field by field. */
final class PoolConfig {
  private static final System.Logger LOG = System.getLogger(BackendPool.class.getName());

  final String name;
  final List<ServerSpec> servers;
  final Balance balance;
  final @Nullable CookiePersistence cookie;
  final KeyHasher keyHasher;
  final boolean redispatch;
  final int redispatchInterval;
  final int retries;
  final boolean persist;
  final boolean allBackups;
  final boolean shutdownSessionsOnMarkedDown;
  final boolean shutdownBackupSessionsOnMarkedUp;
  final boolean shutdownSessionsOnRemoval;
  final Ticker ticker;
  final Scheduler scheduler;
  final InstantSource wallClock;
  final HealthPolicy defaultHealthPolicy;
  final @Nullable InitialState joinState;
  final List<HealthListener> healthListeners;
  final @Nullable Executor listenerExecutor;
  final Executor sessionCloseExecutor;
  final BiConsumer<Server, Throwable> sessionCloseErrorHandler;
  final @Nullable Function<? super RequestView, ? extends @Nullable CharSequence> stickKey;
  final long stickMaxSize;
  final @Nullable Duration stickExpireAfterIdle;
  final double hashWeightScale;
  final int hashSlots;
  final int maxCookieHeaders;
  final int maxCookieBytes;
  final boolean statistics;

  PoolConfig(BackendPool.Builder b) {
    String n = b.name;
    if (n == null || n.isEmpty()) {
      throw new IllegalArgumentException("pool name must be non-empty, was " + Balance.quote(n));
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '/') {
        throw new IllegalArgumentException("pool name must have no space, control character or '/', was "
            + Balance.quote(n));
      }
    }
    this.name = n;
    Set<String> ids = new HashSet<>();
    Set<Integer> persistentIds = new HashSet<>();
    int maxWeight = 0;
    for (ServerSpec s : b.servers) {
      if (!ids.add(s.id())) {
        throw new IllegalArgumentException("server id must be unique, was duplicate " + Balance.quote(s.id())
            + " (pool " + n + ")");
      }
      if (s.persistentId() > 0 && !persistentIds.add(s.persistentId())) {
        throw new IllegalArgumentException("server persistent id must be unique, was duplicate " + s.persistentId()
            + " (pool " + n + ", server " + s.id() + ")");
      }
      maxWeight = Math.max(maxWeight, s.weight());
    }
    this.servers = List.copyOf(b.servers);
    this.balance = b.balance;
    this.cookie = b.cookie;
    this.keyHasher = b.keyHasher;
    this.redispatch = b.redispatch;
    if (b.redispatchInterval == 0) {
      throw new IllegalArgumentException("redispatch interval must be non-zero (HAProxy: 'no option redispatch'),"
          + " was 0 (pool " + n + ")");
    }
    this.redispatchInterval = b.redispatchInterval;
    if (b.retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0, was " + b.retries + " (pool " + n + ")");
    }
    this.retries = b.retries;
    this.persist = b.persist;
    this.allBackups = b.allBackups;
    this.shutdownSessionsOnMarkedDown = b.shutdownSessionsOnMarkedDown;
    this.shutdownBackupSessionsOnMarkedUp = b.shutdownBackupSessionsOnMarkedUp;
    this.shutdownSessionsOnRemoval = b.shutdownSessionsOnRemoval;
    this.ticker = b.ticker;
    this.scheduler = b.scheduler;
    this.wallClock = b.wallClock;
    this.defaultHealthPolicy = b.defaultHealthPolicy;
    this.joinState = b.joinState;
    this.healthListeners = List.copyOf(b.healthListeners);
    this.listenerExecutor = b.listenerExecutor;
    this.sessionCloseExecutor = b.sessionCloseExecutor != null ? b.sessionCloseExecutor : SessionClosePool.INSTANCE;
    this.sessionCloseErrorHandler = b.sessionCloseErrorHandler != null ? b.sessionCloseErrorHandler
        : (server, e) -> LOG.log(System.Logger.Level.WARNING,
            "session close callback failed on server " + n + "/" + server.id(), e);
    if (b.stickKey != null) {
      if (b.stickMaxSize <= 0) {
        throw new IllegalArgumentException("stick-table size must be > 0, was " + b.stickMaxSize + " (pool " + n + ")");
      }
      Duration e = b.stickExpireAfterIdle;
      if (e == null || e.isNegative() || e.isZero()) {
        throw new IllegalArgumentException("stick-table expire must be > 0, was " + e + " (pool " + n + ")");
      }
      if (!StickTable.available()) {
        throw new IllegalStateException("stickOn needs com.github.ben-manes.caffeine:caffeine on the class or module"
            + " path (an optional dependency of routing-api), was missing (pool " + n + ")");
      }
    }
    this.stickKey = b.stickKey;
    this.stickMaxSize = b.stickMaxSize;
    this.stickExpireAfterIdle = b.stickExpireAfterIdle;
    int scale = b.hashWeightScale == 0 ? Math.max(1, maxWeight) : b.hashWeightScale;
    if (scale < 1 || scale > io.veza.routing.health.HealthTracker.MAX_WEIGHT) {
      throw new IllegalArgumentException("hashWeightScale must be in [1, 256], was " + b.hashWeightScale
          + " (pool " + n + ")");
    }
    if (b.balance.isHash() && maxWeight > scale) {
      throw new IllegalArgumentException("server weights must be at most hashWeightScale " + scale + ", was "
          + maxWeight + " (pool " + n + ")");
    }
    this.hashWeightScale = scale;
    if (b.hashSlots < 0 || b.hashSlots > ServerSpec.MAX_PERSISTENT_ID) {
      throw new IllegalArgumentException("hashSlots must be in [1, " + ServerSpec.MAX_PERSISTENT_ID
          + "] (or 0 for the highest slot + 1), was " + b.hashSlots + " (pool " + n + ")");
    }
    if (b.hashSlots > 0) {
      int count = 0;
      for (ServerSpec s : b.servers) {
        count++;
        if (s.persistentId() > b.hashSlots) {
          throw new IllegalArgumentException("server persistent id must be at most hashSlots " + b.hashSlots
              + ", was " + s.persistentId() + " (pool " + n + ", server " + s.id() + ")");
        }
      }
      if (count > b.hashSlots) {
        throw new IllegalArgumentException("servers must be at most hashSlots " + b.hashSlots + ", was " + count
            + " servers (pool " + n + ")");
      }
    }
    this.hashSlots = b.hashSlots;
    if (b.maxCookieHeaders < 1) {
      throw new IllegalArgumentException("maxCookieHeaders must be > 0, was " + b.maxCookieHeaders + " (pool " + n
          + ")");
    }
    if (b.maxCookieBytes < 1) {
      throw new IllegalArgumentException("maxCookieBytes must be > 0, was " + b.maxCookieBytes + " (pool " + n + ")");
    }
    this.maxCookieHeaders = b.maxCookieHeaders;
    this.maxCookieBytes = b.maxCookieBytes;
    this.statistics = b.statistics;
  }

  /** Daemon threads for session close callbacks of pools that bring no executor. */
  private static final class SessionClosePool {
    static final Executor INSTANCE;

    static {
      AtomicInteger ids = new AtomicInteger();
      INSTANCE = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "veza-session-close-" + ids.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }

    private SessionClosePool() {}
  }
}
