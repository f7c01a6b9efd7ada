package io.veza.routing;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.testing.ManualScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers: addresses, pools on manual time, driving servers into states, mapping keys. */
final class Pools {
  /** 1700000000 s: "ZVPxA" in HAProxy's cookie date encoding. */
  static final long NOW_SECONDS = 1_700_000_000L;

  /** A server state a test can put a server in, through the pool's admin API. */
  enum State { UP, DOWN, DRAIN, MAINT, WEIGHT_0, STOPPING }

  private Pools() {}

  /** 10.0.x.y:8080, unresolved (no DNS). */
  static InetSocketAddress addr(int i) {
    return InetSocketAddress.createUnresolved("10.0." + (i >>> 8 & 255) + "." + (i & 255), 8080);
  }

  /** 10.1.x.y:8080 with its address bytes (dynamic cookies hash them). */
  static InetSocketAddress resolved(int i) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >>> 8), (byte) i}), 8080);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A wall clock that moves only when told to. */
  static final class TestClock implements InstantSource {
    private final AtomicLong millis;

    TestClock(long epochSeconds) {
      this.millis = new AtomicLong(epochSeconds * 1000);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    long seconds() {
      return Math.floorDiv(millis.get(), 1000);
    }
  }

  /** A builder whose every clock is manual: the scheduler's ticker, and a wall clock at {@link #NOW_SECONDS}. */
  static BackendPool.Builder builder(String name, ManualScheduler scheduler) {
    return BackendPool.builder(name).ticker(scheduler.ticker()).scheduler(scheduler)
        .wallClock(new TestClock(NOW_SECONDS));
  }

  static BackendPool.Builder builder(String name) {
    return builder(name, new ManualScheduler());
  }

  /** Puts server {@code id} in {@code state} with the pool's admin API (from UP, READY, its configured weight). */
  static void apply(BackendPool pool, String id, State state) {
    switch (state) {
      case DOWN -> pool.setHealth(id, OperationalState.DOWN);
      case DRAIN -> pool.setAdminState(id, AdminState.DRAIN);
      case MAINT -> pool.setAdminState(id, AdminState.MAINT);
      case WEIGHT_0 -> pool.setWeight(id, 0);
      case STOPPING -> pool.setHealth(id, OperationalState.STOPPING);
      default -> { }
    }
  }

  /** The id of the decision's server, or null. */
  static String id(RouteDecision d) {
    return d.server() == null ? null : d.server().id();
  }

  /** A hashed pool's builder whose key is the whole request-target (so a key is routed with {@code uri(key)}). */
  static BackendPool.Builder hashed(String name) {
    return builder(name).balance(Balance.key(RequestView::uri));
  }

  /** The server id each of {@code keys} keys maps to ({@code "k<seed>-<i>"}), by routing with the key as URI. */
  static String[] map(BackendPool pool, int keys, long seed) {
    String[] out = new String[keys];
    TestRequest r = TestRequest.get("");
    String prefix = "k" + seed + "-";
    for (int k = 0; k < keys; k++) {
      out[k] = id(pool.route(r.uri(prefix + k)));
    }
    return out;
  }

  /** Upper bound of a Binomial(n, p) count at one-sided tail probability about 1e-9 (normal, z = 6) plus 1. */
  static double binomialUpper(long n, double p) {
    return n * p + 6 * Math.sqrt(n * p * (1 - p)) + 1;
  }

  /** Lower bound of a Binomial(n, p) count at one-sided tail probability about 1e-9 (normal, z = 6) minus 1. */
  static double binomialLower(long n, double p) {
    return n * p - 6 * Math.sqrt(n * p * (1 - p)) - 1;
  }
}
