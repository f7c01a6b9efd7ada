package io.veza.routing.bench;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.google.common.hash.Hashing;
import io.veza.routing.hash.JumpHash;
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
 * Jump consistent hash on 64-bit keys: ours ({@link JumpHash#bucket}, bit-identical to the paper's reference
 * code) against Guava's {@code Hashing.consistentHash(long, int)} (the same algorithm, DESIGN.md target: ours
 * no slower), and, for context, hash4j's JumpBackHash (a different, O(1)-expected consistent hash by
 * Ertl 2024, so not the same function). Keys: 1024 precomputed random longs, one per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class JumpHashBenchmark {

  /** Thread-safe, stateless variant of hash4j's JumpBackHash (SplitMix64 generator). */
  private static final ConsistentBucketHasher JUMP_BACK = ConsistentHashing.jumpBackHashSplitMix64();

  @Param({"10", "1000", "100000"})
  int n;

  private long[] keys;
  private int i;

  @Setup
  public void setup() {
    keys = Keys.randomLongs(0x5eed_0001L);
  }

  @Benchmark
  public int veza() {
    return JumpHash.bucket(keys[i++ & Keys.MASK], n);
  }

  private int previous;

  /** Latency rather than throughput: the next key's index depends on this bucket, so calls cannot overlap. */
  @Benchmark
  public int vezaLatency() {
    int b = JumpHash.bucket(keys[(previous ^ i++) & Keys.MASK], n);
    previous = b;
    return b;
  }

  @Benchmark
  public int guava() {
    return Hashing.consistentHash(keys[i++ & Keys.MASK], n);
  }

  @Benchmark
  public int hash4jJumpBack() {
    return JUMP_BACK.getBucket(keys[i++ & Keys.MASK], n);
  }
}
