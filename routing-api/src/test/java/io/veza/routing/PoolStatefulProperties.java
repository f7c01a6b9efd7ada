package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Issue 9 item 9: a stateful jqwik test interleaving membership (add, remove, replace in place or renewing, update),
 * health (passed and failed checks, forced health, passive connect failures with error-limit 1 and fail-check), admin
 * (state, weight) and routing against a small model of HAProxy's rules. After every step: the members, their slots
 * (persistent id - 1, or the lowest free in name order) and their states equal the model's; balanced decisions name
 * only balanceable members, backups only when no active is balanceable (the first in slot order without
 * {@code allbackups}); a cookie routes to its server exactly when the model says it is cookie-eligible, and the cookie
 * of a removed server never matches; statistics count every decision.
 */
class PoolStatefulProperties {
  static final int UNIVERSE = 8;
  static final String[] NAMES = {"k", "d", "w", "b", "q", "a", "m", "f"};
  static final int RISE = 2;
  static final int FALL = 3;
  static final int MAX_HEALTH = RISE + FALL - 1;

  /** The model of one member. */
  static final class ModelServer {
    final int candidate;
    final boolean backup;
    int weight;
    AdminState admin = AdminState.READY;
    int h = RISE;
    boolean stopping;
    long decisions;

    ModelServer(int candidate, boolean backup, int weight) {
      this.candidate = candidate;
      this.backup = backup;
      this.weight = weight;
    }

    boolean up() {
      return admin != AdminState.MAINT && h >= RISE;
    }

    OperationalState operational() {
      return !up() ? OperationalState.DOWN : stopping ? OperationalState.STOPPING : OperationalState.UP;
    }

    boolean balanceable() {
      return operational() == OperationalState.UP && admin == AdminState.READY && weight > 0;
    }

    boolean cookieEligible() {
      return operational() != OperationalState.DOWN;
    }

    void pass() {
      if (admin == AdminState.MAINT) {
        return;
      }
      if (h < MAX_HEALTH) {
        h++;
        if (h >= RISE) {
          h = MAX_HEALTH;
        }
      }
      if (up()) {
        stopping = false;
      }
    }

    void fail() {
      if (h > 0) {
        h--;
        if (h < RISE) {
          h = 0;
        }
      }
      if (!up()) {
        stopping = false;
      }
    }
  }

  /** The pool under test and its model. */
  static final class State {
    final boolean allBackups;
    final BackendPool pool;
    final Map<String, ModelServer> model = new HashMap<>();
    long noServer;
    final Set<Integer> everSeen = new HashSet<>();

    State(boolean allBackups) {
      this.allBackups = allBackups;
      HealthPolicy policy = HealthPolicy.builder().rise(RISE).fall(FALL).observe(ObserveMode.LAYER4).errorLimit(1)
          .onError(OnErrorAction.FAIL_CHECK).build();
      this.pool = Pools.builder("stateful").cookie(CookiePersistence.insert("SERVERID").build())
          .allBackups(allBackups).defaultHealthPolicy(policy).build();
    }

    static int persistentId(int candidate) {
      return candidate % 2 == 0 ? 1 + (candidate * 5) % (2 * UNIVERSE) : 0;
    }

    static ServerSpec spec(int candidate, boolean backup, int weight, int addressVariant) {
      return ServerSpec.builder(NAMES[candidate], Pools.addr(candidate * 10 + addressVariant))
          .id(persistentId(candidate)).cookie("c" + candidate).backup(backup).weight(weight).build();
    }

    ModelServer get(int candidate) {
      return model.get(NAMES[candidate]);
    }

    void add(int candidate, boolean backup, int weight) {
      everSeen.add(candidate);
      if (get(candidate) != null) {
        return;
      }
      pool.add(spec(candidate, backup, weight, 0));
      model.put(NAMES[candidate], new ModelServer(candidate, backup, weight));
    }

    void remove(int candidate) {
      assertEquals(get(candidate) != null, pool.remove(NAMES[candidate]));
      model.remove(NAMES[candidate]);
    }

    void replace(int candidate, boolean backup, int weight, int addressVariant) {
      everSeen.add(candidate);
      ModelServer m = get(candidate);
      pool.replace(spec(candidate, backup, weight, addressVariant));
      if (m == null || m.backup != backup) {
        model.put(NAMES[candidate], new ModelServer(candidate, backup, weight)); // added or renewed
      } else {
        m.weight = weight; // in place: health, admin state and counters are kept
      }
    }

    void update(int mask, int weight) {
      List<ServerSpec> membership = new ArrayList<>();
      Map<String, ModelServer> next = new HashMap<>();
      for (int i = 0; i < UNIVERSE; i++) {
        if ((mask & (1 << i)) != 0) {
          everSeen.add(i);
          ModelServer m = get(i);
          boolean backup = m != null ? m.backup : i % 4 == 3;
          membership.add(spec(i, backup, weight, 0));
          if (m == null) {
            m = new ModelServer(i, backup, weight);
          } else {
            m.weight = weight;
          }
          next.put(NAMES[i], m);
        }
      }
      pool.update(membership);
      model.clear();
      model.putAll(next);
    }

    void check(int candidate, boolean passed) {
      ModelServer m = get(candidate);
      if (m == null) {
        return;
      }
      pool.server(NAMES[candidate]).orElseThrow().health().recordCheck(passed);
      if (passed) {
        m.pass();
      } else if (m.admin != AdminState.MAINT) {
        m.fail();
      }
    }

    void connectFailure(int candidate) {
      ModelServer m = get(candidate);
      if (m == null) {
        return;
      }
      pool.reportConnectFailure(pool.server(NAMES[candidate]).orElseThrow());
      m.fail(); // error-limit 1, fail-check: counted in MAINT too, as HAProxy's health_adjust does
    }

    void admin(int candidate, AdminState next) {
      ModelServer m = get(candidate);
      if (m == null) {
        return;
      }
      pool.setAdminState(NAMES[candidate], next);
      if (next == m.admin) {
        return;
      }
      if (next == AdminState.MAINT) {
        m.h = 0;
        m.stopping = false;
      } else if (m.admin == AdminState.MAINT) {
        m.h = RISE;
      }
      m.admin = next;
    }

    void weight(int candidate, int weight) {
      ModelServer m = get(candidate);
      if (m == null) {
        return;
      }
      pool.setWeight(NAMES[candidate], weight);
      m.weight = weight;
    }

    void force(int candidate, OperationalState target) {
      ModelServer m = get(candidate);
      if (m == null) {
        return;
      }
      pool.setHealth(NAMES[candidate], target);
      switch (target) {
        case UP -> {
          m.h = MAX_HEALTH;
          if (m.admin != AdminState.MAINT) {
            m.stopping = false;
          }
        }
        case STOPPING -> {
          m.h = MAX_HEALTH;
          if (m.admin != AdminState.MAINT) {
            m.stopping = true;
          }
        }
        default -> {
          m.h = 0;
          m.stopping = false;
        }
      }
    }

    /** The model's slots: persistent id - 1, then the lowest free slots in name order. */
    Map<String, Integer> slots() {
      Map<String, Integer> out = new HashMap<>();
      Set<Integer> taken = new HashSet<>();
      TreeMap<String, ModelServer> idless = new TreeMap<>();
      for (Map.Entry<String, ModelServer> e : model.entrySet()) {
        int pid = persistentId(e.getValue().candidate);
        if (pid > 0) {
          out.put(e.getKey(), pid - 1);
          taken.add(pid - 1);
        } else {
          idless.put(e.getKey(), e.getValue());
        }
      }
      int next = 0;
      for (String name : idless.keySet()) {
        while (taken.contains(next)) {
          next++;
        }
        out.put(name, next++);
      }
      return out;
    }

    void record(RouteDecision d) {
      if (d.server() == null) {
        noServer++;
      } else {
        model.get(d.server().id()).decisions++;
      }
    }

    void invariants() {
      // members, slots and states
      Map<String, Integer> slots = slots();
      Map<String, Integer> actualSlots = new HashMap<>();
      for (Server s : pool.servers()) {
        actualSlots.put(s.id(), s.slot());
        ModelServer m = model.get(s.id());
        assertTrue(m != null, "member " + s.id() + " not in the model");
        assertEquals(m.operational(), s.health().state().operational(), s.id() + " operational state");
        assertEquals(m.admin, s.health().state().admin(), s.id() + " admin state");
        assertEquals(m.weight, s.weight(), s.id() + " weight");
        assertEquals(m.backup, s.backup(), s.id() + " backup");
      }
      assertEquals(slots, actualSlots, "slots");

      // balancing
      List<Server> bySlot = pool.servers();
      Set<String> activeOk = new HashSet<>();
      List<String> backupsOk = new ArrayList<>();
      for (Server s : bySlot) {
        ModelServer m = model.get(s.id());
        if (m.balanceable()) {
          if (m.backup) {
            backupsOk.add(s.id());
          } else {
            activeOk.add(s.id());
          }
        }
      }
      Set<String> allowed = !activeOk.isEmpty() ? activeOk : allBackups ? new HashSet<>(backupsOk)
          : backupsOk.isEmpty() ? Set.of() : Set.of(backupsOk.get(0));
      TestRequest plain = TestRequest.get("/");
      for (int k = 0; k < 2 * UNIVERSE + 1; k++) {
        RouteDecision d = pool.route(plain);
        record(d);
        if (allowed.isEmpty()) {
          assertEquals(Reason.NO_SERVER, d.reason());
        } else {
          assertTrue(allowed.contains(Pools.id(d)), d + " outside " + allowed);
          assertEquals(activeOk.isEmpty() ? Reason.BACKUP : Reason.BALANCED, d.reason());
        }
      }

      // persistence: the cookie of every candidate ever seen, member or not
      for (int i : everSeen) {
        RouteDecision d = pool.route(TestRequest.withCookie("SERVERID=c" + i));
        record(d);
        ModelServer m = get(i);
        if (m != null && m.cookieEligible()) {
          assertEquals(Reason.PERSISTED, d.reason(), NAMES[i] + " is cookie-eligible");
          assertEquals(NAMES[i], Pools.id(d));
        } else if (allowed.isEmpty()) {
          assertEquals(Reason.NO_SERVER, d.reason());
        } else {
          assertEquals(m != null ? Reason.COOKIE_SERVER_DOWN : Reason.INVALID_COOKIE, d.reason(), NAMES[i]
              + (m == null ? " was removed: its cookie must not match" : " is not cookie-eligible"));
          assertTrue(allowed.contains(Pools.id(d)));
        }
      }

      // statistics add up
      PoolStats stats = pool.stats();
      long total = 0;
      for (ServerStats st : stats.servers()) {
        long n = st.decisions().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(model.get(st.id()).decisions, n, st.id() + " decisions");
        total += n;
      }
      Map<Reason, Long> byReason = new EnumMap<>(stats.decisions());
      assertEquals(noServer, byReason.getOrDefault(Reason.NO_SERVER, 0L));
      assertEquals(total + noServer, byReason.values().stream().mapToLong(Long::longValue).sum());
      assertEquals(activeOk.size(), stats.activeUp());
      assertEquals(backupsOk.size(), stats.backupUp());
    }
  }

  static Arbitrary<Integer> candidate() {
    return Arbitraries.integers().between(0, UNIVERSE - 1);
  }

  static Action.Independent<State> action(Arbitrary<Transformer<State>> t) {
    return () -> t;
  }

  @Provide
  Arbitrary<ActionChain<State>> chains(@ForAll boolean allBackups) {
    return ActionChain.<State>startWith(() -> new State(allBackups))
        .withAction(3, action(Combinators.combine(candidate(), Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 4)).as((c, b, w) -> Transformer.mutate("add " + NAMES[c]
            + (b ? " backup" : "") + " weight " + w, s -> s.add(c, b && c % 4 == 3, w)))))
        .withAction(action(candidate().map(c -> Transformer.mutate("remove " + NAMES[c], s -> s.remove(c)))))
        .withAction(action(Combinators.combine(candidate(), Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 3)).as((c, b, w, a) ->
            Transformer.mutate("replace " + NAMES[c] + (b ? " backup" : "") + " weight " + w + " address " + a,
                s -> s.replace(c, b, w, a)))))
        .withAction(action(Combinators.combine(Arbitraries.integers().between(0, (1 << UNIVERSE) - 1),
            Arbitraries.integers().between(0, 3)).as((mask, w) -> Transformer.mutate("update " + Integer
            .toBinaryString(mask) + " weight " + w, s -> s.update(mask, w)))))
        .withAction(3, action(Combinators.combine(candidate(), Arbitraries.of(true, false)).as((c, p) ->
            Transformer.mutate((p ? "pass " : "fail ") + NAMES[c], s -> s.check(c, p)))))
        .withAction(action(candidate().map(c -> Transformer.mutate("connect failure " + NAMES[c],
            s -> s.connectFailure(c)))))
        .withAction(2, action(Combinators.combine(candidate(), Arbitraries.of(AdminState.class)).as((c, a) ->
            Transformer.mutate(a + " " + NAMES[c], s -> s.admin(c, a)))))
        .withAction(action(Combinators.combine(candidate(), Arbitraries.integers().between(0, 3)).as((c, w) ->
            Transformer.mutate("weight " + NAMES[c] + " " + w, s -> s.weight(c, w)))))
        .withAction(2, action(Combinators.combine(candidate(), Arbitraries.of(OperationalState.class)).as((c, o) ->
            Transformer.mutate("health " + NAMES[c] + " " + o, s -> s.force(c, o)))))
        .withMaxTransformations(60);
  }

  @Property(tries = 300, seed = "9009")
  void aLivePoolFollowsTheModel(@ForAll("chains") ActionChain<State> chain) {
    State end = chain.withInvariant(State::invariants).run();
    assertNull(end.pool.server("no such server").orElse(null));
  }
}
