package io.veza.routing.hash;

import java.util.Arrays;
import java.util.Objects;

/**
 * Health-aware consistent selection: picks one of {@code n} configured slots (servers) for a 64-bit key hash,
 * among the slots that are currently usable, in proportion to their weights, with minimal disruption. Instances
 * are persistent (immutable, with structural sharing): changing one slot, or the number of slots, costs a small
 * bounded copy, not a copy of the whole table, so a pool of tens of thousands of servers can publish a new
 * snapshot on every health transition or slow-start step.
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
 * {@code (keyHash, n, usable set, weights)}: instances that saw different histories agree. From the jump hash it
 * inherits "all usable, all weights 1: exactly {@code JumpHash.bucket(keyHash, n)}" and "growing {@code n} by one
 * (the new slot usable, weight 1) moves only about {@code 1/(n+1)} of the keys, all onto the new slot". Making a
 * slot unusable moves exactly its keys (each to its next accepted candidate, so they spread over the survivors in
 * proportion to their weights); making it usable again moves keys only back onto it; changing a weight moves keys
 * only onto (raising) or off (lowering) that slot. The rendezvous fallback has the same properties, which is why
 * the attempt cap is a constant: a cap derived from the snapshot's weight mass would change with the usable set
 * and move keys between survivors.
 *
 * <p><b>Slots, membership and history independence.</b> A slot is a server's stable identity (for example its
 * configured id); slots are never renumbered. The slot count changes with {@link #withSlots}: new slots start
 * <em>not usable</em> with weight 1, so they take no keys until made usable, and shrinking drops the slots
 * {@code >= n} together with their state. A pool keeps {@code n = highest occupied slot + 1} and marks the
 * unoccupied slots below it (holes) not usable; then the selector, and so every choice, is a pure function of
 * (key, occupied and usable set, weights), whatever order servers joined, left or failed in: growing and shrinking
 * forget the dropped slots' state, and {@link #equals} holds between any two selectors with the same
 * {@code (n, usable set, weights)}, however they were reached. Growing {@code n} while the new slot is not usable
 * moves only keys that the new slot takes once usable (to survivors, as if it had failed); shrinking moves the
 * keys whose candidate sequence visited a dropped slot (only the dropped slots' keys when those were usable with
 * weight 1, as with the jump hash), so a pool should not shrink below an occupied slot.
 *
 * <p><b>Cost of a lookup with holes, and the fallback bound.</b> Candidates are uniform over {@code [0, n)}, so an
 * attempt is accepted with probability {@code p = (sum of usable weights) / n}. The expected number of attempts is
 * {@code (1 - (1 - p)^64) / p <= n / (sum of usable weights)}: 1 with everything usable at weight 1, 1.11 with
 * 10 % of the slots not usable, 2 with 50 %. The rendezvous fallback runs with probability {@code (1 - p)^64}:
 * about {@code 1e-64} with 10 % not usable, {@code 5e-20} with 50 %, {@code 1e-3} with 90 %.
 *
 * <p><b>Structure.</b> The usable set is a bitset cut into chunks of {@value #BIT_CHUNK_SLOTS} slots
 * ({@value #BIT_CHUNK_WORDS} {@code long}s) under a top array of chunk references; the weights are {@code double}s
 * cut into chunks of {@value #WEIGHT_CHUNK_SLOTS}. A change copies the top array and the one chunk it touches and
 * shares every other chunk with the previous snapshot; runs of untouched chunks (all usable, all unusable, all
 * weights 1) share one constant chunk. Either part is absent ({@code null}) while it is trivial (every slot usable;
 * every weight 1). The counts the lookup needs are kept incrementally: the number of usable slots, of weights
 * below 1, and of usable slots with a weight below 1 (when there is none, attempt 0 skips its weight test), and so
 * is the hash code (a sum of per-slot terms). While the usable set fits in one chunk (up to
 * {@value #BIT_CHUNK_SLOTS} slots), {@link #select} tests the usable bit of attempt 0 inline; beyond, a selector
 * with holes tests it in the out-of-line part.
 *
 * <p><b>Complexity.</b> Let {@code Cb = }{@value #BIT_CHUNK_SLOTS} and {@code Cw = }{@value #WEIGHT_CHUNK_SLOTS}.
 * <ul>
 *   <li>{@link #select}: all usable with unit weights, exactly one jump hash, {@code O(ln n)}; otherwise expected
 *       {@code min(n / sum of usable weights, 64)} attempts of {@code O(ln n)} each, plus an {@code O(n)}
 *       rendezvous scan with probability {@code (1 - p)^64} (see above). No allocation.</li>
 *   <li>{@link #withUsable}: {@code O(Cb/64 + n/Cb)} (one bitset chunk and the top array) plus {@code O(n/Cb)}
 *       when the first slot becomes unusable; {@link #withWeight}: {@code O(Cw + n/Cw)}; {@link #with}: both. At
 *       {@code n = 10,000} that is 64 words and 3 references, or 256 doubles and 40 references: constant in
 *       practice (see {@code SelectorUpdateBenchmark}).</li>
 *   <li>{@link #withSlots}: {@code O(Cb/64 + Cw + n/Cb + n/Cw + |change|)}, where {@code |change|} is the number of
 *       slots added or dropped.</li>
 *   <li>{@link #isUsable}, {@link #weight}, {@link #slots}, {@link #usableCount}, {@link #hashCode}: {@code O(1)};
 *       {@link #equals}: {@code O(n)} at most, {@code O(1)} when the counts or hash codes differ, and shared
 *       chunks compare by reference;</li>
 *   <li>{@link #builder}{@code (n).build()}: {@code O(n)}; {@link #allUsable}: {@code O(1)}.</li>
 * </ul>
 * Memory: a fixed header while every slot is usable with weight 1; {@code n/8} bytes of bitset once a slot is not
 * usable, {@code 8n} bytes of weights once a weight is below 1 (less where chunks are shared).
 *
 * <p><b>Thread-safety.</b> Instances are immutable snapshots (all fields final, chunks never written after
 * construction): {@link #select} is lock-free, allocation-free and safe from any number of threads; the
 * {@code with*} methods return new snapshots that a pool publishes through one volatile write. Updates of one pool
 * must be serialised by the caller (each starts from the latest snapshot); readers never wait. {@link #select}
 * never throws.
 */
public final class JumpSelector {

  /** Result of {@link #select} when no slot is usable. */
  public static final int NONE = -1;

  /** Number of jump-hash attempts before the rendezvous fallback. A constant on purpose; see the class doc. */
  static final int MAX_ATTEMPTS = 64;

  /** log2 of the number of slots per usable-bitset chunk. */
  static final int BIT_CHUNK_SHIFT = 12;
  /** Slots per usable-bitset chunk. */
  static final int BIT_CHUNK_SLOTS = 1 << BIT_CHUNK_SHIFT;
  /** {@code long} words per full usable-bitset chunk. */
  static final int BIT_CHUNK_WORDS = BIT_CHUNK_SLOTS >>> 6;
  private static final int WORD_MASK = BIT_CHUNK_WORDS - 1;
  /** log2 of the number of weights per weight chunk. */
  static final int WEIGHT_CHUNK_SHIFT = 8;
  /** Weights per weight chunk. */
  static final int WEIGHT_CHUNK_SLOTS = 1 << WEIGHT_CHUNK_SHIFT;
  private static final int WEIGHT_MASK = WEIGHT_CHUNK_SLOTS - 1;

  /** Shared full chunks: never written (every update writes a fresh copy). */
  private static final long[] ALL_USABLE = filledWords(BIT_CHUNK_WORDS, -1L);
  private static final long[] NONE_USABLE = new long[BIT_CHUNK_WORDS];
  private static final double[] UNIT_WEIGHTS = filledWeights(WEIGHT_CHUNK_SLOTS);
  /** Attempt 0's bitset of the empty selector: one zero word, so bucket 0 is rejected. */
  private static final long[] EMPTY_TEST = new long[1];

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long VARIATE_STREAM = 0xD1B54A32D192ED03L;
  private static final long RENDEZVOUS_STREAM = 0xA0761D6478BD642FL;
  private static final long HASH_STREAM = 0x8CB92BA72F3D8DD7L;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final int slots;
  /**
   * Usable bitset in chunks of {@link #BIT_CHUNK_WORDS} words (the last chunk only as long as needed; bits past
   * {@code slots} are 0), or {@code null} when every slot is usable.
   */
  private final long[][] usable;
  /**
   * Weights in (0, 1] in chunks of {@link #WEIGHT_CHUNK_SLOTS} (the last one exactly as long as needed), or
   * {@code null} when every weight is 1.
   */
  private final double[][] weights;
  private final int usableCount;
  /** Number of slots, usable or not, whose weight is below 1. */
  private final int reducedWeights;
  /** Number of usable slots whose weight is below 1. */
  private final int reducedUsable;
  /** Sum of {@link #term} over all slots: the state part of {@link #hashCode}, kept incrementally. */
  private final int stateHash;

  // Derived, for the straight-line part of select().
  /** Buckets of attempt 0's jump in {@link #select}: {@code slots}, or 1 for an empty selector. */
  private final int jumpBuckets;
  /**
   * Bitset tested after attempt 0's jump in {@link #select}: {@code null} when every slot is usable, the single
   * chunk of a one-chunk bitset, or for an empty selector one zero word (so that its bucket 0 is rejected and the
   * out-of-line path returns {@link #NONE}). Unused when {@link #inlineAccept} is false.
   */
  private final long[] firstTest;
  /**
   * Attempt 0 may be accepted inline: every usable slot has weight 1 (then attempt 0 is accepted exactly when its
   * slot is usable) and the usable set is absent or one chunk.
   */
  private final boolean inlineAccept;

  private JumpSelector(int slots, long[][] usable, double[][] weights, int usableCount, int reducedWeights,
      int reducedUsable, int stateHash) {
    this.slots = slots;
    this.usable = usableCount == slots ? null : usable;
    this.weights = reducedWeights == 0 ? null : weights;
    this.usableCount = usableCount;
    this.reducedWeights = reducedWeights;
    this.reducedUsable = reducedUsable;
    this.stateHash = stateHash;
    this.jumpBuckets = Math.max(slots, 1);
    long[][] bits = this.usable;
    this.firstTest = slots == 0 ? EMPTY_TEST : bits == null || bits.length != 1 ? null : bits[0];
    this.inlineAccept = reducedUsable == 0 && (bits == null || bits.length == 1);
  }

  /**
   * A selector over {@code slots} slots, all usable, all weights 1: {@code select(h) == JumpHash.bucket(h, slots)}.
   * {@code O(1)}.
   *
   * @param slots number of configured slots, {@code >= 0} (0 gives a selector that always returns {@link #NONE})
   * @return the selector
   * @throws IllegalArgumentException if {@code slots < 0}
   */
  public static JumpSelector allUsable(int slots) {
    checkSlots(slots);
    return new JumpSelector(slots, null, null, slots, 0, 0, 0);
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

  /**
   * The number of configured slots.
   *
   * @return the number of configured slots {@code n}; slots are {@code 0..n-1}
   */
  public int slots() {
    return slots;
  }

  /**
   * Whether a slot may be selected. {@code O(1)}.
   *
   * @param slot a slot in {@code [0, slots())}
   * @return whether the slot may be selected
   * @throws IndexOutOfBoundsException if the slot is out of range
   */
  public boolean isUsable(int slot) {
    Objects.checkIndex(slot, slots);
    return usable == null || bit(usable, slot);
  }

  /**
   * The weight of a slot. {@code O(1)}.
   *
   * @param slot a slot in {@code [0, slots())}
   * @return its weight in {@code (0, 1]} (also for an unusable slot: usability and weight are independent)
   * @throws IndexOutOfBoundsException if the slot is out of range
   */
  public double weight(int slot) {
    Objects.checkIndex(slot, slots);
    return weights == null ? 1.0 : weights[slot >>> WEIGHT_CHUNK_SHIFT][slot & WEIGHT_MASK];
  }

  /**
   * The number of usable slots. {@code O(1)}.
   *
   * @return the number of usable slots
   */
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
    if (inlineAccept && (test == null || (test[s >>> 6] & (1L << s)) != 0)) {
      return s;
    }
    return selectAfterFirst(keyHash, s);
  }

  /**
   * The rest of {@link #select} once the straight-line test did not accept attempt 0's slot {@code s}: the slot is
   * not usable, or some usable slot has a weight below 1 and the full acceptance test decides, or the usable set
   * has more than one chunk and attempt 0 has not been tested yet.
   */
  private int selectAfterFirst(long keyHash, int s) {
    if (usableCount == 0) {
      return NONE;
    }
    int n = slots;
    if (reducedUsable == 0) {
      // Same acceptance as accepts(): every usable slot has weight 1, so only the usable bit decides. The usable
      // set is present (with every slot usable the straight-line test accepts): one chunk, which firstTest holds
      // and attempt 0 was already rejected by, or several.
      long[] flat = firstTest;
      if (flat != null) {
        for (int i = 1; i < MAX_ATTEMPTS; i++) {
          int t = JumpHash.bucket(attemptKey(keyHash, i), n);
          if ((flat[t >>> 6] & (1L << t)) != 0) {
            return t;
          }
        }
        return rendezvous(keyHash);
      }
      long[][] bits = usable;
      if (bit(bits, s)) {
        return s;
      }
      for (int i = 1; i < MAX_ATTEMPTS; i++) {
        int t = JumpHash.bucket(attemptKey(keyHash, i), n);
        if (bit(bits, t)) {
          return t;
        }
      }
      return rendezvous(keyHash);
    }
    if (accepts(s, keyHash, 0)) {
      return s;
    }
    for (int i = 1; i < MAX_ATTEMPTS; i++) {
      int t = JumpHash.bucket(attemptKey(keyHash, i), n);
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
    if (accepts(JumpHash.bucket(keyHash, slots), keyHash, 0)) {
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
    if (usable != null && !bit(usable, s)) {
      return false;
    }
    if (weights == null) {
      return true;
    }
    double w = weights[s >>> WEIGHT_CHUNK_SHIFT][s & WEIGHT_MASK];
    return w == 1.0 || variate(keyHash, attempt) < w;
  }

  /** The weighted rendezvous fallback: smallest {@code -ln(v) / w} over usable slots, ties to the lower slot. */
  int rendezvous(long keyHash) {
    int best = NONE;
    double bestScore = Double.POSITIVE_INFINITY;
    long[][] bits = usable;
    if (bits == null) {
      for (int s = 0; s < slots; s++) {
        double score = rendezvousScore(keyHash, s);
        if (score < bestScore || best == NONE) {
          best = s;
          bestScore = score;
        }
      }
      return best;
    }
    // The usable slots in ascending order, as the plain scan above visits them.
    for (int c = 0; c < bits.length; c++) {
      long[] chunk = bits[c];
      for (int i = 0; i < chunk.length; i++) {
        for (long word = chunk[i]; word != 0; word &= word - 1) {
          int s = (c << BIT_CHUNK_SHIFT) + (i << 6) + Long.numberOfTrailingZeros(word);
          double score = rendezvousScore(keyHash, s);
          if (score < bestScore || best == NONE) {
            best = s;
            bestScore = score;
          }
        }
      }
    }
    return best;
  }

  /** {@code -ln(v_s) / weight(s)} with {@code v_s} in (0, 1] from an independent stream. */
  private double rendezvousScore(long keyHash, int s) {
    // v in (0, 1], so -ln(v) is finite and >= 0; StrictMath so every JVM computes the same bits.
    double v = ((fmix64(keyHash ^ RENDEZVOUS_STREAM, s) >>> 11) + 1) * TWO_POW_MINUS_53;
    return -StrictMath.log(v) / weightAt(s);
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
   * A snapshot with one slot's usability changed; {@code this} if unchanged. Copies one bitset chunk and the top
   * array (see the class doc), keeps every other part shared.
   *
   * @param slot a slot in {@code [0, slots())}
   * @param usable whether the slot may be selected
   * @return the new snapshot
   * @throws IllegalArgumentException if the slot is out of range
   */
  public JumpSelector withUsable(int slot, boolean usable) {
    checkSlot(slot, slots);
    return update(slot, usable, weightAt(slot));
  }

  /**
   * A snapshot with one slot's weight changed; {@code this} if unchanged. Copies one weight chunk and the top
   * array (see the class doc), keeps every other part shared.
   *
   * @param slot a slot in {@code [0, slots())}
   * @param weight the new weight in {@code (0, 1]}
   * @return the new snapshot
   * @throws IllegalArgumentException if the slot is out of range or the weight is not in {@code (0, 1]}
   */
  public JumpSelector withWeight(int slot, double weight) {
    checkSlot(slot, slots);
    checkWeight(slot, weight);
    return update(slot, usableAt(slot), weight);
  }

  /**
   * A snapshot with one slot's usability and weight changed in one step; {@code this} if both are unchanged. What a
   * health transition that also starts a slow-start ramp needs: one new snapshot instead of two.
   *
   * @param slot a slot in {@code [0, slots())}
   * @param usable whether the slot may be selected
   * @param weight the new weight in {@code (0, 1]}
   * @return the new snapshot
   * @throws IllegalArgumentException if the slot is out of range or the weight is not in {@code (0, 1]}
   */
  public JumpSelector with(int slot, boolean usable, double weight) {
    checkSlot(slot, slots);
    checkWeight(slot, weight);
    return update(slot, usable, weight);
  }

  /**
   * A snapshot with {@code slots} slots; {@code this} if unchanged. Growing adds slots that are <em>not usable</em>,
   * with weight 1 (make them usable with {@link #withUsable} once their server can take traffic); shrinking drops
   * the slots {@code >= slots} and forgets their state, so growing again later starts them afresh. Slots below the
   * new count keep their index, usability and weight. See the class doc for why a pool keeps
   * {@code n = highest occupied slot + 1}, and for which keys move.
   *
   * <p>Cost: one chunk of each part and the top arrays are copied, plus {@code O(|slots - slots()|)} for the slots
   * added or dropped.
   *
   * @param slots the new number of slots, {@code >= 0}
   * @return the new snapshot
   * @throws IllegalArgumentException if {@code slots < 0}
   */
  public JumpSelector withSlots(int slots) {
    checkSlots(slots);
    int old = this.slots;
    if (slots == old) {
      return this;
    }
    if (slots > old) {
      long[][] bits = resizeBits(usable == null ? allUsableBits(old) : usable, old, slots);
      double[][] w = weights == null ? null : resizeWeights(weights, old, slots);
      int hash = stateHash;
      for (int s = old; s < slots; s++) {
        hash += term(s, false, 1.0);
      }
      return new JumpSelector(slots, bits, w, usableCount, reducedWeights, reducedUsable, hash);
    }
    int count = usableCount;
    int reduced = reducedWeights;
    int reducedAndUsable = reducedUsable;
    int hash = stateHash;
    for (int s = slots; s < old; s++) {
      boolean u = usableAt(s);
      double w = weightAt(s);
      count -= u ? 1 : 0;
      reduced -= w != 1.0 ? 1 : 0;
      reducedAndUsable -= u && w != 1.0 ? 1 : 0;
      hash -= term(s, u, w);
    }
    long[][] bits = usable == null ? null : resizeBits(usable, old, slots);
    double[][] w = weights == null ? null : resizeWeights(weights, old, slots);
    return new JumpSelector(slots, bits, w, count, reduced, reducedAndUsable, hash);
  }

  /** The new snapshot after checks; {@code this} if nothing changes. */
  private JumpSelector update(int slot, boolean usable, double weight) {
    boolean oldUsable = usableAt(slot);
    double oldWeight = weightAt(slot);
    if (oldUsable == usable && oldWeight == weight) {
      return this;
    }
    long[][] bits = this.usable;
    int count = usableCount;
    if (oldUsable != usable) {
      bits = bits == null ? withBit(allUsableBits(slots), false, slot, usable) : withBit(bits, true, slot, usable);
      count += usable ? 1 : -1;
    }
    double[][] w = this.weights;
    int reduced = reducedWeights;
    if (oldWeight != weight) {
      w = w == null
          ? withWeightValue(unitWeights(slots), false, slot, weight)
          : withWeightValue(w, true, slot, weight);
      reduced += (weight != 1.0 ? 1 : 0) - (oldWeight != 1.0 ? 1 : 0);
    }
    int reducedAndUsable = reducedUsable
        - (oldUsable && oldWeight != 1.0 ? 1 : 0) + (usable && weight != 1.0 ? 1 : 0);
    int hash = stateHash - term(slot, oldUsable, oldWeight) + term(slot, usable, weight);
    return new JumpSelector(slots, bits, w, count, reduced, reducedAndUsable, hash);
  }

  private boolean usableAt(int slot) {
    return usable == null || bit(usable, slot);
  }

  private double weightAt(int slot) {
    return weights == null ? 1.0 : weights[slot >>> WEIGHT_CHUNK_SHIFT][slot & WEIGHT_MASK];
  }

  private static boolean bit(long[][] bits, int s) {
    return (bits[s >>> BIT_CHUNK_SHIFT][(s >>> 6) & WORD_MASK] & (1L << s)) != 0;
  }

  /**
   * This slot's term of the state hash: 0 for the default state (usable, weight 1), so an all-usable unit-weight
   * selector's state hash is 0 and a change adjusts the sum in {@code O(1)}.
   */
  private static int term(int slot, boolean usable, double weight) {
    if (usable && weight == 1.0) {
      return 0;
    }
    long z = fmix64(Double.doubleToLongBits(weight) ^ (usable ? HASH_STREAM : 0), slot);
    return (int) (z ^ (z >>> 32));
  }

  /**
   * Two selectors are equal when they have the same slot count, usable set and weights, and therefore select the
   * same slot for every key, however each was reached.
   *
   * @param o any object
   * @return whether {@code o} is a {@code JumpSelector} with the same slot count, usable set and weights
   */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof JumpSelector)) {
      return false;
    }
    JumpSelector other = (JumpSelector) o;
    if (other.slots != slots || other.usableCount != usableCount || other.reducedWeights != reducedWeights
        || other.stateHash != stateHash) {
      return false;
    }
    if ((usable == null) != (other.usable == null) || (weights == null) != (other.weights == null)) {
      return false; // both are canonical: absent exactly when trivial
    }
    if (usable != null) {
      for (int c = 0; c < usable.length; c++) {
        if (usable[c] != other.usable[c] && !Arrays.equals(usable[c], other.usable[c])) {
          return false;
        }
      }
    }
    if (weights != null) {
      for (int c = 0; c < weights.length; c++) {
        if (weights[c] != other.weights[c] && !Arrays.equals(weights[c], other.weights[c])) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A hash code consistent with {@link #equals}, kept incrementally ({@code O(1)}).
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return slots * 31 + stateHash;
  }

  /**
   * A short description: slot count, usable count and how many weights are below 1.
   *
   * @return the description
   */
  @Override
  public String toString() {
    return "JumpSelector[slots=" + slots + ", usable=" + usableCount
        + (reducedWeights == 0 ? ", weights=1" : ", weights below 1=" + reducedWeights) + "]";
  }

  /** Builds a {@link JumpSelector} snapshot. Not thread-safe; reusable (each {@link #build()} copies). */
  public static final class Builder {
    private final int slots;
    private final long[] usable;
    private final double[] weights;

    private Builder(int slots) {
      this.slots = slots;
      this.usable = new long[(int) ((slots + 63L) >>> 6)];
      for (int s = 0; s < slots; s += 64) {
        this.usable[s >>> 6] = slots - s >= 64 ? -1L : -1L >>> (64 - (slots - s));
      }
      this.weights = new double[slots];
      Arrays.fill(this.weights, 1.0);
    }

    /**
     * Sets whether a slot may be selected.
     *
     * @param slot a slot in {@code [0, slots)}
     * @param usable whether it may be selected (default {@code true})
     * @return this builder
     * @throws IllegalArgumentException if the slot is out of range
     */
    public Builder usable(int slot, boolean usable) {
      checkSlot(slot, slots);
      if (usable) {
        this.usable[slot >>> 6] |= 1L << slot;
      } else {
        this.usable[slot >>> 6] &= ~(1L << slot);
      }
      return this;
    }

    /**
     * Sets a slot's weight.
     *
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

    /**
     * Builds an immutable snapshot of the current settings, {@code O(slots)}.
     *
     * @return the snapshot
     */
    public JumpSelector build() {
      int count = 0;
      int reduced = 0;
      int reducedAndUsable = 0;
      int hash = 0;
      for (int s = 0; s < slots; s++) {
        boolean u = (usable[s >>> 6] & (1L << s)) != 0;
        double w = weights[s];
        count += u ? 1 : 0;
        reduced += w != 1.0 ? 1 : 0;
        reducedAndUsable += u && w != 1.0 ? 1 : 0;
        hash += term(s, u, w);
      }
      long[][] bits = null;
      if (count != slots) {
        bits = new long[bitChunks(slots)][];
        for (int c = 0; c < bits.length; c++) {
          int from = c * BIT_CHUNK_WORDS;
          bits[c] = Arrays.copyOfRange(usable, from, Math.min(usable.length, from + BIT_CHUNK_WORDS));
        }
      }
      double[][] w = null;
      if (reduced != 0) {
        w = new double[weightChunks(slots)][];
        for (int c = 0; c < w.length; c++) {
          int from = c << WEIGHT_CHUNK_SHIFT;
          w[c] = Arrays.copyOfRange(weights, from, Math.min(slots, from + WEIGHT_CHUNK_SLOTS));
        }
      }
      return new JumpSelector(slots, bits, w, count, reduced, reducedAndUsable, hash);
    }
  }

  // ---- chunk helpers: every write goes to a fresh array; shared arrays are never written ----

  private static int bitChunks(int slots) {
    return (slots >>> BIT_CHUNK_SHIFT) + ((slots & (BIT_CHUNK_SLOTS - 1)) != 0 ? 1 : 0);
  }

  private static int weightChunks(int slots) {
    return (slots >>> WEIGHT_CHUNK_SHIFT) + ((slots & WEIGHT_MASK) != 0 ? 1 : 0);
  }

  /** Words of bitset chunk {@code c} of a selector with {@code slots} slots. */
  private static int chunkWords(int slots, int c) {
    int rest = slots - (c << BIT_CHUNK_SHIFT);
    return rest >= BIT_CHUNK_SLOTS ? BIT_CHUNK_WORDS : (rest + 63) >>> 6;
  }

  /** Length of weight chunk {@code c} of a selector with {@code slots} slots. */
  private static int chunkWeights(int slots, int c) {
    return Math.min(WEIGHT_CHUNK_SLOTS, slots - (c << WEIGHT_CHUNK_SHIFT));
  }

  /** An all-usable bitset of {@code slots} slots: shared full chunks, a fresh partial last chunk. */
  private static long[][] allUsableBits(int slots) {
    long[][] bits = new long[bitChunks(slots)][];
    Arrays.fill(bits, ALL_USABLE);
    if (bits.length > 0 && (slots & (BIT_CHUNK_SLOTS - 1)) != 0) {
      int last = bits.length - 1;
      bits[last] = lowBits(chunkWords(slots, last), slots - (last << BIT_CHUNK_SHIFT));
    }
    return bits;
  }

  /** Unit weights for {@code slots} slots: shared full chunks, a fresh partial last chunk. */
  private static double[][] unitWeights(int slots) {
    double[][] w = new double[weightChunks(slots)][];
    Arrays.fill(w, UNIT_WEIGHTS);
    if (w.length > 0 && (slots & WEIGHT_MASK) != 0) {
      w[w.length - 1] = filledWeights(slots & WEIGHT_MASK);
    }
    return w;
  }

  /** {@code words} words with the low {@code count} bits set. */
  private static long[] lowBits(int words, int count) {
    long[] chunk = new long[words];
    for (int i = 0; i < words; i++) {
      int rest = count - 64 * i;
      chunk[i] = rest >= 64 ? -1L : rest <= 0 ? 0L : -1L >>> (64 - rest);
    }
    return chunk;
  }

  /** {@code bits} with one bit changed; {@code shared}: whether the top array is shared and must be copied. */
  private static long[][] withBit(long[][] bits, boolean shared, int slot, boolean value) {
    long[][] top = shared ? bits.clone() : bits;
    int c = slot >>> BIT_CHUNK_SHIFT;
    long[] chunk = top[c].clone();
    int word = (slot >>> 6) & WORD_MASK;
    chunk[word] = value ? chunk[word] | (1L << slot) : chunk[word] & ~(1L << slot);
    top[c] = chunk;
    return top;
  }

  /** {@code weights} with one weight changed; {@code shared}: whether the top array must be copied. */
  private static double[][] withWeightValue(double[][] weights, boolean shared, int slot, double weight) {
    double[][] top = shared ? weights.clone() : weights;
    int c = slot >>> WEIGHT_CHUNK_SHIFT;
    double[] chunk = top[c].clone();
    chunk[slot & WEIGHT_MASK] = weight;
    top[c] = chunk;
    return top;
  }

  /**
   * The bitset resized from {@code from} to {@code to} slots: kept chunks shared, the boundary chunk copied (and
   * masked when shrinking), new slots not usable.
   */
  private static long[][] resizeBits(long[][] bits, int from, int to) {
    int chunks = bitChunks(to);
    long[][] top = Arrays.copyOf(bits, chunks);
    if (to > from) {
      for (int c = bitChunks(from); c < chunks; c++) {
        top[c] = chunkWords(to, c) == BIT_CHUNK_WORDS ? NONE_USABLE : new long[chunkWords(to, c)];
      }
      if (bits.length > 0 && (from & (BIT_CHUNK_SLOTS - 1)) != 0) {
        int c = bits.length - 1; // the old partial last chunk grows, zero-filled
        int words = chunkWords(to, c);
        top[c] = words == BIT_CHUNK_WORDS && isZero(bits[c]) ? NONE_USABLE : Arrays.copyOf(bits[c], words);
      }
    } else if (chunks > 0 && (to & (BIT_CHUNK_SLOTS - 1)) != 0) {
      int c = chunks - 1;
      long[] chunk = Arrays.copyOf(top[c], chunkWords(to, c));
      if ((to & 63) != 0) {
        chunk[chunk.length - 1] &= -1L >>> (64 - (to & 63));
      }
      top[c] = chunk;
    }
    return top;
  }

  /** The weights resized from {@code from} to {@code to} slots: new slots weight 1. */
  private static double[][] resizeWeights(double[][] weights, int from, int to) {
    int chunks = weightChunks(to);
    double[][] top = Arrays.copyOf(weights, chunks);
    if (to > from) {
      for (int c = weightChunks(from); c < chunks; c++) {
        top[c] = chunkWeights(to, c) == WEIGHT_CHUNK_SLOTS ? UNIT_WEIGHTS : filledWeights(chunkWeights(to, c));
      }
      if (weights.length > 0 && (from & WEIGHT_MASK) != 0) {
        int c = weights.length - 1;
        double[] chunk = Arrays.copyOf(weights[c], chunkWeights(to, c));
        Arrays.fill(chunk, weights[c].length, chunk.length, 1.0);
        top[c] = chunk;
      }
    } else if (chunks > 0 && (to & WEIGHT_MASK) != 0) {
      top[chunks - 1] = Arrays.copyOf(top[chunks - 1], chunkWeights(to, chunks - 1));
    }
    return top;
  }

  private static boolean isZero(long[] words) {
    for (long w : words) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  private static long[] filledWords(int length, long value) {
    long[] words = new long[length];
    Arrays.fill(words, value);
    return words;
  }

  private static double[] filledWeights(int length) {
    double[] w = new double[length];
    Arrays.fill(w, 1.0);
    return w;
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
}
