/**
 * Bring your haproxy.cfg: the backends of an HAProxy 2.6 configuration become {@link io.veza.routing.BackendPool}
 * builders ({@link io.veza.routing.haproxy.HaproxyConfig}).
 */
module io.veza.routing.haproxy {
  exports io.veza.routing.haproxy;

  requires transitive io.veza.routing;
  requires java.net.http;
  requires static transitive org.jspecify;
}
