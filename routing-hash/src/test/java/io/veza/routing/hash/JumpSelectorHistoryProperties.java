package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Properties of the persistent {@link JumpSelector} under live membership: any sequence of {@code with*} and
 * {@link JumpSelector#withSlots} operations gives the selector built fresh from the final state (equal, same hash
 * code, same selections), the selection matches a flat reference implementation for slot counts beyond one chunk,
 * and slot-count changes move only the keys they must. Slot counts are drawn around the chunk boundaries
 * ({@link JumpSelector#BIT_CHUNK_SLOTS}, {@link JumpSelector#WEIGHT_CHUNK_SLOTS}) up to three bitset chunks. Each
 * property has a fixed seed, so every run checks the same cases.
 */
class JumpSelectorHistoryProperties {

  private static final int KEYS = 128;

  /** The state a selector should have, kept in flat arrays, and what an operation does to it. */
  static final class Model {
    boolean[] usable;
    double[] weights;

    Model(int n) {
      usable = new boolean[n];
      weights = new double[n];
      Arrays.fill(usable, true);
      Arrays.fill(weights, 1.0);
    }

    int slots() {
      return usable.length;
    }

    int usableCount() {
      int c = 0;
      for (boolean u : usable) {
        c += u ? 1 : 0;
      }
      return c;
    }

    void resize(int n) {
      int old = usable.length;
      usable = Arrays.copyOf(usable, n); // new slots: false, not usable
      weights = Arrays.copyOf(weights, n);
      if (n > old) {
        Arrays.fill(weights, old, n, 1.0);
      }
    }

    JumpSelector build() {
      JumpSelector.Builder b = JumpSelector.builder(slots());
      for (int s = 0; s < slots(); s++) {
        b.usable(s, usable[s]).weight(s, weights[s]);
      }
      return b.build();
    }

    ReferenceSelector reference() {
      return new ReferenceSelector(usable, weights);
    }
  }

  /** A slot count: tiny, small, around a bitset chunk boundary, or anywhere up to three chunks. */
  static int randomSize(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return r.nextInt(70);
      case 1:
        return r.nextInt(1100);
      case 2:
        return JumpSelector.BIT_CHUNK_SLOTS * (1 + r.nextInt(2)) - 70 + r.nextInt(140);
      default:
        return r.nextInt(3 * JumpSelector.BIT_CHUNK_SLOTS + 100);
    }
  }

  /** A slot of {@code n > 0}: uniform, the last one, or next to a chunk boundary. */
  static int randomSlot(int n, SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return n - 1;
      case 1: {
        int chunk = r.nextBoolean() ? JumpSelector.BIT_CHUNK_SLOTS : JumpSelector.WEIGHT_CHUNK_SLOTS;
        int boundary = chunk * r.nextInt(n / chunk + 1);
        return Math.floorMod(boundary + r.nextInt(3) - 1, n);
      }
      default:
        return r.nextInt(n);
    }
  }

  /** A random model: all usable, or a random fraction down (up to all), weights 1 or random. */
  static Model randomModel(int n, SplittableRandom r) {
    Model m = new Model(n);
    double[] downProbabilities = {0, 0, 0.01, 0.1, 0.5, 0.9, 0.99, 1, r.nextDouble()};
    double pDown = downProbabilities[r.nextInt(downProbabilities.length)];
    int weighted = r.nextInt(3); // none, a few, a third
    for (int s = 0; s < n; s++) {
      m.usable[s] = !(r.nextDouble() < pDown);
      if (weighted == 2 && r.nextInt(3) == 0 || weighted == 1 && r.nextInt(200) == 0) {
        m.weights[s] = JumpSelectorProperties.randomWeight(r);
      }
    }
    return m;
  }

  /**
   * Applies one random operation to both the selector and the model, checking what can be checked in O(1) on the
   * way: a change that changes nothing returns the same instance.
   */
  static JumpSelector randomStep(JumpSelector sel, Model m, SplittableRandom r) {
    int n = m.slots();
    int kind = r.nextInt(n == 0 ? 2 : 12);
    JumpSelector next;
    boolean unchanged;
    if (kind == 0 || kind == 1) {
      int to = kind == 0
          ? n + 1 + r.nextInt(r.nextBoolean() ? 3 : JumpSelector.BIT_CHUNK_SLOTS + 100)
          : r.nextInt(n + 1);
      if (r.nextInt(4) == 0) {
        to = randomSize(r);
      }
      unchanged = to == n;
      next = sel.withSlots(to);
      m.resize(to);
    } else {
      int s = randomSlot(n, r);
      boolean u = r.nextInt(3) != 0;
      double w = r.nextBoolean() ? 1.0 : JumpSelectorProperties.randomWeight(r);
      unchanged = switch (kind % 3) {
        case 0 -> m.usable[s] == u;
        case 1 -> m.weights[s] == w;
        default -> m.usable[s] == u && m.weights[s] == w;
      };
      switch (kind % 3) {
        case 0 -> {
          next = sel.withUsable(s, u);
          m.usable[s] = u;
        }
        case 1 -> {
          next = sel.withWeight(s, w);
          m.weights[s] = w;
        }
        default -> {
          next = sel.with(s, u, w);
          m.usable[s] = u;
          m.weights[s] = w;
        }
      }
    }
    if (unchanged) {
      assertSame(sel, next, "a change to the same state returns the same snapshot");
    }
    assertEquals(m.slots(), next.slots());
    assertEquals(m.usableCount(), next.usableCount());
    return next;
  }

  /** Full comparison with the model: accessors, equality with the fresh build, hash code, selections. */
  static void assertMatches(Model m, JumpSelector sel, SplittableRandom r) {
    int n = m.slots();
    assertEquals(n, sel.slots());
    assertEquals(m.usableCount(), sel.usableCount());
    for (int s = 0; s < n; s++) {
      assertEquals(m.usable[s], sel.isUsable(s), "usable " + s);
      assertEquals(m.weights[s], sel.weight(s), "weight " + s);
    }
    JumpSelector fresh = m.build();
    assertEquals(fresh, sel);
    assertEquals(sel, fresh);
    assertEquals(fresh.hashCode(), sel.hashCode());
    ReferenceSelector reference = m.reference();
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      int expected = reference.select(key);
      assertEquals(expected, fresh.select(key), () -> "fresh build, key " + key + ", " + fresh);
      assertEquals(expected, sel.select(key), () -> "after history, key " + key + ", " + sel);
    }
  }

  /** History independence: whatever the operations, the result is the fresh build of the final state. */
  @Property(tries = 400, seed = "20261129")
  void anyHistoryGivesTheFreshBuildOfTheFinalState(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n0 = randomSize(r);
    Model m = r.nextBoolean() ? new Model(n0) : randomModel(n0, r);
    JumpSelector sel = r.nextBoolean() ? m.build() : JumpSelector.allUsable(n0);
    if (!sel.equals(m.build())) {
      sel = m.build();
    }
    for (int i = 0, steps = r.nextInt(80); i < steps; i++) {
      sel = randomStep(sel, m, r);
    }
    assertMatches(m, sel, r);
  }

  /** Two gateways reaching the same state by different histories hold equal selectors. */
  @Property(tries = 200, seed = "20261130")
  void twoHistoriesToTheSameStateAgree(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Model target = randomModel(randomSize(r), r);
    JumpSelector one = replay(target, r);
    JumpSelector two = replay(target, r);
    assertEquals(one, two);
    assertEquals(one.hashCode(), two.hashCode());
    assertMatches(target, one, r);
    assertMatches(target, two, r);
  }

  /** Random noise, then a walk to the target: slot count first, then every slot set in a random order. */
  private static JumpSelector replay(Model target, SplittableRandom r) {
    Model m = randomModel(randomSize(r), r);
    JumpSelector sel = m.build();
    for (int i = 0, steps = r.nextInt(30); i < steps; i++) {
      sel = randomStep(sel, m, r);
    }
    int n = target.slots();
    sel = sel.withSlots(n);
    int[] order = new int[n];
    for (int s = 0; s < n; s++) {
      order[s] = s;
    }
    for (int s = n - 1; s > 0; s--) {
      int j = r.nextInt(s + 1);
      int t = order[s];
      order[s] = order[j];
      order[j] = t;
    }
    for (int s : order) {
      sel = r.nextBoolean()
          ? sel.with(s, target.usable[s], target.weights[s])
          : sel.withWeight(s, target.weights[s]).withUsable(s, target.usable[s]);
    }
    return sel;
  }

  /** Bit-identical to the reference for any slot count, including the rendezvous fallback over many chunks. */
  @Property(tries = 300, seed = "20261131")
  void selectionMatchesTheReferenceForAnySlotCount(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Model m = randomModel(randomSize(r), r);
    JumpSelector sel = m.build();
    ReferenceSelector reference = m.reference();
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      assertEquals(reference.select(key), sel.select(key), () -> "key " + key + ", " + sel);
    }
  }

  /**
   * Growing by one slot that becomes usable moves keys only onto it. In between, while the new slot is not usable
   * yet, exactly the keys it is about to take have moved (to usable slots), and no other key.
   */
  @Property(tries = 300, seed = "20261201")
  void growingByOneMovesKeysOnlyOntoTheNewSlot(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = randomSize(r);
    JumpSelector before = randomModel(n, r).build();
    JumpSelector grown = before.withSlots(n + 1);
    assertTrue(!grown.isUsable(n) && grown.weight(n) == 1.0);
    JumpSelector after = grown.withUsable(n, true);
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      int b = before.select(key);
      int g = grown.select(key);
      int a = after.select(key);
      assertTrue(a == b || a == n, () -> "key " + key + ": " + b + " -> " + a);
      if (a != n) {
        assertEquals(b, g, "a key the new slot does not take moved while it was not usable");
      } else {
        assertNotEquals(n, g);
        assertTrue(g == JumpSelector.NONE ? grown.usableCount() == 0 : grown.isUsable(g));
      }
    }
  }

  /** Making a slot unusable moves exactly its keys; making it usable again restores every choice. */
  @Property(tries = 300, seed = "20261202")
  void removingASlotMovesOnlyItsKeys(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = Math.max(1, randomSize(r));
    int t = randomSlot(n, r);
    JumpSelector with = randomModel(n, r).build().withUsable(t, true);
    JumpSelector without = with.withUsable(t, false);
    assertEquals(with, without.withUsable(t, true));
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      int b = with.select(key);
      int a = without.select(key);
      if (b != t) {
        assertEquals(b, a, "a key not on the removed slot moved");
      } else {
        assertNotEquals(t, a);
      }
    }
  }

  /** Changing one slot's weight (up or down) moves keys only onto or off that slot, never between others. */
  @Property(tries = 300, seed = "20261203")
  void changingOneWeightMovesKeysOnlyToOrFromThatSlot(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = Math.max(1, randomSize(r));
    int t = randomSlot(n, r);
    JumpSelector base = randomModel(n, r).build();
    double w1 = JumpSelectorProperties.randomWeight(r);
    double w2 = r.nextBoolean() ? 1.0 : JumpSelectorProperties.randomWeight(r);
    JumpSelector one = base.withWeight(t, w1);
    JumpSelector two = base.withWeight(t, w2);
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      int a = one.select(key);
      int b = two.select(key);
      if (a != b) {
        assertTrue(a == t || b == t,
            () -> "weight " + w1 + " -> " + w2 + " of " + t + " moved a key " + a + " -> " + b);
        int gainer = w2 > w1 ? b : a;
        assertEquals(t, gainer, "the key moved the wrong way for the weight change");
      }
    }
  }

  /**
   * Dropping top slots that were usable with weight 1 moves only their keys; dropping and growing back forgets
   * their state (they come back not usable, weight 1).
   */
  @Property(tries = 300, seed = "20261204")
  void shrinkingMovesOnlyTheDroppedSlotsKeysAndForgetsThem(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + randomSize(r);
    int m = r.nextInt(n);
    Model model = randomModel(n, r);
    for (int s = m; s < n; s++) {
      model.usable[s] = true;
      model.weights[s] = 1.0;
    }
    JumpSelector before = model.build();
    JumpSelector after = before.withSlots(m);
    for (int i = 0; i < KEYS; i++) {
      long key = r.nextLong();
      int b = before.select(key);
      if (b < m) {
        assertEquals(b, after.select(key), "a key on a kept slot moved");
      }
    }
    JumpSelector regrown = after.withSlots(n);
    model.resize(m);
    model.resize(n);
    assertMatches(model, regrown, r);
  }
}
