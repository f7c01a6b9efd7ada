package io.veza.routing.bench;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import java.util.StringJoiner;
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
 * The request phase on long {@code Cookie} headers: {@link BackendPool#forwardCookieHeader} under
 * {@code cookie SERVERID insert indirect} for a header of {@code cookies} cookies, every second one
 * {@code SERVERID=api2} (so half of them are deleted): {@code c0=v0; SERVERID=api2; c1=v1; ...}. HAProxy's
 * edit-in-place loop moves the rest of the header after every deletion, O(length x deletions); the time per cookie
 * shows whether a rewrite is linear. {@code shape}: {@code plain} as browsers send it, {@code quoted} with a quoted
 * value first ({@code q="a;b"}), which the plain path declines, so the character-by-character writer runs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class CookieRewriteBenchmark {

  @Param({"4", "64", "1024", "65536"})
  int cookies;

  @Param({"plain", "quoted"})
  String shape;

  private BackendPool api;
  private RouteDecision pinned;
  private String header;

  static String header(int cookies, boolean quoted) {
    StringJoiner j = new StringJoiner("; ");
    if (quoted) {
      j.add("q=\"a;b\"");
    }
    for (int i = 0; i < cookies; i++) {
      j.add(i % 2 == 0 ? "c" + i / 2 + "=v" + i / 2 : "SERVERID=api2");
    }
    return j.toString();
  }

  @Setup
  public void setup() {
    api = Pools.api(10);
    header = header(cookies, "quoted".equals(shape));
    pinned = api.route(new BenchRequest("GET", "/", "SERVERID=api2"));
    CharSequence fwd = api.forwardCookieHeader(pinned, header);
    if (fwd == null || fwd.toString().contains("SERVERID") || fwd.length() >= header.length()) {
      throw new IllegalStateException("SERVERID not removed from " + cookies + " cookies");
    }
  }

  @TearDown
  public void tearDown() {
    api.close();
  }

  @Benchmark
  public CharSequence forward() {
    return api.forwardCookieHeader(pinned, header);
  }
}
