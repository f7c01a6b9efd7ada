package io.veza.routing.it.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision.Reason;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Caffeine is an optional dependency of routing-api ({@code requires static}): without it a pool that does not use
 * {@code stickOn} works, and one that does fails in {@code build()} with an {@link IllegalStateException} that says
 * what is missing. This class runs in the surefire execution whose module path has no Caffeine.
 */
class StickOnWithoutCaffeineTest {
  @Test
  void caffeineIsAbsent() {
    assertTrue(ModuleLayer.boot().findModule("com.github.benmanes.caffeine").isEmpty(), "no Caffeine module");
    assertThrows(ClassNotFoundException.class, () -> Class.forName("com.github.benmanes.caffeine.cache.Caffeine"),
        "no Caffeine on the class path either");
  }

  @Test
  void stickOnFailsAtBuildNamingCaffeine() {
    BackendPool.Builder builder = BackendPool.builder("sticky")
        .stickOn(request -> request.header("X-Session", 0), 1000, Duration.ofMinutes(30))
        .server("s1", new InetSocketAddress("10.0.0.1", 8080));
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
    assertTrue(e.getMessage().contains("com.github.ben-manes.caffeine:caffeine"), e.getMessage());
    assertTrue(e.getMessage().contains("stickOn"), e.getMessage());
    assertTrue(e.getMessage().contains("sticky"), "names the pool: " + e.getMessage());
  }

  @Test
  void poolsWithoutStickOnNeedNoCaffeine() {
    try (BackendPool pool = BackendPool.builder("plain")
        .server("s1", new InetSocketAddress("10.0.0.1", 8080))
        .build()) {
      assertEquals(Reason.BALANCED, pool.route(Request.get("/")).reason());
    }
  }
}
