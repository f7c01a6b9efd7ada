/**
 * An application on the module path that uses Veza Routing the way the README shows. It requires
 * {@code io.veza.routing} and nothing else: the library's {@code requires transitive} must make the hash and health
 * modules readable, every type in the library's public signatures must be in an exported package of a module that
 * this module reads, and nothing the library only needs to compile (JSpecify) or only for some features (Caffeine)
 * may be needed here.
 */
module io.veza.routing.it.modulepath {
  requires io.veza.routing;
}
