package io.veza.routing.bench;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.HealthPolicy;
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

/**
 * {@link BackendPool#route} end to end, on the seed configuration ({@link Pools}):
 * <ul>
 *   <li>{@code cookieHit}: {@code Cookie: SERVERID=api3} for an UP server: persisted, cookie stripped
 *       ({@code indirect}), no new Set-Cookie;</li>
 *   <li>{@code cookieForDownServer}: {@code SERVERID=api3} while api3 is DOWN: round robin elsewhere and a
 *       fresh cookie;</li>
 *   <li>{@code noCookie}: round robin, Set-Cookie inserted;</li>
 *   <li>{@code hashedUri}: {@code balance uri} on {@code /tracks/<uuid>/master.m3u8}, 1024 distinct URIs.</li>
 * </ul>
 * The DESIGN.md target for all of them is 0 B/op ({@code -prof gc}). There is no external peer: HAProxy's
 * routing is not a Java library; the pure hashing cost of the hashed case is {@link TrackIdBenchmark}'s
 * {@code veza} at the same n.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class RouteBenchmark {

  @Param({"10", "100"})
  int n;

  private BackendPool api;
  private BackendPool stream;
  private BenchRequest cookieHit;
  private BenchRequest cookieDown;
  private BenchRequest noCookie;
  private BenchRequest[] uris;
  private int i;

  @Setup
  public void setup() {
    api = Pools.api(n);
    stream = Pools.stream(n);
    cookieHit = new BenchRequest("GET", "/api/v1/tracks", "theme=dark; SERVERID=api2; lang=fr");
    cookieDown = new BenchRequest("GET", "/api/v1/tracks", "theme=dark; SERVERID=api3; lang=fr");
    noCookie = new BenchRequest("GET", "/api/v1/tracks", null);
    for (int k = 0; k < HealthPolicy.defaults().fall(); k++) {
      api.server("api3").orElseThrow().health().recordCheck(false); // fall = 3 failed checks take api3 DOWN
    }
    String[] ids = Keys.trackIds(0x5eed_0006L);
    uris = new BenchRequest[Keys.COUNT];
    for (int k = 0; k < Keys.COUNT; k++) {
      uris[k] = new BenchRequest("GET", "/tracks/" + ids[k] + "/master.m3u8", null);
    }
    expect(api.route(cookieHit), Reason.PERSISTED, "api2");
    expect(api.route(cookieDown), Reason.COOKIE_SERVER_DOWN, null);
    expect(api.route(noCookie), Reason.BALANCED, null);
    expect(stream.route(uris[0]), Reason.HASHED, null);
  }

  /** The benchmark measures the case it names, or it fails at setup. */
  private static void expect(RouteDecision d, Reason reason, String server) {
    if (d.reason() != reason || d.server() == null || (server != null && !server.equals(d.server().id()))) {
      throw new IllegalStateException("expected " + reason + (server == null ? "" : " on " + server) + ", got " + d);
    }
  }

  @TearDown
  public void tearDown() {
    api.close();
    stream.close();
  }

  @Benchmark
  public RouteDecision cookieHit() {
    return api.route(cookieHit);
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
  public RouteDecision hashedUri() {
    return stream.route(uris[i++ & Keys.MASK]);
  }
}
