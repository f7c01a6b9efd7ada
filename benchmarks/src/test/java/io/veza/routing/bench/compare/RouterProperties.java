package io.veza.routing.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties every comparison algorithm must have, whatever the server count and the down set. */
class RouterProperties {

  /** A down set over {@code n} servers with at least one server up, drawn from {@code seed}. */
  static boolean[] downSet(int n, long seed, int downPercent) {
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] down = new boolean[n];
    for (int i = 0; i < n; i++) {
      down[i] = random.nextInt(100) < downPercent;
    }
    down[random.nextInt(n)] = false;
    return down;
  }

  @Property(tries = 150)
  void everyLookupReturnsAnUpServer(
      @ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 0, max = 100) int downPercent,
      @ForAll long seed) {
    boolean[] down = downSet(n, seed, downPercent);
    SplittableRandom keys = new SplittableRandom(seed ^ 0x9e3779b97f4a7c15L);
    for (Router.Factory factory : ComparisonReport.factories()) {
      Router router = factory.build(n, down);
      for (int k = 0; k < 2_000; k++) {
        int s = router.lookup(keys.nextLong());
        assertTrue(s >= 0 && s < n, () -> factory.name() + " returned " + s + " for n=" + n);
        assertFalse(down[s], () -> factory.name() + " returned down server " + s);
      }
    }
  }

  @Property(tries = 100)
  void buildsAreDeterministic(
      @ForAll @IntRange(min = 1, max = 200) int n,
      @ForAll @IntRange(min = 0, max = 90) int downPercent,
      @ForAll long seed) {
    boolean[] down = downSet(n, seed, downPercent);
    for (Router.Factory factory : ComparisonReport.factories()) {
      Router a = factory.build(n, down);
      Router b = factory.build(n, down.clone());
      SplittableRandom keys = new SplittableRandom(seed);
      for (int k = 0; k < 1_000; k++) {
        long key = keys.nextLong();
        assertEquals(a.lookup(key), b.lookup(key), factory.name());
      }
    }
  }

  @Property(tries = 60)
  void analyticMemoryMatchesTheWalkedObjectGraph(
      @ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 0, max = 90) int downPercent,
      @ForAll long seed) {
    boolean[] down = downSet(n, seed, downPercent);
    for (Router.Factory factory : ComparisonReport.factories()) {
      Router router = factory.build(n, down);
      if (router.lookupBytes() >= 0) {
        assertEquals(router.lookupBytes(), RetainedSize.of(router), factory.name());
      }
    }
  }

  @Property(tries = 50)
  void theRingHas160PointsPerUpServer(
      @ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 0, max = 90) int downPercent,
      @ForAll long seed) {
    boolean[] down = downSet(n, seed, downPercent);
    int up = Servers.up(down).length;
    long expected = Sizes.object(2, 0, 0) + 2 * Sizes.array(160 * up, 4);
    assertEquals(expected, KetamaRing.build(n, down).lookupBytes());
  }

  @Property(tries = 30)
  void maglevGivesEveryUpServerFloorOrCeilOfItsShare(
      @ForAll @IntRange(min = 1, max = 1000) int n,
      @ForAll @IntRange(min = 0, max = 90) int downPercent,
      @ForAll long seed) throws ReflectiveOperationException {
    boolean[] down = downSet(n, seed, downPercent);
    int up = Servers.up(down).length;
    Maglev maglev = Maglev.build(n, down, Maglev.TABLE_SIZE);
    java.lang.reflect.Field f = Maglev.class.getDeclaredField("table");
    f.setAccessible(true);
    int[] table = (int[]) f.get(maglev);
    int[] slots = new int[n];
    for (int s : table) {
      slots[s]++;
    }
    // The populate loop hands out slots round-robin, so shares differ by at most one slot.
    for (int i = 0; i < n; i++) {
      if (down[i]) {
        assertEquals(0, slots[i]);
      } else {
        assertTrue(slots[i] == Maglev.TABLE_SIZE / up || slots[i] == Maglev.TABLE_SIZE / up + 1,
            "server " + i + " owns " + slots[i] + " of " + Maglev.TABLE_SIZE + " slots with " + up + " up");
      }
    }
  }
}
