/** The router a gateway embeds: backend pools, cookie persistence, balancers and routing decisions. */
module io.veza.routing {
  exports io.veza.routing;

  requires transitive io.veza.routing.hash;
  requires transitive io.veza.routing.health;
  requires com.google.common;
  requires com.github.benmanes.caffeine;
}
