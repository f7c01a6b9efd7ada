package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.veza.routing.health.testing.AllocationMeter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 9 item 6: the cookie index. Adds and removes in any order give the same lookups as a fresh build of the final
 * (value, server) set, servers sharing a value in slot order; a lookup by region of a header allocates nothing.
 */
class CookieIndexProperties {
  static final int SERVERS = 40;
  /** Servers with slots 0..39 (a pool's, so that they are real Server instances). */
  static final List<Server> SERVER_LIST = servers();

  private static List<Server> servers() {
    BackendPool.Builder b = Pools.builder("index");
    for (int i = 0; i < SERVERS; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).id(i + 1).build());
    }
    return b.build().servers();
  }

  record Op(boolean add, int server, int value) {}

  static String value(int v) {
    return "v" + v + (v % 3 == 0 ? "-long-enough-to-collide-rarely" : "");
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.integers().between(0, SERVERS - 1),
        Arbitraries.integers().between(0, 60)).as(Op::new).list().ofMaxSize(300);
  }

  @Property(tries = 300, seed = "6001")
  void anyOrderOfAddsAndRemovesEqualsAFreshBuild(@ForAll("ops") List<Op> ops) {
    CookieIndex index = CookieIndex.EMPTY;
    Map<Integer, Integer> valueOf = new LinkedHashMap<>(); // server -> value (one value per server, as in a pool)
    for (Op op : ops) {
      Server s = SERVER_LIST.get(op.server());
      Integer current = valueOf.get(op.server());
      if (op.add() && current == null) {
        index = index.add(value(op.value()), s);
        valueOf.put(op.server(), op.value());
      } else if (!op.add() && current != null) {
        index = index.remove(value(current), s);
        valueOf.remove(op.server());
      }
    }
    CookieIndex fresh = CookieIndex.EMPTY;
    List<Map.Entry<Integer, Integer>> entries = new ArrayList<>(valueOf.entrySet());
    java.util.Collections.reverse(entries); // another order
    for (Map.Entry<Integer, Integer> e : entries) {
      fresh = fresh.add(value(e.getValue()), SERVER_LIST.get(e.getKey()));
    }
    assertEquals(fresh.size(), index.size());
    for (int v = 0; v <= 60; v++) {
      String header = "a=1; SERVERID=" + value(v) + "; b=2";
      int from = header.indexOf('=', 4) + 1;
      int to = header.indexOf(';', from);
      Server[] got = index.lookup(header, from, to);
      Server[] expected = fresh.lookup(header, from, to);
      List<Server> model = new ArrayList<>();
      for (Server s : SERVER_LIST) { // slot order
        if (Integer.valueOf(v).equals(valueOf.get(Integer.parseInt(s.id().substring(1))))) {
          model.add(s);
        }
      }
      if (model.isEmpty()) {
        assertNull(got, value(v));
        assertNull(expected);
      } else {
        assertArrayEquals(model.toArray(), got, value(v));
        assertArrayEquals(expected, got);
      }
    }
    assertNull(index.lookup("SERVERID=nope", 9, 13));
  }

  @Example
  void aLookupByRegionAllocatesNothing() {
    CookieIndex index = CookieIndex.EMPTY;
    for (int i = 0; i < SERVERS; i++) {
      index = index.add("api" + i, SERVER_LIST.get(i));
    }
    CookieIndex finalIndex = index;
    String hit = "lang=fr; SERVERID=api37; theme=dark";
    String miss = "lang=fr; SERVERID=api99; theme=dark";
    int[] sink = new int[1];
    assertSame(SERVER_LIST.get(37), finalIndex.lookup(hit, 18, 23)[0]);
    AllocationMeter.assertAllocationFree("CookieIndex.lookup, hit", () -> sink[0] += finalIndex.lookup(hit, 18, 23)
        .length);
    AllocationMeter.assertAllocationFree("CookieIndex.lookup, miss", () -> sink[0] += finalIndex.lookup(miss, 18, 23)
        == null ? 1 : 0);
    AllocationMeter.assertAllocates("control: a copy", () -> sink[0] += hit.substring(18, 23).length());
  }

  @Example
  void aCookieHitThroughThePoolAllocatesNothingAtTenThousandServers() {
    BackendPool.Builder b = Pools.builder("big").cookie(CookiePersistence.insert("SERVERID").indirect().build());
    for (int i = 0; i < 10_000; i++) {
      b.server(ServerSpec.builder("s" + i, Pools.addr(i)).id(i + 1).cookie("api" + i).build());
    }
    BackendPool pool = b.build();
    TestRequest last = TestRequest.withCookie("lang=fr; SERVERID=api9999");
    TestRequest unknown = TestRequest.withCookie("SERVERID=" + "z".repeat(200));
    assertEquals("s9999", Pools.id(pool.route(last)));
    AllocationMeter.assertAllocationFree("route, cookie hit on the last of 10,000 servers", () -> pool.route(last));
    AllocationMeter.assertAllocationFree("route, unknown value", () -> pool.route(unknown));
  }
}
