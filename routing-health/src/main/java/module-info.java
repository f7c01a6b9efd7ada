/**
 * HAProxy-conformant health tracking: the rise/fall counter, admin states, forced health, passive observation,
 * slow start that runs by itself, and active checks, for a live set of servers. No runtime dependency.
 */
module io.veza.routing.health {
  requires transitive java.net.http;
  requires static transitive org.jspecify;

  exports io.veza.routing.health;
}
