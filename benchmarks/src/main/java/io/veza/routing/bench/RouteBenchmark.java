package io.veza.routing.bench;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.hash.JumpHash;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.HealthPolicy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link BackendPool#route} end to end on the seed configuration ({@link Pools}: {@code cookie SERVERID insert
 * indirect nocache}, n servers), against what a gateway author writes by hand ({@link HandWrittenRouting}), in the
 * same run. Ours:
 * <ul>
 *   <li>{@code cookieHit}: {@code Cookie: theme=dark; SERVERID=api2; lang=fr} for an UP server: the decision
 *       (persisted, no Set-Cookie to insert);</li>
 *   <li>{@code cookieHitForward}: the same decision and the {@code Cookie} header to forward without
 *       {@code SERVERID} ({@code indirect}), {@link BackendPool#forwardCookieHeader}: what every request of a pinned
 *       client costs;</li>
 *   <li>{@code cookieForDownServer}: {@code SERVERID=api3} while api3 is DOWN: round robin elsewhere and a fresh
 *       cookie;</li>
 *   <li>{@code noCookie}: round robin, the decision to insert a Set-Cookie (smooth weights, slow start and
 *       statistics included);</li>
 *   <li>{@code noCookieTwoThreads}: the same from two threads on one pool (per-call time of each thread);</li>
 *   <li>{@code hashedUri}: {@code balance uri} on {@code /tracks/<uuid>/master.m3u8}, 1024 distinct URIs.</li>
 * </ul>
 * Peers and limits:
 * <ul>
 *   <li>{@code nettyCookieHit}, {@code nettyCookieHitForward}: Netty's {@code ServerCookieDecoder.STRICT.decodeAll}
 *       + a {@code HashMap} + an up check (+ {@code ClientCookieEncoder.STRICT} for the forwarded header);</li>
 *   <li>{@code bareRoundRobin}: an {@code AtomicInteger} over an array with an up check, the floor of any round
 *       robin;</li>
 *   <li>{@code keyHashAndJump}: the key hash of the same URIs and a jump hash over n buckets, the floor of
 *       {@code balance uri}.</li>
 * </ul>
 * {@link RatioTable} prints {@link #COMPARISONS} with the targets of issue 12. Every routing method of ours must be
 * 0 B/op ({@code -prof gc}); {@code cookieHitForward} may allocate the forwarded header, nothing more.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RouteBenchmark {

  /** The ratios {@link RatioTable} prints for this benchmark, with their targets. */
  static final List<RatioTable.Comparison> COMPARISONS = List.of(
      new RatioTable.Comparison("RouteBenchmark", "nettyCookieHitForward", "cookieHitForward",
          "cookie hit + forwarded Cookie header: Netty codec / ours", ">= 10"),
      new RatioTable.Comparison("RouteBenchmark", "nettyCookieHit", "cookieHit",
          "cookie hit decision: Netty codec / ours", ""),
      new RatioTable.Comparison("RouteBenchmark", "cookieHit", "bareRoundRobin",
          "cookie hit decision: ours / bare round robin", "<= 2"),
      new RatioTable.Comparison("RouteBenchmark", "noCookie", "bareRoundRobin",
          "round robin, Set-Cookie decided: ours / bare round robin", "<= 1.5"),
      new RatioTable.Comparison("RouteBenchmark", "hashedUri", "keyHashAndJump",
          "balance uri: ours / key hash + jump (difference: ours - limit)", "<= +15 ns"),
      new RatioTable.Comparison("RouteBenchmark", "noCookieTwoThreads", "noCookie",
          "round robin on one pool: two threads / one thread (per call)", "<= 1.5"));

  static final String COOKIE_HIT = "theme=dark; SERVERID=api2; lang=fr";
  static final String FORWARDED = "theme=dark; lang=fr";
  private static final KeyHasher XXH3 = KeyHashers.xxh3();

  @Param({"10", "100"})
  int n;

  BackendPool api;
  private BackendPool stream;
  BenchRequest cookieHit;
  private BenchRequest cookieDown;
  private BenchRequest noCookie;
  BenchRequest[] uris;
  private HandWrittenRouting handWritten;

  /** Per-thread position in the URIs. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;
  }

  @Setup
  public void setup() {
    api = Pools.api(n);
    stream = Pools.stream(n);
    handWritten = new HandWrittenRouting("SERVERID", n);
    cookieHit = new BenchRequest("GET", "/api/v1/tracks", COOKIE_HIT);
    cookieDown = new BenchRequest("GET", "/api/v1/tracks", "theme=dark; SERVERID=api3; lang=fr");
    noCookie = new BenchRequest("GET", "/api/v1/tracks", null);
    for (int k = 0; k < HealthPolicy.defaults().fall(); k++) {
      api.server("api3").orElseThrow().health().recordCheck(false); // fall = 3 failed checks take api3 DOWN
    }
    handWritten.server(3).up = false;
    String[] ids = Keys.trackIds(0x5eed_0006L);
    uris = new BenchRequest[Keys.COUNT];
    for (int k = 0; k < Keys.COUNT; k++) {
      uris[k] = new BenchRequest("GET", "/tracks/" + ids[k] + "/master.m3u8", null);
    }
    expect(api.route(cookieHit), Reason.PERSISTED, "api2");
    expect(api.route(cookieDown), Reason.COOKIE_SERVER_DOWN, null);
    expect(api.route(noCookie), Reason.BALANCED, null);
    for (BenchRequest u : uris) {
      RouteDecision d = expect(stream.route(u), Reason.HASHED, null);
      if (d.server().slot() != keyHashAndJump(u)) {
        throw new IllegalStateException("balance uri and key hash + jump disagree on " + u.uri());
      }
    }
    // ours and the peers compute the same thing on this input
    CharSequence fwd = api.forwardCookieHeader(api.route(cookieHit), COOKIE_HIT);
    HandWrittenRouting.Forwarded peer = handWritten.byCookieAndForward(COOKIE_HIT);
    if (fwd == null || !FORWARDED.contentEquals(fwd) || !FORWARDED.equals(peer.cookieHeader())
        || !"api2".equals(peer.backend().name) || !"api2".equals(handWritten.byCookie(COOKIE_HIT).name)) {
      throw new IllegalStateException("forwarded header: ours " + fwd + ", peer " + peer);
    }
  }

  /** The benchmark measures the case it names, or it fails at setup. */
  private static RouteDecision expect(RouteDecision d, Reason reason, String server) {
    if (d.reason() != reason || d.server() == null || (server != null && !server.equals(d.server().id()))) {
      throw new IllegalStateException("expected " + reason + (server == null ? "" : " on " + server) + ", got " + d);
    }
    return d;
  }

  private int keyHashAndJump(BenchRequest u) {
    CharSequence uri = u.uri();
    return JumpHash.bucket(XXH3.hash(uri, 0, uri.length()), n);
  }

  @TearDown
  public void tearDown() {
    api.close();
    stream.close();
  }

  // ------------------------------------------------------------------------------------------------ ours

  @Benchmark
  public RouteDecision cookieHit() {
    return api.route(cookieHit);
  }

  @Benchmark
  public CharSequence cookieHitForward(Blackhole bh) {
    BenchRequest request = cookieHit;
    RouteDecision d = api.route(request);
    bh.consume(d);
    return api.forwardCookieHeader(d, Objects.requireNonNull(request.header("Cookie", 0)));
  }

  @Benchmark
  public RouteDecision cookieForDownServer() {
    return api.route(cookieDown);
  }

  @Benchmark
  public RouteDecision noCookie() {
    return api.route(noCookie);
  }

  @Benchmark
  @Threads(2)
  public RouteDecision noCookieTwoThreads() {
    return api.route(noCookie);
  }

  @Benchmark
  public RouteDecision hashedUri(Cursor c) {
    return stream.route(uris[c.i++ & Keys.MASK]);
  }

  // ------------------------------------------------------------------------------------------------ peers

  @Benchmark
  public HandWrittenRouting.Backend nettyCookieHit() {
    return handWritten.byCookie(cookieHit.header("Cookie", 0).toString());
  }

  @Benchmark
  public HandWrittenRouting.Forwarded nettyCookieHitForward() {
    return handWritten.byCookieAndForward(cookieHit.header("Cookie", 0).toString());
  }

  @Benchmark
  public HandWrittenRouting.Backend bareRoundRobin() {
    return handWritten.roundRobin();
  }

  @Benchmark
  public int keyHashAndJump(Cursor c) {
    return keyHashAndJump(uris[c.i++ & Keys.MASK]);
  }
}
