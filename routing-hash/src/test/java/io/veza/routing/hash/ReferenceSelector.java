package io.veza.routing.hash;

/**
 * The selection function of {@link JumpSelector}, written a second time straight from its class doc over flat
 * arrays, with no fast paths and no shared code except {@link JumpHash#bucket}: the oracle that the chunked,
 * persistent implementation must match bit for bit, for every slot count (the pinned results only cover up to
 * 1000 slots, which fit in one chunk).
 */
final class ReferenceSelector {

  private final boolean[] usable;
  private final double[] weights;
  private final boolean any;

  ReferenceSelector(boolean[] usable, double[] weights) {
    this.usable = usable.clone();
    this.weights = weights.clone();
    boolean anyUsable = false;
    for (boolean u : usable) {
      anyUsable |= u;
    }
    this.any = anyUsable;
  }

  int select(long keyHash) {
    int n = usable.length;
    if (!any) {
      return JumpSelector.NONE;
    }
    for (int i = 0; i < 64; i++) {
      int s = JumpHash.bucket(i == 0 ? keyHash : splitmix64(keyHash + i * 0x9E3779B97F4A7C15L), n);
      if (usable[s] && (weights[s] == 1.0 || variate(keyHash, i) < weights[s])) {
        return s;
      }
    }
    int best = JumpSelector.NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int s = 0; s < n; s++) {
      if (usable[s]) {
        double v = ((fmix64(keyHash ^ 0xA0761D6478BD642FL, s) >>> 11) + 1) * 0x1.0p-53;
        double score = -StrictMath.log(v) / weights[s];
        if (score < bestScore || best == JumpSelector.NONE) {
          best = s;
          bestScore = score;
        }
      }
    }
    return best;
  }

  private static double variate(long keyHash, int i) {
    return (fmix64(keyHash, i) >>> 11) * 0x1.0p-53;
  }

  private static long splitmix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long fmix64(long x, int i) {
    long z = x + (i + 1L) * 0xD1B54A32D192ED03L;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
