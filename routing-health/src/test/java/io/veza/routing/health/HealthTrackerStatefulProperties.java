package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.testing.ManualScheduler;
import io.veza.routing.health.testing.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
 * Stateful property: random sequences of checks, observations, admin states, weights, forced health, membership
 * changes and time (through a {@link ManualScheduler}, so slow-start steps publish by themselves) drive a
 * {@link HealthTracker} and the independent {@link HealthModel}. After every step: each server's status, its
 * routing-visible state (which must be what routing should see now), its check interval and its counters equal the
 * model's; the {@link HealthTracker.StateHook} saw exactly the model's state changes, at their times, each starting
 * where the previous one ended; the listener got exactly the model's events, once, numbered without gaps, carrying the
 * statuses around the operation. Removed servers ignore everything.
 */
class HealthTrackerStatefulProperties {
  static final String[] IDS = {"s0", "s1", "s2", "s3", "s4"};
  static final int MAX_SERVERS = 4;

  /** The tracker, its servers and their models. */
  static final class World {
    final ManualTicker ticker;
    final ManualScheduler scheduler;
    final HealthTracker tracker;
    final Map<String, HealthModel> models = new LinkedHashMap<>();
    final Map<String, TrackedServer> servers = new LinkedHashMap<>();
    final List<HealthModel> removedModels = new ArrayList<>();
    final List<TrackedServer> removedServers = new ArrayList<>();
    final List<TrackedServer.State> removedStates = new ArrayList<>();
    final List<HealthModel.Ev> expectedEvents = new ArrayList<>();
    final List<HealthModel.Hook> expectedHooks = new ArrayList<>();
    final List<HealthEvent> events = new ArrayList<>();
    final List<HealthModel.Hook> hooks = new ArrayList<>();
    final Map<String, TrackedServer.State> lastHooked = new HashMap<>();
    long lastSequence;

    World(long origin, List<HealthPolicy> policies, List<Integer> weights) {
      ticker = new ManualTicker(origin);
      scheduler = new ManualScheduler(ticker);
      tracker = HealthTracker.builder().ticker(ticker).scheduler(scheduler)
          .listenerExecutor(Runnable::run) // delivered on this thread once the call released its locks
          .listener(events::add)
          .stateHook((s, previous, current) -> hooks.add(new HealthModel.Hook(s.id(), previous, current,
              ticker.read())))
          .build();
      for (int i = 0; i < policies.size(); i++) {
        add(IDS[i], weights.get(i), policies.get(i));
      }
    }

    long now() {
      return ticker.read();
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("World{").append(ticker);
      for (Map.Entry<String, TrackedServer> e : servers.entrySet()) {
        b.append("\n  ").append(e.getValue().policy()).append("\n    ").append(e.getValue().status());
      }
      return b.append("\n  removed ").append(removedServers).append('}').toString();
    }

    List<String> live() {
      return new ArrayList<>(servers.keySet());
    }

    World add(String id, int weight, HealthPolicy policy) {
      TrackedServer s = tracker.add(id, weight, policy);
      models.put(id, new HealthModel(id, policy, weight, now(), expectedEvents, expectedHooks));
      servers.put(id, s);
      lastHooked.put(id, s.state());
      ServerStatus added = s.status();
      return verify(id, added, added, true);
    }

    World remove(String id) {
      TrackedServer s = servers.remove(id);
      HealthModel m = models.remove(id);
      ServerStatus before = s.status();
      assertTrue(tracker.remove(s));
      m.remove();
      assertFalse(tracker.remove(s), "remove is idempotent");
      removedServers.add(s);
      removedModels.add(m);
      removedStates.add(s.state());
      return verify(id, before, before, true);
    }

    /** One operation on one live server, applied to the server and its model at the same time. */
    World op(String id, java.util.function.Consumer<TrackedServer> onServer,
             java.util.function.BiConsumer<HealthModel, Long> onModel) {
      TrackedServer s = servers.get(id);
      ServerStatus before = s.status();
      onModel.accept(models.get(id), now());
      onServer.accept(s);
      return verify(id, before, s.status(), true);
    }

    World advance(long nanos) {
      long from = now();
      long target = from + nanos;
      for (HealthModel m : models.values()) {
        m.advance(from, target);
      }
      scheduler.advance(nanos);
      assertEquals(target, now());
      return verify(null, null, null, false);
    }

    /** The checks after every step; {@code id} names the server of a one-server operation, null after time passed. */
    World verify(String id, ServerStatus before, ServerStatus after, boolean exactOrder) {
      long now = now();
      List<HealthModel.Ev> actualEvents = new ArrayList<>();
      for (HealthEvent e : events) {
        assertEquals(++lastSequence, e.sequence(), "events numbered 1, 2, 3, ... without gaps");
        assertEquals(e.serverId(), e.server().id());
        actualEvents.add(new HealthModel.Ev(e.serverId(), e.kind(), e.cause()));
        if (id != null) {
          assertEquals(before, e.previous(), "previous status of " + e);
          assertEquals(after, e.current(), "current status of " + e);
        } else if (e.kind() == HealthEvent.Kind.SLOW_START_FINISHED) {
          assertTrue(e.previous().slowStarting() && !e.current().slowStarting(), "ramp end " + e);
        }
      }
      for (HealthModel.Hook h : hooks) {
        assertEquals(lastHooked.get(h.id()), h.previous(), "the hook's previous is its last current, " + h);
        assertNotEquals(h.previous(), h.current(), "the hook is told of changes only");
        lastHooked.put(h.id(), h.current());
      }
      if (exactOrder) {
        assertEquals(expectedEvents, actualEvents, "events");
        assertEquals(expectedHooks, hooks, "state hook calls");
      } else { // time passed for every server: each one's own sequence is exact, their interleaving is free
        assertEquals(byServer(expectedEvents, HealthModel.Ev::id), byServer(actualEvents, HealthModel.Ev::id),
            "events");
        assertEquals(byServer(expectedHooks, HealthModel.Hook::id), byServer(hooks, HealthModel.Hook::id),
            "state hook calls");
      }
      expectedEvents.clear();
      expectedHooks.clear();
      events.clear();
      hooks.clear();

      assertEquals(servers.size(), tracker.size());
      assertEquals(new HashSet<>(servers.values()), Set.copyOf(tracker.servers()));
      for (Map.Entry<String, TrackedServer> e : servers.entrySet()) {
        compare(e.getValue(), models.get(e.getKey()), now);
      }
      for (int i = 0; i < removedServers.size(); i++) {
        TrackedServer s = removedServers.get(i);
        HealthModel m = removedModels.get(i);
        assertTrue(s.isRemoved());
        assertEquals(removedStates.get(i), s.state(), "a removed server's state never changes");
        assertEquals(m.published, s.state());
        ServerStatus st = s.status();
        assertEquals(m.h, st.health());
        assertEquals(m.admin, st.admin());
        assertEquals(m.weight, st.weight());
        assertEquals(m.chkfail, s.counters().checksFailed());
        assertNotSame(s, tracker.server(s.id()).orElse(null));
      }
      return this;
    }

    private static <T> Map<String, List<T>> byServer(List<T> items, Function<T, String> id) {
      Map<String, List<T>> map = new LinkedHashMap<>();
      for (T t : items) {
        map.computeIfAbsent(id.apply(t), k -> new ArrayList<>()).add(t);
      }
      return new HashMap<>(map);
    }

    void compare(TrackedServer s, HealthModel m, long now) {
      String of = " of " + m.id;
      assertSame(s, tracker.server(m.id).orElseThrow());
      assertFalse(s.isRemoved());
      assertEquals(m.status(now), s.status(), "status" + of);
      assertEquals(m.state(now), m.published, "the model publishes every change as it happens" + of);
      assertEquals(m.published, s.state(), "routing-visible state" + of);
      assertEquals(m.interval(), s.checkInterval().toNanos(), "check interval" + of);
      TrackedServer.State st = s.state();
      assertEquals(st.operational() == OperationalState.UP && st.admin() == AdminState.READY
          && st.effectiveWeight() > 0, st.isBalanceable(), "balanceable" + of);
      assertEquals(st.operational() != OperationalState.DOWN, st.isCookieEligible(), "cookie eligible" + of);
      CheckCounters c = s.counters();
      assertEquals(m.chkfail, c.checksFailed(), "chkfail" + of);
      assertEquals(m.chkdown, c.downTransitions(), "chkdown" + of);
      assertEquals(m.hanafail, c.observedFailures(), "hanafail" + of);
      assertEquals(m.lastCheck, c.lastCheck().status(), "last check" + of);
      assertEquals(m.checked ? now - m.lastCheckAt : -1, c.sinceLastCheckNanos(), "since last check" + of);
      assertEquals(now - m.lastChange, c.sinceLastChangeNanos(), "lastchg" + of);
      assertEquals(m.downtimeAt(now), c.downtimeNanos(), "downtime" + of);
    }
  }

  @Property(tries = 1000, seed = "20261129")
  void trackerFollowsTheModel(@ForAll("chains") ActionChain<World> chain) {
    chain.run();
  }

  @Provide
  Arbitrary<ActionChain<World>> chains() {
    Arbitrary<Long> origin = Arbitraries.of(0L, ManualTicker.DEFAULT_ORIGIN_NANOS, -7_000_000_000_000L,
        Long.MAX_VALUE - 30_000_000_000L); // negative readings, and a wrap-around after 30 s
    Arbitrary<List<HealthPolicy>> policyList = policies().list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<List<Integer>> weights = weights().list().ofSize(3);
    return Combinators.combine(origin, policyList, weights).flatAs((o, p, w) ->
        ActionChain.startWith(() -> new World(o, p, w))
            .withAction(6, check())
            .withAction(4, observation())
            .withAction(1, admin())
            .withAction(1, weight())
            .withAction(1, force())
            .withAction(3, advance())
            .withAction(1, add())
            .withAction(1, remove())
            .withAction(1, removedServerIgnoresEverything())
            .withMaxTransformations(60));
  }

  static Arbitrary<Integer> weights() {
    return Arbitraries.oneOf(Arbitraries.of(0, 1, 10, 16, 256), Arbitraries.integers().between(0, 256));
  }

  static Arbitrary<HealthPolicy> policies() {
    Arbitrary<Integer> rise = Arbitraries.integers().between(1, 5);
    Arbitrary<Integer> fall = Arbitraries.integers().between(1, 5);
    Arbitrary<Integer> slowStartMillis = Arbitraries.of(0, 0, 3000, 10_000, 777);
    Arbitrary<SlowStartCurve> curve = Arbitraries.of(SlowStartCurve.haproxy(), SlowStartCurve.haproxy(),
        SlowStartCurve.envoy(), SlowStartCurve.envoy(2.0, 0));
    Arbitrary<InitialState> init = Arbitraries.of(InitialState.class);
    Arbitrary<ObserveMode> observe = Arbitraries.of(ObserveMode.class);
    Arbitrary<Integer> errorLimit = Arbitraries.integers().between(1, 4);
    Arbitrary<OnErrorAction> onError = Arbitraries.of(OnErrorAction.class);
    return Combinators.combine(rise, fall, slowStartMillis, curve, init, observe, errorLimit, onError)
        .as((r, f, ss, c, i, o, el, oe) -> HealthPolicy.builder()
            .inter(Duration.ofSeconds(2)).fastInter(Duration.ofMillis(500)).downInter(Duration.ofSeconds(5))
            .rise(r).fall(f).slowStart(Duration.ofMillis(ss)).slowStartCurve(c).initialState(i)
            .observe(o).errorLimit(el).onError(oe).build());
  }

  /** An action on one live server. */
  interface OnServer extends Action.Dependent<World> {
    @Override
    default boolean precondition(World w) {
      return !w.servers.isEmpty();
    }

    @Override
    default Arbitrary<Transformer<World>> transformer(World w) {
      return Arbitraries.of(w.live()).flatMap(this::on);
    }

    Arbitrary<Transformer<World>> on(String id);
  }

  static final List<CheckResult> RESULTS = List.of(CheckResult.of(true), CheckResult.of(false),
      CheckResult.of(CheckStatus.L7_OK, 200, "HTTP status check returned code <200>", 1_000_000),
      CheckResult.of(CheckStatus.L7_WRONG_STATUS, 503, "HTTP status check returned code <503>", 2_000_000),
      CheckResult.of(CheckStatus.L4_OK, 0, "", 300_000),
      CheckResult.of(CheckStatus.L4_CONNECTION_PROBLEM, 0, "Connection refused", 100_000),
      CheckResult.of(CheckStatus.L7_TIMEOUT, 0, "", 2_000_000_000));

  static OnServer check() {
    return id -> Arbitraries.of(RESULTS).map(r -> Transformer.transform("check(" + id + ", " + r.status() + ")",
        w -> w.op(id, s -> {
          if (r.equals(CheckResult.of(r.passed()))) {
            s.recordCheck(r.passed());
          } else {
            s.recordCheck(r);
          }
        }, (m, now) -> m.check(r, now))));
  }

  static OnServer observation() {
    Arbitrary<Integer> status = Arbitraries.oneOf(Arbitraries.of(200, 302, 404, 499, 500, 501, 502, 503, 504, 505,
        507, 599), Arbitraries.integers().between(0, 700));
    return id -> Combinators.combine(Arbitraries.integers().between(0, 3), status)
        .as((kind, st) -> Transformer.transform("observe(" + id + ", kind " + kind + ", status " + st + ")",
            w -> w.op(id, s -> {
              switch (kind) {
                case 0 -> s.observeConnect(true);
                case 1 -> s.observeConnect(false);
                case 2 -> s.observeHttpStatus(st);
                default -> s.observeTransportError();
              }
            }, (m, now) -> m.observation(kind, st, now))));
  }

  static OnServer admin() {
    return id -> Arbitraries.of(AdminState.class).map(a -> Transformer.transform("admin(" + id + ", " + a + ")",
        w -> w.op(id, s -> s.setAdminState(a), (m, now) -> m.admin(a, now))));
  }

  static OnServer weight() {
    return id -> weights().map(wt -> Transformer.transform("weight(" + id + ", " + wt + ")",
        w -> w.op(id, s -> s.setWeight(wt), (m, now) -> m.weight(wt, now))));
  }

  static OnServer force() {
    return id -> Arbitraries.of(OperationalState.class).map(o -> Transformer.transform(
        "forceHealth(" + id + ", " + o + ")", w -> w.op(id, s -> s.forceHealth(o), (m, now) -> m.force(o, now))));
  }

  static Action.Independent<World> advance() {
    return () -> Arbitraries.of(0L, 1L, 10L, 48L, 333L, 625L, 1000L, 2500L, 7000L)
        .flatMap(ms -> Arbitraries.of(0L, 1L, 187_500_000L - 1).map(extra -> ms * 1_000_000L + extra))
        .map(nanos -> Transformer.transform("advance(" + nanos + " ns)", w -> w.advance(nanos)));
  }

  static Action.Dependent<World> add() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(World w) {
        return w.servers.size() < MAX_SERVERS;
      }

      @Override
      public Arbitrary<Transformer<World>> transformer(World w) {
        List<String> free = new ArrayList<>();
        for (String id : IDS) {
          if (!w.servers.containsKey(id)) {
            free.add(id);
          }
        }
        return Combinators.combine(Arbitraries.of(free), weights(), policies())
            .as((id, wt, p) -> Transformer.transform("add(" + id + ", " + wt + ", " + p + ")",
                world -> world.add(id, wt, p)));
      }
    };
  }

  static OnServer remove() {
    return id -> Arbitraries.just(Transformer.transform("remove(" + id + ")", w -> w.remove(id)));
  }

  static Action.Dependent<World> removedServerIgnoresEverything() {
    return new Action.Dependent<>() {
      @Override
      public boolean precondition(World w) {
        return !w.removedServers.isEmpty();
      }

      @Override
      public Arbitrary<Transformer<World>> transformer(World w) {
        return Combinators.combine(Arbitraries.integers().between(0, w.removedServers.size() - 1),
                Arbitraries.integers().between(0, 6))
            .as((i, op) -> Transformer.transform("on removed #" + i + ": op " + op, world -> {
              TrackedServer s = world.removedServers.get(i);
              switch (op) {
                case 0 -> s.recordCheck(false);
                case 1 -> s.recordCheck(true);
                case 2 -> s.observeConnect(false);
                case 3 -> s.setAdminState(s.state().admin() == AdminState.MAINT ? AdminState.READY
                    : AdminState.MAINT);
                case 4 -> s.setWeight(s.state().weight() == 7 ? 8 : 7);
                case 5 -> s.forceHealth(s.state().isUp() ? OperationalState.DOWN : OperationalState.UP);
                default -> assertFalse(world.tracker.remove(s));
              }
              return world.verify(null, null, null, true);
            }));
      }
    };
  }
}
