package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 9 item 2, agreement: two pools that reach the same membership through different histories (adds, removes,
 * replaces, whole-membership updates, in any order; servers with persistent ids, without, and both mixed) agree on
 * every key, on every server's slot and on the routing table's slots and hash selectors; and they keep agreeing
 * when the same health and admin states are applied to both.
 */
class MembershipAgreementProperties {

  /** Candidate servers: names chosen so that name order and index order differ. */
  static final int UNIVERSE = 12;
  static final String[] NAMES = {"m", "c", "x", "a", "q", "b", "z", "k", "e", "t", "g", "o"};

  enum IdMode { WITH_IDS, WITHOUT_IDS, MIXED }

  enum Kind { ADD, REMOVE, REPLACE_ADDRESS, REPLACE_WEIGHT, REPLACE_BACKUP, UPDATE }

  record Op(Kind kind, int server, int variant) {}

  record Scenario(IdMode mode, List<Boolean> target, List<Integer> weights, List<Op> historyA, List<Op> historyB,
                  List<Integer> orderA, List<Integer> orderB, boolean updateA, boolean updateB,
                  List<Integer> states) {}

  static boolean hasId(IdMode mode, int i) {
    return mode == IdMode.WITH_IDS || (mode == IdMode.MIXED && i % 2 == 0);
  }

  /** Persistent id of candidate {@code i}: spread over 1..2*UNIVERSE so that holes and idless slots interleave. */
  static int persistentId(IdMode mode, int i) {
    return hasId(mode, i) ? 1 + (i * 7) % (2 * UNIVERSE) : 0;
  }

  static ServerSpec spec(IdMode mode, int i, int weight, int addressVariant, boolean backup) {
    return ServerSpec.builder(NAMES[i], Pools.addr(i * 10 + addressVariant)).id(persistentId(mode, i))
        .weight(weight).cookie("c" + i).backup(backup).build();
  }

  static ServerSpec target(Scenario s, int i) {
    return spec(s.mode(), i, s.weights().get(i), 0, false);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0,
        UNIVERSE - 1), Arbitraries.integers().between(0, 7)).as(Op::new);
    Arbitrary<List<Op>> history = op.list().ofMaxSize(40);
    Arbitrary<List<Integer>> order = Arbitraries.integers().between(0, UNIVERSE - 1).list().ofSize(UNIVERSE)
        .uniqueElements();
    return Combinators.combine(
        Arbitraries.of(IdMode.class),
        Arbitraries.of(true, false).list().ofSize(UNIVERSE),
        Arbitraries.integers().between(1, 8).list().ofSize(UNIVERSE),
        history.list().ofSize(2), order.list().ofSize(2), Arbitraries.of(true, false).list().ofSize(2),
        Arbitraries.integers().between(0, 5).list().ofSize(UNIVERSE))
        .as((mode, target, weights, h, o, u, states) -> new Scenario(mode, target, weights, h.get(0), h.get(1),
            o.get(0), o.get(1), u.get(0), u.get(1), states));
  }

  /** Plays a history, then converges to the target (by single operations in {@code order}, or by update). */
  static BackendPool reach(Scenario s, List<Op> history, List<Integer> order, boolean byUpdate) {
    BackendPool pool = Pools.hashed("p").hashWeightScale(8)
        .cookie(CookiePersistence.insert("SERVERID").build()).build();
    for (Op op : history) {
      int i = op.server();
      boolean present = pool.server(NAMES[i]).isPresent();
      switch (op.kind()) {
        case ADD -> {
          if (!present) {
            pool.add(spec(s.mode(), i, 1 + op.variant(), op.variant(), false));
          }
        }
        case REMOVE -> pool.remove(NAMES[i]);
        case REPLACE_ADDRESS -> pool.replace(spec(s.mode(), i, currentWeight(pool, i), op.variant(), false));
        case REPLACE_WEIGHT -> pool.replace(spec(s.mode(), i, 1 + op.variant(), 0, false));
        case REPLACE_BACKUP -> pool.replace(spec(s.mode(), i, 1 + op.variant(), 0, op.variant() % 2 == 0));
        case UPDATE -> {
          List<ServerSpec> membership = new ArrayList<>();
          for (int k = 0; k < UNIVERSE; k++) {
            if (((op.variant() * 31 + op.server() * 17 + k * 13) & 4) != 0) {
              membership.add(spec(s.mode(), k, 1 + (k + op.variant()) % 8, op.variant() % 3, k % 5 == 0));
            }
          }
          pool.update(membership);
        }
      }
    }
    if (byUpdate) {
      List<ServerSpec> membership = new ArrayList<>();
      for (int i : order) {
        if (s.target().get(i)) {
          membership.add(target(s, i));
        }
      }
      pool.update(membership);
    } else {
      for (int i : order) {
        if (s.target().get(i)) {
          pool.replace(target(s, i)); // adds when absent
        } else {
          pool.remove(NAMES[i]);
        }
      }
    }
    return pool;
  }

  private static int currentWeight(BackendPool pool, int i) {
    return pool.server(NAMES[i]).map(Server::weight).orElse(1);
  }

  /** Applies the scenario's health and admin states (by id) to a pool. */
  static void applyStates(Scenario s, BackendPool pool) {
    for (int i = 0; i < UNIVERSE; i++) {
      if (!s.target().get(i)) {
        continue;
      }
      switch (s.states().get(i)) {
        case 1 -> pool.setHealth(NAMES[i], OperationalState.DOWN);
        case 2 -> pool.setAdminState(NAMES[i], AdminState.DRAIN);
        case 3 -> pool.setAdminState(NAMES[i], AdminState.MAINT);
        case 4 -> pool.setWeight(NAMES[i], 0);
        default -> { }
      }
    }
  }

  /** Everything that does not depend on round-robin positions: members, slots, the table's slots and selectors. */
  static void assertSameRoutingState(BackendPool a, BackendPool b, String what) {
    List<String> sa = new ArrayList<>();
    List<String> sb = new ArrayList<>();
    for (Server s : a.servers()) {
      sa.add(s.id() + "@" + s.slot() + " id " + s.persistentId() + " w " + s.weight() + " " + s.cookieValue()
          + (s.backup() ? " backup" : "") + " " + s.health().state());
    }
    for (Server s : b.servers()) {
      sb.add(s.id() + "@" + s.slot() + " id " + s.persistentId() + " w " + s.weight() + " " + s.cookieValue()
          + (s.backup() ? " backup" : "") + " " + s.health().state());
    }
    assertEquals(sa, sb, what + ": servers()");
    int slots = 2 * UNIVERSE + 2;
    assertArrayEquals(Tables.slotIds(a, slots), Tables.slotIds(b, slots), what + ": table slots");
    RoutingTable ta = Tables.of(a);
    RoutingTable tb = Tables.of(b);
    assertEquals(ta.activeSelector, tb.activeSelector, what + ": active hash selector");
    assertEquals(ta.backupSelector, tb.backupSelector, what + ": backup hash selector");
    assertEquals(ta.activeWeights.total(), tb.activeWeights.total(), what + ": round-robin weight");
  }

  static void assertSameKeys(BackendPool a, BackendPool b, int keys, long seed, String what) {
    String[] ka = Pools.map(a, keys, seed);
    String[] kb = Pools.map(b, keys, seed);
    int disagreements = 0;
    int first = -1;
    for (int k = 0; k < keys; k++) {
      if (!java.util.Objects.equals(ka[k], kb[k])) {
        disagreements++;
        if (first < 0) {
          first = k;
        }
      }
    }
    int f = first;
    assertEquals(0, disagreements, () -> what + ": " + keys + " keys, first disagreement at key " + f + ": "
        + ka[f] + " vs " + kb[f]);
  }

  @Property(tries = 300, seed = "20260901")
  void poolsWithTheSameMembershipAgreeWhateverTheirHistories(@ForAll("scenarios") Scenario s) {
    BackendPool a = reach(s, s.historyA(), s.orderA(), s.updateA());
    BackendPool b = reach(s, s.historyB(), s.orderB(), s.updateB());
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < UNIVERSE; i++) {
      if (s.target().get(i)) {
        expected.add(NAMES[i]);
      }
    }
    Set<String> actual = new HashSet<>();
    a.servers().forEach(x -> actual.add(x.id()));
    assertEquals(expected, actual, "the pool reached the target membership");
    assertSameRoutingState(a, b, "all up");
    assertSameKeys(a, b, 5_000, s.hashCode(), "all up");
    applyStates(s, a);
    applyStates(s, b);
    assertSameRoutingState(a, b, "with states " + s.states());
    assertSameKeys(a, b, 5_000, s.hashCode() + 1, "with states " + s.states());
  }

  /** The same, against a pool built in one go from the target (the builder's order does not matter either). */
  @Property(tries = 200, seed = "20260902")
  void aLivePoolAgreesWithOneBuiltFromItsMembership(@ForAll("scenarios") Scenario s) {
    BackendPool live = reach(s, s.historyA(), s.orderA(), s.updateA());
    BackendPool.Builder built = Pools.hashed("p").hashWeightScale(8)
        .cookie(CookiePersistence.insert("SERVERID").build());
    for (int i : s.orderB()) {
      if (s.target().get(i)) {
        built.server(target(s, i));
      }
    }
    BackendPool fresh = built.build();
    assertSameRoutingState(live, fresh, "live vs built");
    assertSameKeys(live, fresh, 5_000, s.hashCode(), "live vs built");
  }

  /** One large example: 1,000,000 keys, 0 disagreements, between two long, different histories. */
  @Example
  void oneMillionKeysAgreeAfterLongDifferentHistories() {
    java.util.Random random = new java.util.Random(9);
    for (IdMode mode : IdMode.values()) {
      List<Boolean> target = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      for (int i = 0; i < UNIVERSE; i++) {
        target.add(i % 4 != 1);
        weights.add(1 + random.nextInt(8));
      }
      List<Op> ha = new ArrayList<>();
      List<Op> hb = new ArrayList<>();
      for (int k = 0; k < 400; k++) {
        ha.add(new Op(Kind.values()[random.nextInt(Kind.values().length)], random.nextInt(UNIVERSE),
            random.nextInt(8)));
        hb.add(new Op(Kind.values()[random.nextInt(Kind.values().length)], random.nextInt(UNIVERSE),
            random.nextInt(8)));
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < UNIVERSE; i++) {
        order.add(i);
      }
      List<Integer> reversed = new ArrayList<>(order);
      java.util.Collections.reverse(reversed);
      List<Integer> states = new ArrayList<>();
      for (int i = 0; i < UNIVERSE; i++) {
        states.add(random.nextInt(6));
      }
      Scenario s = new Scenario(mode, target, weights, ha, hb, order, reversed, false, true, states);
      BackendPool a = reach(s, ha, order, false);
      BackendPool b = reach(s, hb, reversed, true);
      assertSameRoutingState(a, b, mode + ", 1M keys");
      assertSameKeys(a, b, 1_000_000, 42, mode + ", 1M keys");
    }
  }
}
