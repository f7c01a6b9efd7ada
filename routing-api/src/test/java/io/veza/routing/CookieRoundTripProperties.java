package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.RouteDecision.Reason;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Insert, then send back: the request returns to the same server, for random server values and options. */
class CookieRoundTripProperties {

  @Provide
  Arbitrary<List<String>> serverValues() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&'*+^`~:<>?@[]{}")
        .ofMinLength(1).ofMaxLength(12).list().uniqueElements().ofMinSize(1).ofMaxSize(10);
  }

  @Provide
  Arbitrary<String> neighbours() {
    return Arbitraries.of("", "lang=fr", "a=\"x;y\"", "SERVERIDX=1");
  }

  @Property(tries = 500, seed = "7600")
  void insertThenRouteReturnsToTheSameServer(@ForAll("serverValues") List<String> values,
      @ForAll @IntRange(max = 9) int pick, @ForAll boolean indirect, @ForAll boolean httpOnly,
      @ForAll boolean secure, @ForAll boolean idle, @ForAll boolean life, @ForAll boolean signed,
      @ForAll @LongRange(min = 1_000_000_000L, max = 4_000_000_000L) long now,
      @ForAll @IntRange(max = 3599) int later, @ForAll("neighbours") String neighbour) {
    int server = pick % values.size();
    CookiePersistence.Builder b = CookiePersistence.insert("SERVERID").domain(".veza.io").attr("SameSite=Lax");
    if (indirect) {
      b.indirect();
    }
    if (httpOnly) {
      b.httpOnly();
    }
    if (secure) {
      b.secure();
    }
    if (idle) {
      b.maxIdleSeconds(3600);
    }
    if (life) {
      b.maxLifeSeconds(7200);
    }
    if (signed) {
      b.signed(CookieSigning.hmacSha256("round-trip-key-0123456789".getBytes()));
    }
    Pools.TestClock clock = new Pools.TestClock(now);
    BackendPool.Builder pb = Pools.builder("p").wallClock(clock).cookie(b.build());
    for (int i = 0; i < values.size(); i++) {
      pb.server(ServerSpec.builder("s" + i, Pools.addr(i)).cookie(values.get(i)).build());
    }
    BackendPool pool = pb.build();
    RouteDecision first = ResponsePhaseTest.balancedTo(pool, TestRequest.get("/"), "s" + server);
    String setCookie = pool.editResponse(first, TestResponse.ok()).setCookies().get(0);
    // what a browser sends back: NAME=VALUE, among other cookies
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String header = neighbour + "; " + cookie + "; " + neighbour;
    clock.advance(java.time.Duration.ofSeconds(later));
    TestRequest back = TestRequest.withCookie(header);
    RouteDecision d = pool.route(back);
    assertEquals(Reason.PERSISTED, d.reason(), () -> header + " -> " + d);
    assertEquals("s" + server, Pools.id(d));
    if (!idle && !life) {
      assertEquals(ResponseEdits.NONE, pool.editResponse(d, TestResponse.ok()), "no re-issue to a valid holder");
    }
    if (indirect) {
      List<String> fwd = new ArrayList<>(pool.editRequest(d, back).cookieHeaders());
      assertEquals(neighbour.isEmpty() ? List.of() : List.of(neighbour + "; " + neighbour), fwd);
    }
  }
}
