package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Configuration errors, accessors and the rendezvous fallback of {@link JumpSelector}. */
class JumpSelectorTest {

  @Test
  void configurationErrorsNameTheFieldAndValue() {
    assertEquals("slots must be >= 0, was -1",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.builder(-1)).getMessage());
    assertEquals("slot must be in [0, 3), was 3",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.builder(3).usable(3, false)).getMessage());
    assertEquals("weight of slot 1 must be in (0, 1], was 0.0",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.builder(3).weight(1, 0.0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> JumpSelector.builder(3).weight(1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> JumpSelector.builder(3).weight(1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).withWeight(0, -0.5));
    assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).withUsable(-1, true));
  }

  @Test
  void liveMembershipErrorsNameTheFieldAndValue() {
    assertEquals("slots must be >= 0, was -1",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).withSlots(-1)).getMessage());
    assertEquals("slot must be in [0, 3), was 3",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).with(3, true, 1.0))
            .getMessage());
    assertEquals("weight of slot 2 must be in (0, 1], was 1.5",
        assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).with(2, true, 1.5))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> JumpSelector.allUsable(3).withSlots(2).withUsable(2, true));
    assertThrows(IndexOutOfBoundsException.class, () -> JumpSelector.allUsable(3).withSlots(2).isUsable(2));
  }

  @Test
  void slotsComeAndGo() {
    JumpSelector sel = JumpSelector.allUsable(2).withSlots(5);
    assertEquals(5, sel.slots());
    assertEquals(2, sel.usableCount(), "new slots start not usable");
    assertTrue(!sel.isUsable(4) && sel.weight(4) == 1.0);
    assertSame(sel, sel.withSlots(5));
    assertEquals(JumpSelector.allUsable(5), sel.with(2, true, 1.0).withUsable(3, true).withUsable(4, true));
    JumpSelector weighted = JumpSelector.allUsable(5).with(4, true, 0.5).with(1, false, 0.25);
    assertEquals(JumpSelector.builder(3).usable(1, false).weight(1, 0.25).build(), weighted.withSlots(3));
    assertEquals(JumpSelector.allUsable(0), weighted.withSlots(0));
    assertEquals(JumpSelector.NONE, weighted.withSlots(0).select(7));
    assertEquals("JumpSelector[slots=5, usable=4, weights below 1=2]", weighted.toString());
    assertEquals("JumpSelector[slots=3, usable=3, weights=1]", JumpSelector.allUsable(3).toString());
  }

  @Test
  void emptyAndAllDownSelectorsReturnNone() {
    assertEquals(JumpSelector.NONE, JumpSelector.allUsable(0).select(42));
    JumpSelector down = JumpSelector.builder(3).usable(0, false).usable(1, false).usable(2, false).build();
    assertEquals(0, down.usableCount());
    for (long key = -1000; key < 1000; key++) {
      assertEquals(JumpSelector.NONE, down.select(key));
    }
  }

  @Test
  void accessorsAndCopyOnWrite() {
    JumpSelector sel = JumpSelector.builder(130).usable(129, false).weight(64, 0.25).build();
    assertEquals(130, sel.slots());
    assertEquals(129, sel.usableCount());
    assertTrue(sel.isUsable(128));
    assertTrue(!sel.isUsable(129));
    assertEquals(0.25, sel.weight(64));
    assertEquals(1.0, sel.weight(129));
    JumpSelector changed = sel.withUsable(0, false);
    assertEquals(128, changed.usableCount());
    assertEquals(129, sel.usableCount(), "the original snapshot is unchanged");
    assertSame(sel, sel.withUsable(0, true));
    assertSame(sel, sel.withWeight(64, 0.25));
    assertEquals(JumpSelector.allUsable(130), sel.withUsable(129, true).withWeight(64, 1.0));
  }

  /**
   * With 1 usable slot of 500 an attempt succeeds with probability 1/500, so most keys exhaust the 64 attempts and
   * use the rendezvous fallback, which must still pick the only usable slot.
   */
  @Test
  void fallbackPicksAUsableSlotWhenAttemptsRunOut() {
    JumpSelector sel = JumpSelector.builder(500).build();
    for (int s = 0; s < 500; s++) {
      sel = sel.withUsable(s, s == 317);
    }
    SplittableRandom r = new SplittableRandom(7);
    int fallbacks = 0;
    for (int i = 0; i < 2000; i++) {
      long key = r.nextLong();
      assertEquals(317, sel.select(key));
      if (sel.attempts(key) > JumpSelector.MAX_ATTEMPTS) {
        fallbacks++;
        assertEquals(317, sel.rendezvous(key));
      }
    }
    // P(fallback) = (499/500)^64 = 0.88; 2000 keys make it certain to be exercised.
    assertTrue(fallbacks > 1000, "fallbacks: " + fallbacks);
  }
}
