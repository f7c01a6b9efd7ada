/**
 * Consistent hashing for routing: which server of a pool serves a key, decided the same way by every gateway
 * instance without coordination.
 *
 * <ul>
 *   <li>{@link io.veza.routing.hash.JumpHash}: the Lamping–Veach jump consistent hash, bit-identical to the
 *       paper's reference code;</li>
 *   <li>{@link io.veza.routing.hash.KeyHasher} and its factories {@link io.veza.routing.hash.KeyHashers}: XXH3-64
 *       and XXH64 over the UTF-8 bytes of a key (or over bytes), allocation-free, equal to the reference
 *       implementation in any language;</li>
 *   <li>{@link io.veza.routing.hash.JumpSelector}: health- and weight-aware consistent selection over slots that
 *       can be usable or not, with a persistent (structurally shared) snapshot that a live pool updates in
 *       bounded time per change.</li>
 * </ul>
 *
 * <p>Everything here is a pure function or an immutable value: safe from any number of threads, allocation-free
 * on the lookup path, and with no dependencies beyond {@code java.base}.
 */
@NullMarked
package io.veza.routing.hash;

import org.jspecify.annotations.NullMarked;
