package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.hash.JumpHash;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start, compiled and checked, so the README cannot drift from the API. */
class ReadmeQuickStartTest {

  private static final long FLEET_SEED = 0x5EEDL;

  private static BackendPool apiPool() {
    return BackendPool.builder("backend-api")
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .balance(Balance.roundRobin())
        .redispatch(true)
        .shutdownSessionsOnMarkedDown(true)
        .defaultHealthPolicy(HealthPolicy.builder()
            .inter(Duration.ofSeconds(5)).rise(2).fall(3).slowStart(Duration.ofSeconds(30))
            .observe(ObserveMode.LAYER7).build())
        .server("backend-api-1", new InetSocketAddress("10.0.0.1", 8080), s -> s.cookie("api1"))
        .server("backend-api-2", new InetSocketAddress("10.0.0.2", 8080), s -> s.cookie("api2").weight(2))
        .server("spare", new InetSocketAddress("10.0.0.9", 8080), s -> s.cookie("spare").backup())
        .build();
  }

  @Test
  void apiPoolPinsWithServeridAndStripsItFromTheForwardedRequest() {
    try (BackendPool api = apiPool()) {
      RouteDecision first = api.route(TestRequest.get("/api/v1/whoami"));
      assertEquals(Reason.BALANCED, first.reason());
      String cookie = first.setCookie();
      assertTrue(cookie.startsWith("SERVERID=" + first.server().cookieValue() + "; path=/"), cookie);
      assertTrue(first.cacheControlPrivate(), "nocache");

      TestRequest again = TestRequest.get("/api/v1/whoami")
          .header("Cookie", "lang=fr; SERVERID=" + first.server().cookieValue());
      RouteDecision pinned = api.route(again);
      assertEquals(Reason.PERSISTED, pinned.reason());
      assertEquals(first.server(), pinned.server());
      assertNull(pinned.setCookie(), "indirect: a client with a valid cookie gets none");
      assertTrue(pinned.rewriteRequestCookies());
      assertEquals(List.of("lang=fr"), pinned.requestCookieHeaders(again));
    }
  }

  @Test
  void streamPoolIsTheJumpHashOfTheSeededXxh3OfTheTrackId() {
    try (BackendPool streams = BackendPool.builder("stream")
        .balance(Balance.pathSegment(1))
        .keyHasher(KeyHashers.xxh3(FLEET_SEED))
        .server("stream-server-1", new InetSocketAddress("10.0.1.1", 8080))
        .server("stream-server-2", new InetSocketAddress("10.0.1.2", 8080))
        .build()) {
      for (int i = 0; i < 200; i++) {
        String trackId = "3f2504e0-4f89-41d3-9a0c-" + String.format("%012x", i * 7919L);
        RouteDecision d = streams.route(TestRequest.get("/hls/" + trackId + "/index.m3u8"));
        assertEquals(Reason.HASHED, d.reason());
        // what a Go, Rust or C++ service computes: JumpConsistentHash(XXH3_64bits_withSeed(utf8), n)
        int expected = JumpHash.bucket(KeyHashers.xxh3(FLEET_SEED).hash(trackId), 2);
        assertEquals(expected, d.server().index(), trackId);
      }
    }
  }
}
