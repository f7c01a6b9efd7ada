package io.veza.routing.bench;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Precomputed benchmark inputs. Every benchmark cycles through {@link #COUNT} inputs (a power of two, so the
 * index is a mask) that fit in L1/L2 cache: the benchmarks measure the routing computation, not memory.
 * Fixed seeds, so every run and every peer sees the same inputs.
 */
final class Keys {

  static final int COUNT = 1024;
  static final int MASK = COUNT - 1;

  private Keys() {}

  /** Uniformly random 64-bit keys (what a good key hash delivers). */
  static long[] randomLongs(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] keys = new long[COUNT];
    for (int i = 0; i < COUNT; i++) {
      keys[i] = random.nextLong();
    }
    return keys;
  }

  /** Random version-4 UUID strings, 36 characters each (the shape of a Veza {@code track_id}). */
  static String[] trackIds(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] ids = new String[COUNT];
    for (int i = 0; i < COUNT; i++) {
      long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
      long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
      ids[i] = new UUID(msb, lsb).toString();
    }
    return ids;
  }
}
