package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The properties issue 2 requires of the health-aware selection, each over 1000 random configurations (slot count,
 * usable set including the empty and nearly empty ones, weights including slow-start sixteenths) and 64 random key
 * hashes per configuration. Statistical shares are in {@link JumpSelectorStatisticsTest}.
 */
class JumpSelectorProperties {

  private static final int KEYS = 64;

  /** A random configuration: usable fraction from all to none, weights 1, k/16 or arbitrary in (0, 1]. */
  static JumpSelector randomSelector(int n, SplittableRandom r) {
    double[] downProbabilities = {0, 0.01, 0.1, 0.5, 0.9, 0.99, 1, r.nextDouble()};
    double pDown = downProbabilities[r.nextInt(downProbabilities.length)];
    boolean weighted = r.nextBoolean();
    JumpSelector.Builder b = JumpSelector.builder(n);
    for (int s = 0; s < n; s++) {
      if (r.nextDouble() < pDown) {
        b.usable(s, false);
      }
      if (weighted && r.nextInt(3) == 0) {
        b.weight(s, randomWeight(r));
      }
    }
    return b.build();
  }

  static double randomWeight(SplittableRandom r) {
    return r.nextBoolean() ? (1 + r.nextInt(16)) / 16.0 : 1.0 - r.nextDouble(); // (0, 1]
  }

  static long[] keys(SplittableRandom r) {
    long[] keys = new long[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = r.nextLong();
    }
    return keys;
  }

  @Property(tries = 1000)
  void allUsableWithUnitWeightsIsExactlyJumpHash(@ForAll long key, @ForAll @IntRange(min = 1) int n) {
    assertEquals(JumpHash.bucket(key, n), JumpSelector.allUsable(n).select(key));
  }

  /** Also after slots went down, came back, and weights went through slow start back to 1. */
  @Property(tries = 1000)
  void restoredToAllUsableIsExactlyJumpHashAgain(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector sel = randomSelector(n, r);
    for (int s = 0; s < n; s++) {
      sel = sel.withUsable(s, true).withWeight(s, 1.0);
    }
    for (long key : keys(r)) {
      assertEquals(JumpHash.bucket(key, n), sel.select(key));
    }
  }

  @Property(tries = 1000)
  void resultIsAlwaysAUsableSlotOrNone(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector sel = randomSelector(n, r);
    for (long key : keys(r)) {
      int s = sel.select(key);
      if (sel.usableCount() == 0) {
        assertEquals(JumpSelector.NONE, s);
      } else {
        assertTrue(s >= 0 && s < n && sel.isUsable(s), () -> "selected " + s + " in " + sel);
      }
    }
  }

  @Property(tries = 1000)
  void removingASlotMovesExactlyItsKeysAndRestoringMovesKeysOnlyBack(
      @ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector before = randomSelector(n, r);
    int removed = r.nextInt(n);
    before = before.withUsable(removed, true);
    JumpSelector after = before.withUsable(removed, false);
    JumpSelector restored = after.withUsable(removed, true);
    assertEquals(before, restored);
    for (long key : keys(r)) {
      int b = before.select(key);
      int a = after.select(key);
      if (b != removed) {
        assertEquals(b, a, "a key not on the removed slot moved");
      } else {
        assertNotEquals(removed, a);
        assertTrue(after.usableCount() == 0 ? a == JumpSelector.NONE : after.isUsable(a));
      }
      int back = restored.select(key);
      assertEquals(b, back, "restoring must give the original choice");
      assertTrue(back == a || back == removed, "restoring moved a key between survivors");
    }
  }

  /**
   * Two gateways that saw different histories (different starting states, changes in different orders) and reach
   * the same usable set and weights select the same slot for every key.
   */
  @Property(tries = 1000)
  void selectionIsAPureFunctionOfTheFinalState(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector target = randomSelector(n, r);
    JumpSelector one = replay(randomSelector(n, r), target, r);
    JumpSelector two = replay(randomSelector(n, r), target, r);
    assertEquals(target, one);
    assertEquals(target, two);
    for (long key : keys(r)) {
      int expected = target.select(key);
      assertEquals(expected, one.select(key));
      assertEquals(expected, two.select(key));
    }
  }

  /** Random noise changes, then every slot set to the target's state, in a random order. */
  private static JumpSelector replay(JumpSelector start, JumpSelector target, SplittableRandom r) {
    int n = target.slots();
    List<UnaryOperator<JumpSelector>> changes = new ArrayList<>();
    for (int i = 0, noise = r.nextInt(2 * n + 1); i < noise; i++) {
      int s = r.nextInt(n);
      boolean usable = r.nextBoolean();
      double w = randomWeight(r);
      changes.add(r.nextBoolean() ? sel -> sel.withUsable(s, usable) : sel -> sel.withWeight(s, w));
    }
    List<UnaryOperator<JumpSelector>> finals = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      int slot = s;
      finals.add(sel -> sel.withUsable(slot, target.isUsable(slot)));
      finals.add(sel -> sel.withWeight(slot, target.weight(slot)));
    }
    Collections.shuffle(finals, new java.util.Random(r.nextLong()));
    changes.addAll(finals);
    JumpSelector sel = start;
    for (UnaryOperator<JumpSelector> change : changes) {
      sel = change.apply(sel);
    }
    return sel;
  }

  @Property(tries = 1000)
  void growingByOneSlotMovesKeysOnlyOntoTheNewSlot(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector small = randomSelector(n, r);
    JumpSelector.Builder b = JumpSelector.builder(n + 1);
    for (int s = 0; s < n; s++) {
      b.usable(s, small.isUsable(s)).weight(s, small.weight(s));
    }
    JumpSelector big = b.build();
    assertTrue(big.isUsable(n) && big.weight(n) == 1.0);
    for (long key : keys(r)) {
      int before = small.select(key);
      int after = big.select(key);
      assertTrue(after == before || after == n, () -> before + " -> " + after);
    }
  }

  @Property(tries = 1000)
  void raisingAWeightMovesKeysOnlyOntoThatSlot(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    JumpSelector sel = randomSelector(n, r);
    int t = r.nextInt(n);
    double low = randomWeight(r);
    double high = low + (1.0 - low) * (1.0 - r.nextDouble()); // in (low, 1]
    if (high <= low) {
      return; // low == 1: nothing to raise
    }
    JumpSelector lower = sel.withWeight(t, low);
    JumpSelector higher = sel.withWeight(t, high);
    for (long key : keys(r)) {
      int before = lower.select(key);
      int after = higher.select(key);
      if (before != after) {
        assertEquals(t, after, "raising the weight of " + t + " moved a key elsewhere");
        assertTrue(higher.isUsable(t));
      }
    }
  }
}
