package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.health.OperationalState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Membership examples: the slot rule, displacement of id-less servers, replace and update semantics. */
class MembershipTest {

  private static ServerSpec idless(String id, int i) {
    return ServerSpec.of(id, Pools.addr(i));
  }

  private static ServerSpec withId(String id, int i, int persistentId) {
    return ServerSpec.builder(id, Pools.addr(i)).id(persistentId).build();
  }

  @Test
  void idlessServersTakeTheLowestFreeSlotsInNameOrder() {
    BackendPool pool = Pools.hashed("p").server(idless("c", 0)).server(idless("a", 1))
        .server(withId("x", 2, 2)).build();
    assertEquals(0, pool.server("a").orElseThrow().slot());
    assertEquals(1, pool.server("x").orElseThrow().slot());
    assertEquals(2, pool.server("c").orElseThrow().slot());
    pool.add(idless("b", 3));
    assertEquals(List.of("a", "x", "b", "c"), pool.servers().stream().map(Server::id).toList());
    assertEquals(3, pool.server("c").orElseThrow().slot(), "c moved up: name order");
  }

  /**
   * A server joining with a persistent id whose slot an id-less server holds displaces it: the id-less server moves
   * to the next free slot, and both stay in the hash selector. (Regression: the displaced server was taken out of
   * the selector's slot set twice, the second time removing the newcomer's slot, so the selector shrank below it:
   * its keys went elsewhere and its next health change threw inside the state hook.)
   */
  @Test
  void aPersistentIdDisplacesAnIdlessServerAndBothStayHashable() {
    BackendPool pool = Pools.hashed("p").server(idless("a", 0)).build();
    assertEquals(0, pool.server("a").orElseThrow().slot());
    Server x = pool.add(withId("x", 1, 1)); // slot 0: a moves to slot 1
    Server a = pool.server("a").orElseThrow();
    assertEquals(0, x.slot());
    assertEquals(1, a.slot());
    RoutingTable t = Tables.of(pool);
    assertEquals(2, t.activeSelector.slots());
    assertTrue(t.activeSelector.isUsable(0) && t.activeSelector.isUsable(1));
    String[] keys = Pools.map(pool, 2_000, 1);
    assertTrue(List.of(keys).contains("x") && List.of(keys).contains("a"), "both take keys");
    pool.remove("a"); // slot 1 goes: the selector shrinks to 1 slot, x keeps slot 0
    assertEquals(1, Tables.of(pool).activeSelector.slots());
    pool.setHealth("x", OperationalState.DOWN); // used to throw in the hook: slot 0 outside a 0-slot selector
    assertEquals(RouteDecision.Reason.NO_SERVER, pool.route(TestRequest.get("k")).reason());
    pool.setHealth("x", OperationalState.UP);
    assertSame(x, pool.route(TestRequest.get("k")).server());
  }

  @Test
  void replaceKeepsTheServerForAnAddressOrWeightChangeAndRenewsItOtherwise() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("S").build())
        .server("a", Pools.addr(0), s -> s.cookie("a")).build();
    Server a = pool.server("a").orElseThrow();
    Server same = pool.replace(ServerSpec.builder("a", Pools.addr(5)).cookie("a").weight(7).build());
    assertSame(a, same);
    assertEquals(Pools.addr(5), a.address());
    assertEquals(7, a.weight());
    Server renewed = pool.replace(ServerSpec.builder("a", Pools.addr(5)).cookie("b").weight(7).build());
    assertNotEquals(a, renewed);
    assertTrue(!a.isMember() && renewed.isMember());
    assertEquals("b", renewed.cookieValue());
  }

  @Test
  void updateMakesTheMembershipEqualAndLeavesUnchangedServersAlone() {
    BackendPool pool = Pools.builder("p").server(idless("a", 0)).server(idless("b", 1)).build();
    Server a = pool.server("a").orElseThrow();
    pool.setHealth("a", OperationalState.STOPPING);
    pool.update(List.of(idless("a", 0), idless("c", 2)));
    assertSame(a, pool.server("a").orElseThrow());
    assertEquals(OperationalState.STOPPING, a.health().state().operational(), "untouched: health kept");
    assertEquals(List.of("a", "c"), pool.servers().stream().map(Server::id).toList());
  }

  /**
   * A membership where two servers swap persistent ids is valid, and update reaches it whatever order it applies
   * the changes in. (Regression: update replaced servers one by one in hash order; re-adding the first with the other
   * one's id failed with "persistent id must be unique" while the other still held it, leaving the pool half
   * updated.)
   */
  @Test
  void updateCanSwapPersistentIds() {
    BackendPool pool = Pools.hashed("p").server(withId("a", 0, 1)).server(withId("b", 1, 2))
        .server(withId("c", 2, 3)).build();
    pool.update(List.of(withId("a", 0, 2), withId("b", 1, 3), withId("c", 2, 1)));
    assertEquals(1, pool.server("a").orElseThrow().slot());
    assertEquals(2, pool.server("b").orElseThrow().slot());
    assertEquals(0, pool.server("c").orElseThrow().slot());
    BackendPool fresh = Pools.hashed("p").server(withId("a", 0, 2)).server(withId("b", 1, 3))
        .server(withId("c", 2, 1)).build();
    assertEquals(List.of(Pools.map(fresh, 3_000, 5)), List.of(Pools.map(pool, 3_000, 5)));
  }

  /** An update whose membership is itself invalid is refused before anything changes. */
  @Test
  void anInvalidMembershipChangesNothing() {
    BackendPool pool = Pools.hashed("p").server(withId("a", 0, 1)).server(withId("b", 1, 2)).build();
    Server a = pool.server("a").orElseThrow();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> pool.update(List.of(withId("a", 0, 1), withId("b", 1, 1), idless("c", 2))));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> pool.update(List.of(idless("c", 2), idless("c", 3))));
    assertEquals(List.of("a", "b"), pool.servers().stream().map(Server::id).toList());
    assertSame(a, pool.server("a").orElseThrow());
    assertEquals(2, pool.server("b").orElseThrow().persistentId());
  }
}
