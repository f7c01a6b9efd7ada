package io.veza.routing.hash;

import java.util.Arrays;
import java.util.Objects;

/**
 * Health-aware consistent selection: picks one of {@code n} configured slots (servers) for a 64-bit key hash,
 * among the slots that are currently usable, in proportion to their weights, with minimal disruption.
 *
 * <p><b>Algorithm.</b> The slots keep their configured indices; the key is never jumped over a compacted list of
 * usable slots (that would renumber the slots after a failed one and move about two thirds of all keys). Instead
 * the key gets a fixed, infinite sequence of candidate slots and acceptance variates, and the first candidate
 * that is usable and passes its weight test wins:
 * <ol>
 *   <li>attempt 0: {@code s = JumpHash.bucket(keyHash, n)}; accepted if {@code s} is usable and
 *       {@code weight(s) == 1} or {@code u0 < weight(s)};</li>
 *   <li>attempt {@code i >= 1}: {@code s = JumpHash.bucket(k_i, n)} with {@code k_i} the splitmix64 finaliser of
 *       {@code keyHash + i * 0x9E3779B97F4A7C15}; accepted if usable and {@code u_i < weight(s)};</li>
 *   <li>the variates {@code u_i} in {@code [0, 1)} are the top 53 bits of the murmur3 {@code fmix64} of an
 *       independent stream of {@code (keyHash, i)};</li>
 *   <li>after {@value #MAX_ATTEMPTS} rejected attempts: weighted rendezvous hashing (highest random weight,
 *       Thaler and Ravishankar 1998) over the usable slots, the slot with the smallest
 *       {@code -ln(v_s) / weight(s)} (exponential race, {@link StrictMath#log}), ties to the lower index.</li>
 * </ol>
 * Because the candidate sequence depends only on {@code (keyHash, n)}, the result is a pure function of
 * {@code (keyHash, n, usable set, weights)}: instances that saw different failure histories agree. From the
 * jump hash it inherits "all usable, all weights 1: exactly {@code JumpHash.bucket(keyHash, n)}" and "growing
 * {@code n} by one moves only about {@code 1/(n+1)} of the keys, all onto the new slot". Removing a slot moves
 * exactly its keys (each to its next accepted candidate, so they spread over the survivors in proportion to their
 * weights); restoring it moves keys only back onto it; raising a weight moves keys only onto that slot. The
 * rendezvous fallback has the same properties, which is why the attempt cap is a constant: a cap derived from the
 * snapshot's weight mass would change with the usable set and move keys between survivors.
 *
 * <p><b>Probability of the fallback.</b> With usable weight mass {@code p = sum(usable weights) / n}, an attempt is
 * accepted with probability {@code p}, so the fallback runs with probability {@code (1 - p)^64}: about
 * {@code 5e-20} with half the slots down, {@code 1e-3} with 90 % down.
 *
 * <p><b>Complexity.</b> All usable with unit weights: exactly one jump hash, {@code O(ln n)}. Otherwise expected
 * {@code min(1/p, 64)} attempts of {@code O(ln n)} each, i.e. {@code O(ln n / (usable fraction * mean weight))},
 * plus an {@code O(n)} rendezvous scan with probability {@code (1 - p)^64}. Memory: {@code n/8} bytes for the
 * usable set unless all slots are usable, {@code 8n} bytes for weights unless all are 1.
 *
 * <p><b>Thread-safety.</b> Instances are immutable snapshots: {@link #select} is lock-free, allocation-free and safe
 * from any number of threads; {@link #withUsable} and {@link #withWeight} return new snapshots (copy-on-write) that
 * a pool publishes through one volatile write. {@link #select} never throws.
 */
public final class JumpSelector {

  /** Result of {@link #select} when no slot is usable. */
  public static final int NONE = -1;

  /** Number of jump-hash attempts before the rendezvous fallback. A constant on purpose; see the class doc. */
  static final int MAX_ATTEMPTS = 64;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long VARIATE_STREAM = 0xD1B54A32D192ED03L;
  private static final long RENDEZVOUS_STREAM = 0xA0761D6478BD642FL;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final int slots;
  /** Usable bitset (bits past {@code slots} are 0), or {@code null} when every slot is usable. */
  private final long[] usable;
  /** Weights in (0, 1], or {@code null} when every weight is 1. */
  private final double[] weights;
  private final int usableCount;
  /** All usable and all weights 1: the selection is exactly one jump hash. */
  private final boolean plainJump;
  /** Buckets of attempt 0's jump in {@link #select}: {@code slots}, or 1 for an empty selector. */
  private final int jumpBuckets;
  /**
   * Bitset tested after attempt 0's jump in {@link #select}: {@link #usable}, or for an empty selector one zero
   * word (so that its bucket 0 is rejected and the out-of-line path returns {@link #NONE}).
   */
  private final long[] firstTest;
  /**
   * Every usable slot has weight 1. Then attempt 0 is accepted exactly when its slot is usable: the weight test
   * {@code w == 1.0 || variate < w} is true for every usable slot, so {@link #select} skips it.
   */
  private final boolean unitUsable;

  private JumpSelector(int slots, long[] usable, double[] weights) {
    this.slots = slots;
    int count = slots;
    if (usable != null) {
      count = 0;
      for (long word : usable) {
        count += Long.bitCount(word);
      }
    }
    this.usable = count == slots ? null : usable;
    boolean unit = true;
    if (weights != null) {
      for (double w : weights) {
        if (w != 1.0) {
          unit = false;
          break;
        }
      }
    }
    this.weights = unit ? null : weights;
    this.usableCount = count;
    this.plainJump = slots > 0 && this.usable == null && this.weights == null;
    this.jumpBuckets = Math.max(slots, 1);
    this.firstTest = slots == 0 ? new long[1] : this.usable;
    boolean unitUsableWeights = true;
    if (this.weights != null) {
      for (int s = 0; s < slots; s++) {
        if (this.weights[s] != 1.0 && (this.usable == null || (this.usable[s >>> 6] & (1L << s)) != 0)) {
          unitUsableWeights = false;
          break;
        }
      }
    }
    this.unitUsable = unitUsableWeights;
  }

  /**
   * A selector over {@code slots} slots, all usable, all weights 1: {@code select(h) == JumpHash.bucket(h, slots)}.
   *
   * @param slots number of configured slots, {@code >= 0} (0 gives a selector that always returns {@link #NONE})
   * @return the selector
   * @throws IllegalArgumentException if {@code slots < 0}
   */
  public static JumpSelector allUsable(int slots) {
    checkSlots(slots);
    return new JumpSelector(slots, null, null);
  }

  /**
   * A builder over {@code slots} slots, initially all usable with weight 1.
   *
   * @param slots number of configured slots, {@code >= 0}
   * @return a new builder
   * @throws IllegalArgumentException if {@code slots < 0}
   */
  public static Builder builder(int slots) {
    checkSlots(slots);
    return new Builder(slots);
  }

  /** @return the number of configured slots {@code n}; slots are {@code 0..n-1} */
  public int slots() {
    return slots;
  }

  /**
   * @param slot a slot in {@code [0, slots())}
   * @return whether the slot may be selected
   * @throws IndexOutOfBoundsException if the slot is out of range
   */
  public boolean isUsable(int slot) {
    Objects.checkIndex(slot, slots);
    return usable == null || (usable[slot >>> 6] & (1L << slot)) != 0;
  }

  /**
   * @param slot a slot in {@code [0, slots())}
   * @return its weight in {@code (0, 1]} (also for an unusable slot: usability and weight are independent)
   * @throws IndexOutOfBoundsException if the slot is out of range
   */
  public double weight(int slot) {
    Objects.checkIndex(slot, slots);
    return weights == null ? 1.0 : weights[slot];
  }

  /** @return the number of usable slots */
  public int usableCount() {
    return usableCount;
  }

  /**
   * Selects the slot for a key hash (see the class doc for the algorithm). Lock-free, allocation-free, never
   * throws.
   *
   * @param keyHash a 64-bit hash of the key, e.g. {@code KeyHashers.xxh3().hash(trackId)}
   * @return a usable slot, or {@link #NONE} if no slot is usable
   */
  public int select(long keyHash) {
    // Attempt 0 straight-line: one jump and, when a slot is down, one bit test. Everything else is out of line so
    // that this method stays small enough to inline into the caller.
    int s = JumpHash.bucket(keyHash, jumpBuckets);
    long[] test = firstTest;
    if (unitUsable && (test == null || (test[s >>> 6] & (1L << s)) != 0)) {
      return s;
    }
    return selectAfterFirst(keyHash, s);
  }

  /**
   * The rest of {@link #select} once the straight-line test did not accept attempt 0's slot {@code s}: either the
   * slot is not usable, or some usable slot has a weight below 1 and the full acceptance test decides.
   */
  private int selectAfterFirst(long keyHash, int s) {
    if (usableCount == 0) {
      return NONE;
    }
    if (unitUsable) {
      // Same acceptance as accepts(): every usable slot has weight 1, so only the usable bit decides.
      long[] bits = usable;
      int n = slots;
      for (int i = 1; i < MAX_ATTEMPTS; i++) {
        int t = JumpHash.bucket(attemptKey(keyHash, i), n);
        if ((bits[t >>> 6] & (1L << t)) != 0) {
          return t;
        }
      }
      return rendezvous(keyHash);
    }
    if (accepts(s, keyHash, 0)) {
      return s;
    }
    for (int i = 1; i < MAX_ATTEMPTS; i++) {
      int t = JumpHash.bucket(attemptKey(keyHash, i), slots);
      if (accepts(t, keyHash, i)) {
        return t;
      }
    }
    return rendezvous(keyHash);
  }

  /**
   * Number of attempts {@link #select} makes for this key: 1 if the first candidate is accepted, up to
   * {@value #MAX_ATTEMPTS}, or {@code MAX_ATTEMPTS + 1} when it falls back to rendezvous (0 when nothing is usable).
   */
  int attempts(long keyHash) {
    if (usableCount == 0) {
      return 0;
    }
    if (plainJump || accepts(JumpHash.bucket(keyHash, slots), keyHash, 0)) {
      return 1;
    }
    for (int i = 1; i < MAX_ATTEMPTS; i++) {
      if (accepts(JumpHash.bucket(attemptKey(keyHash, i), slots), keyHash, i)) {
        return i + 1;
      }
    }
    return MAX_ATTEMPTS + 1;
  }

  private boolean accepts(int s, long keyHash, int attempt) {
    if (usable != null && (usable[s >>> 6] & (1L << s)) == 0) {
      return false;
    }
    if (weights == null) {
      return true;
    }
    double w = weights[s];
    return w == 1.0 || variate(keyHash, attempt) < w;
  }

  /** The weighted rendezvous fallback: smallest {@code -ln(v) / w} over usable slots, ties to the lower slot. */
  int rendezvous(long keyHash) {
    int best = NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    for (int s = 0; s < slots; s++) {
      if (usable != null && (usable[s >>> 6] & (1L << s)) == 0) {
        continue;
      }
      // v in (0, 1], so -ln(v) is finite and >= 0; StrictMath so every JVM computes the same bits.
      double v = ((fmix64(keyHash ^ RENDEZVOUS_STREAM, s) >>> 11) + 1) * TWO_POW_MINUS_53;
      double score = -StrictMath.log(v) / (weights == null ? 1.0 : weights[s]);
      if (score < bestScore || best == NONE) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  /** Jump key of attempt {@code i >= 1}: splitmix64's finaliser over {@code keyHash + i * golden ratio}. */
  static long attemptKey(long keyHash, int i) {
    long z = keyHash + i * GOLDEN;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Acceptance variate of attempt {@code i} in [0, 1): 53 bits of an independent stream. */
  static double variate(long keyHash, int i) {
    return (fmix64(keyHash, i) >>> 11) * TWO_POW_MINUS_53;
  }

  /** murmur3's fmix64 over {@code x + (i + 1) * VARIATE_STREAM}. */
  private static long fmix64(long x, int i) {
    long z = x + (i + 1L) * VARIATE_STREAM;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /**
   * A copy with one slot's usability changed (copy-on-write, {@code O(n)}); {@code this} if unchanged.
   *
   * @param slot a slot in {@code [0, slots())}
   * @param usable whether the slot may be selected
   * @return the new snapshot
   * @throws IllegalArgumentException if the slot is out of range
   */
  public JumpSelector withUsable(int slot, boolean usable) {
    checkSlot(slot, slots);
    if (isUsable(slot) == usable) {
      return this;
    }
    long[] bits = this.usable == null ? allBits(slots) : this.usable.clone();
    setBit(bits, slot, usable);
    return new JumpSelector(slots, bits, weights);
  }

  /**
   * A copy with one slot's weight changed (copy-on-write, {@code O(n)}); {@code this} if unchanged.
   *
   * @param slot a slot in {@code [0, slots())}
   * @param weight the new weight in {@code (0, 1]}
   * @return the new snapshot
   * @throws IllegalArgumentException if the slot is out of range or the weight is not in {@code (0, 1]}
   */
  public JumpSelector withWeight(int slot, double weight) {
    checkSlot(slot, slots);
    checkWeight(slot, weight);
    if (weight(slot) == weight) {
      return this;
    }
    double[] w = this.weights == null ? ones(slots) : this.weights.clone();
    w[slot] = weight;
    return new JumpSelector(slots, usable, w);
  }

  /** Two selectors are equal when they have the same slot count, usable set and weights (so select the same). */
  @Override
  public boolean equals(Object o) {
    return o instanceof JumpSelector
        && ((JumpSelector) o).slots == slots
        && Arrays.equals(((JumpSelector) o).usable, usable)
        && Arrays.equals(((JumpSelector) o).weights, weights);
  }

  @Override
  public int hashCode() {
    return (slots * 31 + Arrays.hashCode(usable)) * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "JumpSelector[slots=" + slots + ", usable=" + usableCount
        + (weights == null ? ", weights=1" : ", weights=" + Arrays.toString(weights)) + "]";
  }

  /** Builds a {@link JumpSelector} snapshot. Not thread-safe; reusable (each {@link #build()} copies). */
  public static final class Builder {
    private final int slots;
    private final long[] usable;
    private final double[] weights;

    private Builder(int slots) {
      this.slots = slots;
      this.usable = allBits(slots);
      this.weights = ones(slots);
    }

    /**
     * @param slot a slot in {@code [0, slots)}
     * @param usable whether it may be selected (default {@code true})
     * @return this builder
     * @throws IllegalArgumentException if the slot is out of range
     */
    public Builder usable(int slot, boolean usable) {
      checkSlot(slot, slots);
      setBit(this.usable, slot, usable);
      return this;
    }

    /**
     * @param slot a slot in {@code [0, slots)}
     * @param weight its weight in {@code (0, 1]} (default 1), e.g. a slow-start fraction
     * @return this builder
     * @throws IllegalArgumentException if the slot is out of range or the weight is not in {@code (0, 1]}
     */
    public Builder weight(int slot, double weight) {
      checkSlot(slot, slots);
      checkWeight(slot, weight);
      weights[slot] = weight;
      return this;
    }

    /** @return an immutable snapshot of the current settings */
    public JumpSelector build() {
      return new JumpSelector(slots, usable.clone(), weights.clone());
    }
  }

  private static void checkSlots(int slots) {
    if (slots < 0) {
      throw new IllegalArgumentException("slots must be >= 0, was " + slots);
    }
  }

  private static void checkSlot(int slot, int slots) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot must be in [0, " + slots + "), was " + slot);
    }
  }

  private static void checkWeight(int slot, double weight) {
    if (!(weight > 0.0 && weight <= 1.0)) {
      throw new IllegalArgumentException("weight of slot " + slot + " must be in (0, 1], was " + weight);
    }
  }

  private static long[] allBits(int slots) {
    long[] bits = new long[(slots + 63) >>> 6];
    Arrays.fill(bits, -1L);
    if ((slots & 63) != 0) {
      bits[bits.length - 1] = -1L >>> (64 - (slots & 63));
    }
    return bits;
  }

  private static void setBit(long[] bits, int slot, boolean value) {
    if (value) {
      bits[slot >>> 6] |= 1L << slot;
    } else {
      bits[slot >>> 6] &= ~(1L << slot);
    }
  }

  private static double[] ones(int slots) {
    double[] w = new double[slots];
    Arrays.fill(w, 1.0);
    return w;
  }
}
