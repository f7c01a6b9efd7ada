/**
 * HAProxy's runtime API for live {@link io.veza.routing.BackendPool}s: the stats-socket text protocol on a Unix
 * socket and on TCP ({@link io.veza.routing.admin.AdminServer}), and health transitions logged in HAProxy's words
 * ({@link io.veza.routing.admin.HealthLog}).
 */
module io.veza.routing.admin {
  exports io.veza.routing.admin;

  requires transitive io.veza.routing;
  requires io.veza.routing.haproxy;
  requires static transitive org.jspecify;
}
