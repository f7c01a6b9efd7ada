package io.veza.routing.hash;

/**
 * Factories for the standard {@link KeyHasher}s: XXH3-64 and XXH64 from Yann Collet's xxHash family
 * (<a href="https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md">xxHash specification</a>,
 * reference implementation {@code xxhash.h}, version 0.8). Both are implemented here without dependencies and
 * are checked against the reference implementation ({@code xxhsum -H3} / {@code -H1}, libxxhash 0.8.1) and
 * against hash4j.
 *
 * <p><b>Which one.</b> Use {@link #xxh3()} (or {@link #xxh3(long)} with a secret seed) for routing keys: it is
 * the fastest standard 64-bit hash for short keys. {@link #xxh64()} exists because HAProxy's {@code dynamic}
 * cookies are defined with XXH64.
 *
 * <p><b>Seed.</b> {@link #xxh3(long)} is {@code XXH3_64bits_withSeed(bytes, len, seed)}; {@code xxh3(0)} equals
 * {@code xxh3()} ({@code XXH3_64bits}). A seed that outsiders do not know keeps them from crafting keys that all
 * land on one server (a hot-spot attack); every gateway of a fleet must use the same seed to agree.
 * {@link #xxh64(long)} is {@code XXH64(bytes, len, seed)}.
 *
 * <p><b>Cost.</b> {@code O(length)} time, no allocation per call; the returned instances are immutable and
 * thread-safe. Creating a seeded XXH3 hasher derives its 192-byte secret once.
 */
public final class KeyHashers {

  private static final KeyHasher XXH3 = new Xxh3(0);
  private static final KeyHasher XXH64 = new Xxh64(0);

  private KeyHashers() {}

  /**
   * XXH3 64-bit with seed 0 ({@code XXH3_64bits}).
   *
   * @return a shared immutable hasher
   */
  public static KeyHasher xxh3() {
    return XXH3;
  }

  /**
   * XXH3 64-bit with a seed ({@code XXH3_64bits_withSeed}): the keyed hash against hot-spot attacks.
   *
   * @param seed any 64-bit seed; 0 gives {@link #xxh3()}
   * @return an immutable hasher
   */
  public static KeyHasher xxh3(long seed) {
    return seed == 0 ? XXH3 : new Xxh3(seed);
  }

  /**
   * XXH64 with seed 0 (as in HAProxy's {@code dynamic} cookie values).
   *
   * @return a shared immutable hasher
   */
  public static KeyHasher xxh64() {
    return XXH64;
  }

  /**
   * XXH64 with a seed ({@code XXH64(input, len, seed)}).
   *
   * @param seed any 64-bit seed
   * @return an immutable hasher
   */
  public static KeyHasher xxh64(long seed) {
    return seed == 0 ? XXH64 : new Xxh64(seed);
  }
}
