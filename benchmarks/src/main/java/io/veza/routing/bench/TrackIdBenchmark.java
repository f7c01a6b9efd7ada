package io.veza.routing.bench;

import com.dynatrace.hash4j.consistent.ConsistentBucketHasher;
import com.dynatrace.hash4j.consistent.ConsistentHashing;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.random.PseudoRandomGeneratorProvider;
import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.veza.routing.hash.JumpHash;
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
 * A 36-character {@code track_id} (UUID string) to a stream server, hash included:
 * <ul>
 *   <li>{@code veza}: {@code JumpHash.bucket(KeyHashers.xxh3().hash(id), n)} — XXH3-64 over the UTF-8 bytes,
 *       encoded on the fly without allocation;</li>
 *   <li>{@code vezaBytes} (a variant of ours): the same hash and jump over the id's UTF-8 bytes as a gateway holds
 *       them when it reads the request line as bytes (Netty's {@code ByteBuf}, an {@code AsciiString}):
 *       {@code hash(byte[], offset, length)} needs no ASCII check and no copy;</li>
 *   <li>{@code guava}: {@code consistentHash(murmur3_128().hashString(id, UTF_8).asLong(), n)}, the usual
 *       Guava idiom (DESIGN.md target: ours at least 5x faster);</li>
 *   <li>{@code hash4jUtf8}: hash4j's XXH3-64 over {@code id.getBytes(UTF_8)} (the same hash value as ours; the
 *       encoding allocates, which {@code -prof gc} shows) + hash4j's JumpBackHash;</li>
 *   <li>{@code hash4jChars}: hash4j's {@code hashCharsToLong(id)} + JumpBackHash. No allocation, but it hashes
 *       the UTF-16 code units (72 bytes for 36 chars), so its value differs from XXH3 of the UTF-8 bytes that
 *       other languages and tools compute: not interoperable, shown for speed only.</li>
 * </ul>
 * JumpBackHash is hash4j's {@code ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider)} (SplitMix64),
 * which keeps a mutable generator, so each benchmark thread gets its own instance.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TrackIdBenchmark {

  private static final KeyHasher XXH3 = KeyHashers.xxh3();
  private static final HashFunction MURMUR3 = Hashing.murmur3_128();
  private static final Hasher64 HASH4J_XXH3 = com.dynatrace.hash4j.hashing.Hashing.xxh3_64();

  @Param({"10", "100", "1000"})
  int n;

  private String[] ids;
  private byte[][] idBytes;
  private ConsistentBucketHasher jumpBack;
  private int i;

  @Setup
  public void setup() {
    ids = Keys.trackIds(0x5eed_0002L);
    idBytes = new byte[ids.length][];
    for (int k = 0; k < ids.length; k++) {
      idBytes[k] = ids[k].getBytes(StandardCharsets.UTF_8);
    }
    jumpBack = ConsistentHashing.jumpBackHash(PseudoRandomGeneratorProvider.splitMix64_V1());
    for (String id : ids) {
      if (id.length() != 36) {
        throw new IllegalStateException("track id must have 36 characters: " + id);
      }
      // the comparison is only fair if ours computes the standard XXH3-64 of the UTF-8 bytes
      if (XXH3.hash(id) != HASH4J_XXH3.hashBytesToLong(id.getBytes(StandardCharsets.UTF_8))) {
        throw new IllegalStateException("KeyHashers.xxh3() disagrees with hash4j's XXH3-64 on " + id);
      }
    }
  }

  @Benchmark
  public int veza() {
    return JumpHash.bucket(XXH3.hash(ids[i++ & Keys.MASK]), n);
  }

  @Benchmark
  public int vezaBytes() {
    byte[] id = idBytes[i++ & Keys.MASK];
    return JumpHash.bucket(XXH3.hash(id, 0, id.length), n);
  }

  @Benchmark
  public int guava() {
    return Hashing.consistentHash(MURMUR3.hashString(ids[i++ & Keys.MASK], StandardCharsets.UTF_8).asLong(), n);
  }

  @Benchmark
  public int hash4jUtf8() {
    return jumpBack.getBucket(HASH4J_XXH3.hashBytesToLong(ids[i++ & Keys.MASK].getBytes(StandardCharsets.UTF_8)), n);
  }

  @Benchmark
  public int hash4jChars() {
    return jumpBack.getBucket(HASH4J_XXH3.hashCharsToLong(ids[i++ & Keys.MASK]), n);
  }
}
