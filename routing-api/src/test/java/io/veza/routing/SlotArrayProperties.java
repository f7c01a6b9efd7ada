package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link SlotArray} against a map: every version answers as the map did when it was made (persistence), across the
 * flat layout, the switch to the tree at {@link SlotArray#FLAT_LIMIT}, and the tree.
 */
class SlotArrayProperties {

  /** A slot and a value (null clears): slots cluster below and around the flat limit and reach far beyond. */
  record Op(int slot, Integer value) {}

  @Property(tries = 300)
  void everyVersionAnswersLikeTheMapItWasMadeFrom(@ForAll("opLists") List<Op> ops) {
    List<SlotArray<Integer>> versions = new ArrayList<>();
    List<Map<Integer, Integer>> models = new ArrayList<>();
    SlotArray<Integer> a = SlotArray.empty();
    Map<Integer, Integer> m = new HashMap<>();
    for (Op op : ops) {
      a = a.set(op.slot(), op.value());
      m = new HashMap<>(m);
      if (op.value() == null) {
        m.remove(op.slot());
      } else {
        m.put(op.slot(), op.value());
      }
      versions.add(a);
      models.add(m);
    }
    for (int v = 0; v < versions.size(); v++) {
      SlotArray<Integer> version = versions.get(v);
      Map<Integer, Integer> model = models.get(v);
      for (Op op : ops) {
        for (int slot : new int[] {op.slot(), op.slot() + 1, Math.max(0, op.slot() - 1)}) {
          assertEquals(model.get(slot), version.get(slot), "version " + v + ", slot " + slot);
        }
      }
      assertNull(version.get(-1));
      assertNull(version.get(Integer.MAX_VALUE));
    }
  }

  @Provide
  Arbitrary<List<Op>> opLists() {
    Arbitrary<Integer> slot = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 70),
        Arbitraries.integers().between(SlotArray.FLAT_LIMIT - 3, SlotArray.FLAT_LIMIT + 3),
        Arbitraries.integers().between(0, 300_000));
    Arbitrary<Integer> value = Arbitraries.integers().between(0, 1000).injectNull(0.2);
    return Combinators.combine(slot, value).as(Op::new).list().ofMaxSize(40);
  }
}
