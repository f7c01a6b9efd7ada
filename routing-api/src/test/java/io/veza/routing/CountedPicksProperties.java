package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;

/**
 * Round robin counts the balanced picks of a stripe's owner per stripe, derives each server's share from the schedule,
 * and folds the shares into the servers' counters
 * when the owner moves to a newer schedule (RoundRobin, "Counting picks"). These properties compare what is read
 * with a model that counts every pick by the server it returned:
 *
 * <ul>
 *   <li>at the schedule level, with synthetic tickets standing for several owner threads and for threads that own
 *       no stripe, across weight, health and membership changes (a server replaced in its slot with the same weight
 *       included: the schedule must not be shared across that change), after every step;
 *   <li>at the pool level, every decision's server and reason against {@link BackendPool#stats()}, per reason, with
 *       cookies that match, that name a down server, that match nothing, and no cookie.
 * </ul>
 */
class CountedPicksProperties {
  static final int SERVERS = 6;

  /** One step: a change to the pool, or picks from one ticket. */
  record Step(int kind, int server, int value, int ticket) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> value + " picks by ticket " + ticket;
        case 7 -> value + " uncounted picks (cookie fallbacks, retries) by ticket " + ticket;
        case 1 -> "weight s" + server + " = " + value;
        case 2 -> "s" + server + (value == 0 ? " DOWN" : " UP");
        case 3 -> "replace s" + server + " (same weight, new server)";
        case 4 -> "remove s" + server;
        case 5 -> "add s" + server;
        default -> "swap s" + server + " for t" + server + " in one update";
      };
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> server = Arbitraries.integers().between(0, SERVERS - 1);
    // tickets: every stripe owned (several owner threads) and two bare stripes (threads that own none)
    Arbitrary<Integer> ticket = Arbitraries.integers().between(0, Stripes.COUNT + 1).map(k ->
        k < Stripes.COUNT ? k | Stripes.OWNED : k - Stripes.COUNT);
    Arbitrary<Step> pick = Combinators.combine(Arbitraries.integers().between(1, 40), ticket)
        .as((n, t) -> new Step(0, 0, n, t));
    Arbitrary<Step> uncounted = Combinators.combine(Arbitraries.integers().between(1, 5), ticket)
        .as((n, t) -> new Step(7, 0, n, t));
    Arbitrary<Step> weight = Combinators.combine(server, Arbitraries.integers().between(0, 5))
        .as((s, w) -> new Step(1, s, w, 0));
    Arbitrary<Step> health = Combinators.combine(server, Arbitraries.integers().between(0, 1))
        .as((s, up) -> new Step(2, s, up, 0));
    Arbitrary<Step> membership = Combinators.combine(Arbitraries.integers().between(3, 6), server)
        .as((k, s) -> new Step(k, s, 0, 0));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, pick), net.jqwik.api.Tuple.of(2, uncounted), net.jqwik.api.Tuple.of(2, weight),
        net.jqwik.api.Tuple.of(2, health),
        net.jqwik.api.Tuple.of(2, membership)).list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 300, seed = "9510")
  void countedPicksReadAsTheModelCountsThem(@ForAll("steps") List<Step> steps) {
    BackendPool pool = Pools.builder("counted").build();
    try {
      for (int s = 0; s < SERVERS; s++) {
        pool.add(ServerSpec.of("s" + s, Pools.addr(s)));
      }
      Map<Server, Long> model = new IdentityHashMap<>();
      for (Step step : steps) {
        switch (step.kind()) {
          case 0 -> {
            for (int k = 0; k < step.value(); k++) {
              RoutingTable t = Tables.of(pool);
              int slot = t.activeRoundRobin.nextBalanced(step.ticket());
              if (slot == -1) {
                Statistics.label("pick").collect("none");
                continue;
              }
              boolean counted = t.activeRoundRobin.countsPicks(step.ticket());
              Server server = t.server(slot);
              assertTrue(server != null, "a pick names a member");
              Statistics.label("pick").collect(counted ? "counted" : "not counted");
              assertEquals(Stripes.owned(step.ticket()), counted, "owners count, the others do not");
              if (counted) {
                model.merge(server, 1L, Long::sum);
              }
            }
          }
          case 7 -> {
            // the pool's other picks take the stripe's shared position and are not counted here
            for (int k = 0; k < step.value(); k++) {
              Tables.of(pool).activeRoundRobin.next(RoundRobin.uncounted(step.ticket()));
            }
          }
          case 1 -> {
            if (member(pool, "s" + step.server()) != null) {
              pool.setWeight("s" + step.server(), step.value());
            }
          }
          case 2 -> {
            if (member(pool, "s" + step.server()) != null) {
              pool.setHealth("s" + step.server(), step.value() == 0 ? OperationalState.DOWN : OperationalState.UP);
            }
          }
          case 3 -> {
            if (member(pool, "s" + step.server()) != null) {
              Server before = member(pool, "s" + step.server());
              Server after = pool.replace(ServerSpec.builder("s" + step.server(), Pools.addr(step.server() + 10))
                  .weight(before.weight()).build());
              Statistics.label("replace").collect(after == before ? "same server" : "new server");
            }
          }
          case 4 -> pool.remove("s" + step.server());
          case 5 -> {
            if (member(pool, "s" + step.server()) == null) {
              pool.add(ServerSpec.of("s" + step.server(), Pools.addr(step.server())));
            }
          }
          default -> {
            // one change: the new server takes the freed slot with the same weight, so only the slot's server differs
            Server out = member(pool, "s" + step.server());
            if (out != null && member(pool, "t" + step.server()) == null) {
              List<ServerSpec> next = new ArrayList<>();
              for (Server m : pool.servers()) {
                next.add(m == out ? ServerSpec.builder("t" + step.server(), Pools.addr(step.server() + 20))
                    .weight(out.weight()).build()
                    : ServerSpec.builder(m.id(), m.address()).weight(m.weight()).build());
              }
              int slot = out.slot();
              pool.update(next);
              Statistics.label("swap").collect(member(pool, "t" + step.server()).slot() == slot ? "same slot" : "moved");
            }
          }
        }
        List<Server> members = pool.servers();
        long[] read = Tables.of(pool).activePositions().balancedPicks(members);
        for (int i = 0; i < members.size(); i++) {
          Server m = members.get(i);
          assertEquals(model.getOrDefault(m, 0L), read[i], () -> m.id() + " after " + step + " in " + steps);
        }
      }
    } finally {
      pool.close();
    }
  }

  private static Server member(BackendPool pool, String id) {
    return pool.server(id).orElse(null);
  }

  /** Cookie headers: a member's value, one that matches nothing, none. */
  @Provide
  Arbitrary<List<String>> requests() {
    return Arbitraries.of("SERVERID=c0", "SERVERID=c1", "SERVERID=c2", "SERVERID=zz", "theme=dark", "")
        .list().ofMinSize(1).ofMaxSize(80);
  }

  @Property(tries = 200, seed = "9511")
  void statisticsCountEveryDecisionByServerAndReason(@ForAll("requests") List<String> cookies,
      @ForAll @Size(value = 3) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 3) Integer> changes) {
    BackendPool pool = Pools.builder("reasons").cookie(CookiePersistence.insert("SERVERID").build()).build();
    try {
      for (int s = 0; s < 3; s++) {
        pool.add(ServerSpec.builder("s" + s, Pools.addr(s)).cookie("c" + s).build());
      }
      Map<String, Map<Reason, Long>> model = new HashMap<>();
      List<String> order = new ArrayList<>(cookies);
      for (int i = 0; i < order.size(); i++) {
        if (i == order.size() / 2) {
          // a few changes half-way: new tables, new schedules, folds
          for (int s = 0; s < changes.size(); s++) {
            switch (changes.get(s)) {
              case 1 -> pool.setHealth("s" + s, OperationalState.DOWN);
              case 2 -> pool.setWeight("s" + s, 3);
              case 3 -> pool.setAdminState("s" + s, AdminState.DRAIN);
              default -> { }
            }
          }
        }
        String c = order.get(i);
        RouteDecision d = pool.route(c.isEmpty() ? TestRequest.get("/") : TestRequest.withCookie(c));
        if (d.server() != null) {
          model.computeIfAbsent(d.server().id(), k -> new EnumMap<>(Reason.class)).merge(d.reason(), 1L, Long::sum);
        }
        Statistics.label("reason").collect(d.reason());
      }
      for (ServerStats st : pool.stats().servers()) {
        assertEquals(model.getOrDefault(st.id(), Map.of()), st.decisions(), st.id());
      }
    } finally {
      pool.close();
    }
  }
}
