package io.veza.routing;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import io.veza.routing.discovery.DnsDiscovery;
import io.veza.routing.discovery.StaticDiscovery;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.OperationalState;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the public API of routing-api rejects null where its JSpecify contract ({@code @NullMarked}) does not
 * allow it, with a NullPointerException (guava-testlib's NullPointerTester, which honours {@code @Nullable}), and
 * the value types have consistent equals/hashCode (EqualsTester). Needs com.google.guava:guava-testlib (test scope).
 */
class PublicApiNullsAndEqualsTest {

  static BackendPool pool() {
    return Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").build())
        .server(ServerSpec.builder("a", Pools.addr(0)).cookie("a").build()).build();
  }

  static NullPointerTester tester(BackendPool pool) {
    Server a = pool.server("a").orElseThrow();
    return new NullPointerTester()
        .setDefault(String.class, "a") // an existing server id, so that id checks pass and the null one is reached
        .setDefault(InetSocketAddress.class, Pools.addr(1))
        .setDefault(ServerSpec.class, ServerSpec.of("b", Pools.addr(2)))
        .setDefault(Server.class, a)
        .setDefault(RouteDecision.class, pool.route(TestRequest.get("/")))
        .setDefault(RequestView.class, TestRequest.get("/"))
        .setDefault(ResponseView.class, TestResponse.ok())
        .setDefault(CharSequence.class, "x=1")
        .setDefault(Balance.class, Balance.roundRobin())
        .setDefault(CookiePersistence.class, CookiePersistence.insert("S").build())
        .setDefault(CookieSigning.class, CookieSigning.hmacSha256(new byte[16]))
        .setDefault(HealthPolicy.class, HealthPolicy.defaults())
        .setDefault(AdminState.class, AdminState.DRAIN)
        .setDefault(OperationalState.class, OperationalState.UP)
        .setDefault(byte[].class, new byte[16]);
  }

  @Test
  void staticFactoriesRejectNull() {
    NullPointerTester t = tester(pool());
    t.testAllPublicStaticMethods(BackendPool.class);
    t.testAllPublicStaticMethods(ServerSpec.class);
    t.testAllPublicStaticMethods(Balance.class);
    t.testAllPublicStaticMethods(CookiePersistence.class);
    t.testAllPublicStaticMethods(CookieSigning.class);
    t.testAllPublicStaticMethods(StaticDiscovery.class);
    t.testAllPublicStaticMethods(DnsDiscovery.class);
  }

  @Test
  void instanceMethodsRejectNull() {
    BackendPool pool = pool();
    NullPointerTester t = tester(pool);
    t.testAllPublicInstanceMethods(pool);
    t.testAllPublicInstanceMethods(BackendPool.builder("q"));
    t.testAllPublicInstanceMethods(ServerSpec.of("b", Pools.addr(2)));
    t.testAllPublicInstanceMethods(ServerSpec.builder("b", Pools.addr(2)));
    t.testAllPublicInstanceMethods(CookiePersistence.insert("S"));
    t.testAllPublicInstanceMethods(CookiePersistence.insert("S").build());
    t.testAllPublicInstanceMethods(CookieSigning.hmacSha256(new byte[16]));
    t.testAllPublicInstanceMethods(Balance.uri());
    t.testAllPublicInstanceMethods(pool.server("a").orElseThrow());
    t.testAllPublicInstanceMethods(pool.route(TestRequest.get("/")));
    t.testAllPublicInstanceMethods(StaticDiscovery.of(List.of()));
    t.testAllPublicInstanceMethods(DnsDiscovery.builder("s", "h", 80));
  }

  @Test
  void serverSpecEqualityCoversEveryField() {
    InetSocketAddress a = Pools.addr(0);
    new EqualsTester()
        .addEqualityGroup(ServerSpec.of("a", a), ServerSpec.builder("a", a).build(),
            ServerSpec.of("a", a).toBuilder().build())
        .addEqualityGroup(ServerSpec.of("b", a))
        .addEqualityGroup(ServerSpec.of("a", Pools.addr(1)))
        .addEqualityGroup(ServerSpec.builder("a", a).weight(2).build())
        .addEqualityGroup(ServerSpec.builder("a", a).cookie("c").build())
        .addEqualityGroup(ServerSpec.builder("a", a).backup().build())
        .addEqualityGroup(ServerSpec.builder("a", a).id(3).build())
        .addEqualityGroup(ServerSpec.builder("a", a).check(false).build())
        .addEqualityGroup(ServerSpec.builder("a", a).healthPolicy(HealthPolicy.builder().rise(5).build()).build())
        .testEquals();
  }

  @Test
  void routeDecisionEqualityIsByServerReasonFlagsAndDates() {
    BackendPool pool = Pools.builder("p").cookie(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600).build())
        .server(ServerSpec.builder("a", Pools.addr(0)).cookie("a").build())
        .server(ServerSpec.builder("b", Pools.addr(1)).cookie("b").build()).build();
    Server a = pool.server("a").orElseThrow();
    Server b = pool.server("b").orElseThrow();
    new EqualsTester()
        .addEqualityGroup(RouteDecision.of(a, RouteDecision.Reason.BALANCED, 0, 0, 0),
            new RouteDecision(a, RouteDecision.Reason.BALANCED, 0, 0, 0))
        .addEqualityGroup(RouteDecision.of(b, RouteDecision.Reason.BALANCED, 0, 0, 0))
        .addEqualityGroup(RouteDecision.of(a, RouteDecision.Reason.PERSISTED, RouteDecision.DIRECT, 0, 0))
        .addEqualityGroup(RouteDecision.of(a, RouteDecision.Reason.BALANCED, RouteDecision.POST, 0, 0))
        .addEqualityGroup(RouteDecision.of(a, RouteDecision.Reason.PERSISTED, RouteDecision.DIRECT, 1_700_000_000, 0),
            new RouteDecision(a, RouteDecision.Reason.PERSISTED, RouteDecision.DIRECT, 1_700_000_000, 0))
        .addEqualityGroup(RouteDecision.NO_SERVER, new RouteDecision(null, RouteDecision.Reason.NO_SERVER, 0, 0, 0))
        .testEquals();
  }
}
