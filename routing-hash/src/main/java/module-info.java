/**
 * Jump consistent hash, key hashing and health-aware consistent selection. No runtime dependency: JSpecify's nullness
 * annotations ({@code requires static}) are only needed to compile.
 *
 * <p>The only exported package is {@code io.veza.routing.hash}: {@link io.veza.routing.hash.JumpHash},
 * {@link io.veza.routing.hash.KeyHasher} / {@link io.veza.routing.hash.KeyHashers} and
 * {@link io.veza.routing.hash.JumpSelector}.
 */
module io.veza.routing.hash {
  requires static transitive org.jspecify;

  exports io.veza.routing.hash;
}
