package io.veza.routing.bench;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RouteDecision;
import io.veza.routing.RouteDecision.Reason;
import java.net.InetSocketAddress;
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

/**
 * The cost of statistics on {@link BackendPool#route}: the same pools built with {@code statistics(true)} (the
 * default: one per-thread counter write per decision, what {@code show stat}'s {@code lbtot} and the decisions per
 * reason come from; round robin counts its balanced picks per thread) and {@code statistics(false)}. DESIGN.md's
 * target: with statistics at most 1.1x without.
 * {@code RunWithRatios} prints {@code time / time without statistics} for every case.
 *
 * <ul>
 *   <li>{@code roundRobin}: no cookie, round robin over 10 or 100 servers (the cheapest routing path, so the worst ratio);
 *   <li>{@code cookieHit}: {@code SERVERID=api2}, persisted;
 *   <li>{@code hashedUri}: {@code balance uri}, 1024 distinct URIs;
 *   <li>{@code roundRobinTwoThreads}: round robin from two threads at once on one pool (two stripes, two
 *       counters' cache lines, no sharing).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class StatisticsBenchmark {

  @Param({"true", "false"})
  boolean statistics;

  /** Servers per pool: 10, and 100 (each server's counters are their own cache lines). */
  @Param({"10", "100"})
  int servers;

  private BackendPool api;
  private BackendPool stream;

  /** Per-thread inputs. */
  @State(Scope.Thread)
  public static class Inputs {
    BenchRequest noCookie;
    BenchRequest cookieHit;
    BenchRequest[] uris;
    int i;

    /** Builds the requests. */
    @Setup
    public void setup() {
      noCookie = new BenchRequest("GET", "/api/v1/tracks", null);
      cookieHit = new BenchRequest("GET", "/api/v1/tracks", "theme=dark; SERVERID=api2; lang=fr");
      String[] ids = Keys.trackIds(0x5eed_0006L);
      uris = new BenchRequest[Keys.COUNT];
      for (int k = 0; k < Keys.COUNT; k++) {
        uris[k] = new BenchRequest("GET", "/tracks/" + ids[k] + "/master.m3u8", null);
      }
    }
  }

  @Setup
  public void setup() {
    BackendPool.Builder a = BackendPool.builder("backend-api").statistics(statistics)
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build());
    BackendPool.Builder s = BackendPool.builder("backend-stream").statistics(statistics).balance(Balance.uri());
    for (int k = 0; k < servers; k++) {
      String cookie = "api" + k;
      a.server("api" + k, InetSocketAddress.createUnresolved("10.0.1." + k % 250, 8080), o -> o.cookie(cookie));
      s.server("stream" + k, InetSocketAddress.createUnresolved("10.0.2." + k % 250, 8080));
    }
    api = a.build();
    stream = s.build();
    Inputs in = new Inputs();
    in.setup();
    expect(api.route(in.noCookie), Reason.BALANCED);
    expect(api.route(in.cookieHit), Reason.PERSISTED);
    expect(stream.route(in.uris[0]), Reason.HASHED);
    long counted = api.stats().decisions().values().stream().mapToLong(Long::longValue).sum();
    if (counted != (statistics ? 2 : 0)) {
      throw new IllegalStateException("statistics=" + statistics + " but " + counted + " decisions counted");
    }
  }

  private static void expect(RouteDecision d, Reason reason) {
    if (d.reason() != reason) {
      throw new IllegalStateException("expected " + reason + ", got " + d);
    }
  }

  @TearDown
  public void tearDown() {
    api.close();
    stream.close();
  }

  @Benchmark
  public RouteDecision roundRobin(Inputs in) {
    return api.route(in.noCookie);
  }

  @Benchmark
  public RouteDecision cookieHit(Inputs in) {
    return api.route(in.cookieHit);
  }

  @Benchmark
  public RouteDecision hashedUri(Inputs in) {
    return stream.route(in.uris[in.i++ & Keys.MASK]);
  }

  @Benchmark
  @Threads(2)
  public RouteDecision roundRobinTwoThreads(Inputs in) {
    return api.route(in.noCookie);
  }
}
