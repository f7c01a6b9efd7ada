package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Stateful property: random sequences of checks, observations, admin and weight changes and clock advances (with
 * and without refresh) drive a {@link HealthTracker} and the independent {@link HealthModel}; after every step
 * state, counter, effective weight, interval, snapshot and the emitted events must agree.
 */
class HealthTrackerStatefulProperties {
  static final int SERVERS = 2;

  /** System under test plus model. */
  static final class World {
    final ManualTicker ticker = new ManualTicker();
    final HealthTracker tracker;
    final HealthModel[] models = new HealthModel[SERVERS];
    final List<HealthEvent> events = new ArrayList<>();

    World(List<HealthPolicy> policies, List<Integer> weights) {
      HealthTracker.Builder b = HealthTracker.builder().ticker(ticker).listener(events::add);
      for (int i = 0; i < SERVERS; i++) {
        b.addServer("s" + i, weights.get(i), policies.get(i));
        models[i] = new HealthModel(policies.get(i), weights.get(i));
      }
      tracker = b.build();
      for (int i = 0; i < SERVERS; i++) {
        compareServer(i, true);
      }
    }

    World step(int server, List<HealthModel.Ev> expected, boolean snapshotAll) {
      return step(server, expected, snapshotAll, true);
    }

    World step(int server, List<HealthModel.Ev> expected, boolean snapshotAll, boolean snapshotServer) {
      List<HealthModel.Ev> actual = new ArrayList<>();
      for (HealthEvent e : events) {
        assertEquals(server, e.server(), "event server");
        actual.add(new HealthModel.Ev(e.kind(), e.cause()));
      }
      assertEquals(expected, actual, "events");
      events.clear();
      for (int i = 0; i < SERVERS; i++) {
        compareServer(i, snapshotAll || (snapshotServer && i == server));
      }
      return this;
    }

    void compareServer(int i, boolean compareSnapshotWeight) {
      long now = ticker.read();
      HealthModel m = models[i];
      ServerStatus st = tracker.status(i);
      assertEquals(m.h, st.health(), "h of %d".formatted(i));
      assertEquals(m.up(), st.up(), "up of %d".formatted(i));
      assertEquals(m.admin, st.admin(), "admin of %d".formatted(i));
      assertEquals(m.weight, st.weight(), "weight of %d".formatted(i));
      assertEquals(m.rampingAt(now), st.slowStarting(), "slowStarting of %d".formatted(i));
      assertEquals(m.effective(now), st.effectiveWeight(), "effective weight of %d".formatted(i));
      assertEquals(m.errors, st.consecutiveErrors(), "errors of %d".formatted(i));
      assertTrue(st.health() >= 0 && st.health() <= m.rise + m.fall - 1, "h in range");
      assertEquals(m.interval(), tracker.checkIntervalNanos(i), "interval of %d".formatted(i));
      HealthSnapshot snap = tracker.snapshot();
      assertEquals(m.up(), snap.isUp(i));
      assertEquals(m.admin, snap.adminState(i));
      assertEquals(m.weight, snap.weight(i));
      if (compareSnapshotWeight) {
        assertEquals(m.effective(now), snap.effectiveWeight(i), "snapshot effective weight of %d".formatted(i));
        assertEquals(m.up() && m.admin == AdminState.READY && m.effective(now) > 0, snap.isBalanceable(i),
            "balanceable");
      }
      assertEquals(m.up(), snap.isCookieEligible(i));
      assertEquals(snap.isUp(i) && snap.adminState(i) == AdminState.READY && snap.effectiveWeight(i) > 0,
          snap.isBalanceable(i), "snapshot self-consistent");
    }
  }

  @Property(tries = 1000)
  void trackerFollowsTheModel(@ForAll("chains") ActionChain<World> chain) {
    chain.run();
  }

  @Provide
  Arbitrary<ActionChain<World>> chains() {
    Arbitrary<HealthPolicy> policy = policies();
    Arbitrary<List<HealthPolicy>> policyList = policy.list().ofSize(SERVERS);
    Arbitrary<List<Integer>> weights = Arbitraries.integers().between(0, 256).list().ofSize(SERVERS);
    return Combinators.combine(policyList, weights).flatAs((p, w) -> ActionChain.startWith(() -> new World(p, w))
        .withAction(6, check())
        .withAction(4, observation())
        .withAction(1, admin())
        .withAction(1, weight())
        .withAction(3, advance())
        .withMaxTransformations(60));
  }

  static Arbitrary<HealthPolicy> policies() {
    Arbitrary<Integer> rise = Arbitraries.integers().between(1, 5);
    Arbitrary<Integer> fall = Arbitraries.integers().between(1, 5);
    Arbitrary<Integer> slowStartSeconds = Arbitraries.of(0, 0, 3, 10);
    Arbitrary<SlowStartCurve> curve = Arbitraries.of(SlowStartCurve.haproxy(), SlowStartCurve.haproxy(),
        SlowStartCurve.envoy(), SlowStartCurve.envoy(2.0, 0));
    Arbitrary<InitialState> init = Arbitraries.of(InitialState.class);
    Arbitrary<ObserveMode> observe = Arbitraries.of(ObserveMode.class);
    Arbitrary<Integer> errorLimit = Arbitraries.integers().between(1, 4);
    Arbitrary<OnErrorAction> onError = Arbitraries.of(OnErrorAction.class);
    return Combinators.combine(rise, fall, slowStartSeconds, curve, init, observe, errorLimit, onError)
        .as((r, f, ss, c, i, o, el, oe) -> HealthPolicy.builder()
            .inter(Duration.ofSeconds(2)).fastInter(Duration.ofMillis(500)).downInter(Duration.ofSeconds(5))
            .rise(r).fall(f).slowStart(Duration.ofSeconds(ss)).slowStartCurve(c).initialState(i)
            .observe(o).errorLimit(el).onError(oe).build());
  }

  static Action.Independent<World> check() {
    return () -> Combinators.combine(Arbitraries.integers().between(0, SERVERS - 1), Arbitraries.of(true, false))
        .as((s, ok) -> Transformer.transform("check(" + s + ", " + ok + ")", w -> {
          List<HealthModel.Ev> ev = HealthModel.list();
          w.models[s].check(ok, w.ticker.read(), ev);
          w.tracker.recordCheck(s, ok);
          return w.step(s, ev, false);
        }));
  }

  static Action.Independent<World> observation() {
    Arbitrary<Integer> status = Arbitraries.oneOf(Arbitraries.of(200, 302, 404, 499, 500, 501, 502, 503, 504, 505,
        507, 599), Arbitraries.integers().between(0, 700));
    return () -> Combinators.combine(Arbitraries.integers().between(0, SERVERS - 1),
            Arbitraries.integers().between(0, 3), status)
        .as((s, kind, st) -> Transformer.transform("observe(" + s + ", kind " + kind + ", status " + st + ")", w -> {
          List<HealthModel.Ev> ev = HealthModel.list();
          // an observation that changes nothing (ignored, or a success with no error counted) publishes nothing,
          // so the snapshot may hold an older slow-start step: compare its weight only when the tracker acted
          boolean acts = w.models[s].observationActs(kind, st, w.ticker.read());
          w.models[s].observation(kind, st, w.ticker.read(), ev);
          switch (kind) {
            case 0 -> w.tracker.observeConnect(s, true);
            case 1 -> w.tracker.observeConnect(s, false);
            case 2 -> w.tracker.observeHttpStatus(s, st);
            default -> w.tracker.observeTransportError(s);
          }
          return w.step(s, ev, false, acts);
        }));
  }

  static Action.Independent<World> admin() {
    return () -> Combinators.combine(Arbitraries.integers().between(0, SERVERS - 1), Arbitraries.of(AdminState.class))
        .as((s, a) -> Transformer.transform("admin(" + s + ", " + a + ")", w -> {
          List<HealthModel.Ev> ev = HealthModel.list();
          w.models[s].admin(a, w.ticker.read(), ev);
          w.tracker.setAdminState(s, a);
          return w.step(s, ev, false);
        }));
  }

  static Action.Independent<World> weight() {
    return () -> Combinators.combine(Arbitraries.integers().between(0, SERVERS - 1),
            Arbitraries.of(0, 1, 10, 100, 256))
        .as((s, wt) -> Transformer.transform("weight(" + s + ", " + wt + ")", w -> {
          List<HealthModel.Ev> ev = HealthModel.list();
          w.models[s].weight(wt, w.ticker.read(), ev);
          w.tracker.setWeight(s, wt);
          return w.step(s, ev, false);
        }));
  }

  static Action.Independent<World> advance() {
    return () -> Combinators.combine(Arbitraries.of(1L, 10L, 333L, 625L, 1000L, 2500L, 7000L),
            Arbitraries.of(true, false))
        .as((ms, refresh) -> Transformer.transform("advance(" + ms + " ms" + (refresh ? ", refresh" : "") + ")",
            w -> {
              w.ticker.advanceNanos(ms * 1_000_000L);
              if (!refresh) {
                assertTrue(w.events.isEmpty(), "no event without an operation");
                for (int i = 0; i < SERVERS; i++) {
                  w.compareServer(i, false);
                }
                return w;
              }
              List<HealthModel.Ev> ev = HealthModel.list();
              List<HealthModel.Ev> all = new ArrayList<>();
              int firstServer = -1;
              long now = w.ticker.read();
              for (int i = 0; i < SERVERS; i++) {
                ev.clear();
                w.models[i].tick(now, ev);
                if (!ev.isEmpty() && firstServer < 0) {
                  firstServer = i;
                }
                all.addAll(ev);
              }
              long next = w.tracker.refresh();
              List<HealthModel.Ev> actual = new ArrayList<>();
              for (HealthEvent e : w.events) {
                actual.add(new HealthModel.Ev(e.kind(), e.cause()));
              }
              assertEquals(all, actual, "refresh events");
              w.events.clear();
              boolean anyRamping = false;
              for (int i = 0; i < SERVERS; i++) {
                w.compareServer(i, true);
                anyRamping |= w.models[i].rampingAt(now) && w.models[i].up();
              }
              assertEquals(anyRamping, next >= 0, "refresh() reports a next step iff a server ramps");
              return w;
            }));
  }
}
