package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.hash.JumpSelector;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.testing.ManualScheduler;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9 item 4 as correctness, not speed (JMH measures speed): at 10,000 servers with weights 1..256 a pool builds,
 * and one health transition or one slow-start step replaces O(log n) of the routing table: the new table shares every
 * untouched subtree of the weight tree and slot array, and every untouched chunk of the hash selector, with the old one
 * (counted by identity). The round robin over such a pool walks the weight tree itself: no schedule is rebuilt.
 */
class StructuralSharingTest {
  static final int N = 10_000;

  /** Every array and node reachable from {@code root} through the fields named, by identity. */
  static Set<Object> reachable(Object root) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(root, seen);
    return seen;
  }

  private static void collect(Object o, Set<Object> seen) {
    if (o == null || o instanceof Server || !seen.add(o)) {
      return;
    }
    if (o instanceof Object[] array) {
      for (Object x : array) {
        collect(x, seen);
      }
      return;
    }
    if (o.getClass().isArray()) {
      return; // primitive arrays are leaves
    }
    for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        f.setAccessible(true);
        try {
          collect(f.get(o), seen);
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  /** Nodes and arrays of {@code after} that {@code before} does not share. */
  static int fresh(Object before, Object after) {
    Set<Object> old = reachable(before);
    int n = 0;
    for (Object o : reachable(after)) {
      if (!old.contains(o)) {
        n++;
      }
    }
    return n;
  }

  /*
   * Objects a change may create, counted from the structures' layout. A 64-ary tree over 10,000 slots has 3 levels
   * (64^2 < 10,000 <= 64^3) and a change copies one node per level: the weight tree object, two inner nodes with
   * their children and prefix arrays, one leaf with its prefix array (9); the slot array object and one array per
   * level (4). The selector copies itself, its two top arrays and the one chunk of each part that the slot is in (5),
   * once its usable bitset exists: the first slot that ever becomes unusable materialises the bitset's 3 chunks
   * (O(n / 4096), documented), so each pool here starts with one server DOWN.
   */
  static final int WEIGHT_TREE_PATH = 1 + 2 * 3 + 2;
  static final int SLOT_ARRAY_PATH = 1 + 3;
  static final int SELECTOR_CHUNKS = 1 + 2 + 2;

  static BackendPool bigPool(ManualScheduler scheduler, boolean ids) {
    BackendPool.Builder b = Pools.builder("big", scheduler).balance(Balance.key(RequestView::uri))
        .hashWeightScale(256)
        .defaultHealthPolicy(HealthPolicy.builder().slowStart(Duration.ofSeconds(16)).build());
    for (int i = 0; i < N; i++) {
      b.server(ServerSpec.builder(String.format("s%d", i), Pools.addr(i)).id(ids ? i + 1 : 0)
          .weight(1 + i % 256).build());
    }
    BackendPool pool = b.build();
    pool.setHealth("s1", OperationalState.DOWN);
    return pool;
  }

  static void assertLogarithmicChange(RoutingTable before, RoutingTable after, String what) {
    assertTrue(fresh(before.activeWeights, after.activeWeights) <= WEIGHT_TREE_PATH, what
        + ": weight tree objects created " + fresh(before.activeWeights, after.activeWeights));
    assertTrue(fresh(before.slots, after.slots) <= SLOT_ARRAY_PATH, what + ": slot array objects created "
        + fresh(before.slots, after.slots));
    assertTrue(fresh(before.activeSelector, after.activeSelector) <= SELECTOR_CHUNKS, what + ": selector arrays copied "
        + fresh(before.activeSelector, after.activeSelector));
    assertSame(before.cookies, after.cookies, what + ": cookie index untouched");
    assertFalse(after.activeRoundRobin.isFlat(), "a period this long walks the tree");
    assertSame(after.activeWeights, after.activeRoundRobin.weights(), what + ": round robin reads the tree itself");
  }

  /** Builds with and without persistent ids (names s0..s9999 arrive out of name order: s10 sorts before s2). */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aTenThousandServerPoolBuildsAndATransitionCopiesOnlyALogarithmicPath(boolean ids) {
    ManualScheduler scheduler = new ManualScheduler();
    BackendPool pool = bigPool(scheduler, ids);
    assertEquals(N, pool.size());
    assertEquals(N, Tables.of(pool).activeSelector.slots());
    assertEquals(N - 1, Tables.of(pool).activeSelector.usableCount());
    RoutingTable before = Tables.of(pool);
    pool.setHealth("s5000", OperationalState.DOWN);
    RoutingTable after = Tables.of(pool);
    assertLogarithmicChange(before, after, "one transition");
    assertSame(before.slots, after.slots, "a health change leaves the slot array as it was");
    assertFalse(after.activeSelector.isUsable(pool.server("s5000").orElseThrow().slot()));
  }

  @Test
  void eachSlowStartStepCopiesOnlyALogarithmicPath() {
    ManualScheduler scheduler = new ManualScheduler();
    BackendPool pool = bigPool(scheduler, true);
    pool.setAdminState("s4242", AdminState.MAINT);
    pool.setAdminState("s4242", AdminState.READY); // comes back at 1/16: one step per second for 16 s
    int steps = 0;
    for (int second = 0; second < 17; second++) {
      RoutingTable before = Tables.of(pool);
      scheduler.advance(Duration.ofSeconds(1));
      RoutingTable after = Tables.of(pool);
      if (after != before) {
        steps++;
        assertLogarithmicChange(before, after, "slow-start step " + steps);
      }
    }
    // effective weight (t+1)/16 from 1/16 at t = 0: 15 steps up to 16/16 at t = 15 s, each published by the
    // scheduler; the end of the ramp at 16 s changes nothing routing sees
    assertEquals(15, steps);
    Server s = pool.server("s4242").orElseThrow();
    assertEquals(1.0, Tables.of(pool).activeSelector.weight(s.slot()) * 256 / s.weight(), 1e-12);
  }

  @Test
  void aMembershipChangeCopiesOnlyALogarithmicPath() {
    ManualScheduler scheduler = new ManualScheduler();
    BackendPool pool = bigPool(scheduler, true);
    RoutingTable before = Tables.of(pool);
    pool.remove("s7777");
    RoutingTable after = Tables.of(pool);
    assertTrue(fresh(before.activeWeights, after.activeWeights) <= WEIGHT_TREE_PATH);
    assertTrue(fresh(before.slots, after.slots) <= SLOT_ARRAY_PATH);
    assertTrue(fresh(before.activeSelector, after.activeSelector) <= SELECTOR_CHUNKS, "selector objects created "
        + fresh(before.activeSelector, after.activeSelector));
    pool.add(ServerSpec.builder("s7777", Pools.addr(7777)).id(7778).weight(100).build());
    RoutingTable again = Tables.of(pool);
    assertTrue(fresh(after.activeWeights, again.activeWeights) <= WEIGHT_TREE_PATH);
    assertTrue(fresh(after.activeSelector, again.activeSelector) <= SELECTOR_CHUNKS);
    JumpSelector selector = again.activeSelector;
    assertEquals(N - 1, selector.usableCount());
  }
}
