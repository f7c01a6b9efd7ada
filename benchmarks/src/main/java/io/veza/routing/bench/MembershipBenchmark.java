package io.veza.routing.bench;

import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a change costs a live pool at scale (issue 9: at 10,000 servers with weights 1..256, one transition and one
 * slow-start step each at most 10 us for the routing table; a pool of 10,000 builds in under 100 ms). Each change
 * goes the whole way: the server's state machine, the synchronous hook, the O(log n) table update (weight tree,
 * jump selector, slot array, round-robin schedule) and the publication, with the pool's own listener queue.
 *
 * <ul>
 *   <li>{@code transition}: DRAIN then READY again (two routing-visible transitions per two calls);
 *   <li>{@code downUp}: forced DOWN then UP (WENT_DOWN, CAME_UP; slow start off);
 *   <li>{@code weightStep}: the configured weight moves by one, which is the table work of one slow-start step (an
 *       effective weight change of one server; the ramp's timer itself only calls into the same path);
 *   <li>{@code joinLeave}: a server with a persistent id joins, then leaves (two membership changes per call);
 *   <li>{@code build}: a whole pool of n servers from its builder (single shot).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class MembershipBenchmark {

  @Param({"10000"})
  int n;

  private BackendPool pool;
  private String target;
  private int flip;

  static BackendPool.Builder builder(int n) {
    BackendPool.Builder b = BackendPool.builder("stream").balance(Balance.uri()).hashWeightScale(256);
    SplittableRandom random = new SplittableRandom(0x5eed_0009L);
    for (int i = 0; i < n; i++) {
      int weight = 1 + random.nextInt(256);
      int id = i + 1;
      b.server(ServerSpec.builder("s" + i, address(i)).weight(weight).id(id).build());
    }
    return b;
  }

  static InetSocketAddress address(int i) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8),
          (byte) i}), 8080);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    pool = builder(n).build();
    target = "s" + (n / 2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public void transition() {
    pool.setAdminState(target, (flip++ & 1) == 0 ? AdminState.DRAIN : AdminState.READY);
  }

  @Benchmark
  public void downUp() {
    pool.setHealth(target, (flip++ & 1) == 0 ? OperationalState.DOWN : OperationalState.UP);
  }

  @Benchmark
  public void weightStep() {
    pool.setWeight(target, 100 + (flip++ & 1));
  }

  @Benchmark
  public void joinLeave() {
    pool.add(ServerSpec.builder("joiner", address(n + 1)).id(n + 1).weight(100).build());
    pool.remove("joiner");
  }

  /** Building a whole pool: single shot per iteration (GC between them). */
  @State(Scope.Thread)
  public static class BuildState {
    @Param({"10000"})
    int n;
    BackendPool.Builder builder;

    @Setup(Level.Invocation)
    public void prepare() {
      builder = MembershipBenchmark.builder(n);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public BackendPool build(BuildState s) {
    BackendPool p = s.builder.build();
    p.close();
    return p;
  }
}
