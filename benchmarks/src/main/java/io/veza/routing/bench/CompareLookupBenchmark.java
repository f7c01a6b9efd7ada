package io.veza.routing.bench;

import io.veza.routing.bench.compare.ComparisonReport;
import io.veza.routing.bench.compare.Router;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Lookup cost of the comparison report's algorithms behind the same {@link Router} interface (each trial runs in
 * its own forked JVM in real runs, so the interface call site sees one implementation): our JumpSelector, the ketama ring, rendezvous
 * and Maglev, all servers up. Complements the report's balance, disruption, memory and build columns.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CompareLookupBenchmark {

  @Param({"veza", "ketama", "rendezvous", "maglev"})
  String algorithm;

  @Param({"10", "100", "1000"})
  int n;

  private Router router;
  private long[] keys;
  private int i;

  @Setup
  public void setup() {
    router = ComparisonReport.factory(algorithm).build(n, new boolean[n]);
    keys = Keys.randomLongs(0x5eed_0005L);
  }

  @Benchmark
  public int lookup() {
    return router.lookup(keys[i++ & Keys.MASK]);
  }
}
