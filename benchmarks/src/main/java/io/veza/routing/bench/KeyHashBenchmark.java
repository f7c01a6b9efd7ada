package io.veza.routing.bench;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import java.nio.charset.StandardCharsets;
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
 * The key hash alone (no bucket choice), to decompose {@link TrackIdBenchmark}: ASCII keys of 8, 36 (a UUID
 * track id) and 128 characters, which take XXH3's 4..8-byte, 17..128-byte and 129..240-byte code paths.
 * <ul>
 *   <li>{@code veza}: {@code KeyHashers.xxh3().hash(String)} (UTF-8 read on the fly from the chars);</li>
 *   <li>{@code vezaLatency}: the same, each key chosen by the previous hash (latency, no overlap between calls);</li>
 *   <li>{@code vezaBytes}: {@code KeyHashers.xxh3().hash(byte[])} on the pre-encoded UTF-8 bytes (not a routing
 *       path: the encoding is free here; it shows the cost of the XXH3 core alone);</li>
 *   <li>{@code hash4jBytes}: hash4j {@code xxh3_64().hashBytesToLong(byte[])} on the same pre-encoded bytes
 *       (same value as ours);</li>
 *   <li>{@code hash4jUtf8}: hash4j over {@code s.getBytes(UTF_8)} (encoding included, allocates);</li>
 *   <li>{@code hash4jChars}: hash4j {@code hashCharsToLong(s)} (UTF-16 code units: a different value);</li>
 *   <li>{@code guava}: {@code murmur3_128().hashString(s, UTF_8).asLong()}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class KeyHashBenchmark {

  private static final KeyHasher XXH3 = KeyHashers.xxh3();
  private static final Hasher64 HASH4J_XXH3 = com.dynatrace.hash4j.hashing.Hashing.xxh3_64();
  private static final HashFunction MURMUR3 = Hashing.murmur3_128();

  @Param({"8", "36", "128"})
  int length;

  private String[] keys;
  private byte[][] utf8;
  private int i;

  @Setup
  public void setup() {
    String[] ids = Keys.trackIds(0x5eed_0007L);
    keys = new String[Keys.COUNT];
    utf8 = new byte[Keys.COUNT][];
    for (int k = 0; k < Keys.COUNT; k++) {
      StringBuilder sb = new StringBuilder(length);
      while (sb.length() < length) {
        sb.append(ids[(k + sb.length()) & Keys.MASK]);
      }
      keys[k] = sb.substring(0, length);
      utf8[k] = keys[k].getBytes(StandardCharsets.UTF_8);
      if (XXH3.hash(keys[k]) != HASH4J_XXH3.hashBytesToLong(utf8[k])) {
        throw new IllegalStateException("KeyHashers.xxh3() disagrees with hash4j's XXH3-64 on " + keys[k]);
      }
    }
  }

  @Benchmark
  public long veza() {
    return XXH3.hash(keys[i++ & Keys.MASK]);
  }

  private long previous;

  /**
   * Latency rather than throughput: the next key's index depends on this hash, so consecutive calls cannot overlap
   * in the CPU. A lookup that feeds the hash into a jump (TrackIdBenchmark) pays about this, not {@link #veza}.
   */
  @Benchmark
  public long vezaLatency() {
    long h = XXH3.hash(keys[(int) (previous ^ i++) & Keys.MASK]);
    previous = h;
    return h;
  }

  @Benchmark
  public long vezaBytes() {
    return XXH3.hash(utf8[i++ & Keys.MASK]);
  }

  @Benchmark
  public long hash4jBytes() {
    return HASH4J_XXH3.hashBytesToLong(utf8[i++ & Keys.MASK]);
  }

  @Benchmark
  public long hash4jUtf8() {
    return HASH4J_XXH3.hashBytesToLong(keys[i++ & Keys.MASK].getBytes(StandardCharsets.UTF_8));
  }

  @Benchmark
  public long hash4jChars() {
    return HASH4J_XXH3.hashCharsToLong(keys[i++ & Keys.MASK]);
  }

  @Benchmark
  public long guava() {
    return MURMUR3.hashString(keys[i++ & Keys.MASK], StandardCharsets.UTF_8).asLong();
  }
}
