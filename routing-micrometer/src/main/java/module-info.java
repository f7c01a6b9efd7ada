/**
 * Micrometer metrics for live {@link io.veza.routing.BackendPool}s ({@link io.veza.routing.micrometer.PoolMetrics}).
 */
module io.veza.routing.micrometer {
  exports io.veza.routing.micrometer;

  requires transitive io.veza.routing;
  requires transitive micrometer.core;
  requires static transitive org.jspecify;
}
