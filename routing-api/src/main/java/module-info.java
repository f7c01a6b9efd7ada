/**
 * The router a gateway embeds: live backend pools, cookie persistence, balancers, routing decisions, the request and
 * response phases, statistics, and membership discovery.
 */
module io.veza.routing {
  exports io.veza.routing;
  exports io.veza.routing.discovery;
  exports io.veza.routing.syntax;

  requires transitive io.veza.routing.hash;
  requires transitive io.veza.routing.health;
  requires static transitive org.jspecify;
  requires static com.github.benmanes.caffeine;
}
