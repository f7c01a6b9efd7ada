package io.veza.routing.it.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.RouteDecision.Reason;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With Caffeine in the module graph, {@code stickOn} works on the module path: routing-api's
 * {@code requires static com.github.benmanes.caffeine} reads it once it is resolved. This class runs only in the
 * surefire execution that puts Caffeine on the module path (surefire resolves every module there, as an application
 * does with {@code requires com.github.benmanes.caffeine} or {@code --add-modules com.github.benmanes.caffeine}).
 */
class StickOnWithCaffeineTest {
  @Test
  void caffeineIsAModule() {
    assertTrue(ModuleLayer.boot().findModule("com.github.benmanes.caffeine").isPresent(), "Caffeine is resolved");
    assertTrue(BackendPool.class.getModule().canRead(ModuleLayer.boot().findModule("com.github.benmanes.caffeine")
        .orElseThrow()), "routing-api reads Caffeine");
  }

  @Test
  void stickOnPinsAKeyToOneServer() {
    try (BackendPool pool = BackendPool.builder("sticky")
        .stickOn(request -> request.header("X-Session", 0), 1000, Duration.ofMinutes(30))
        .server("s1", new InetSocketAddress("10.0.0.1", 8080))
        .server("s2", new InetSocketAddress("10.0.0.2", 8080))
        .server("s3", new InetSocketAddress("10.0.0.3", 8080))
        .build()) {
      RouteDecision first = pool.route(Request.get("/").header("X-Session", "alice"));
      assertEquals(Reason.BALANCED, first.reason());
      for (int i = 0; i < 10; i++) {
        RouteDecision again = pool.route(Request.get("/").header("X-Session", "alice"));
        assertEquals(Reason.STICK_TABLE, again.reason());
        assertEquals(first.server(), again.server());
      }
      assertEquals(1, pool.stickTableSize());
    }
  }
}
