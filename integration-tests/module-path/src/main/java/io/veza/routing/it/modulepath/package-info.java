/**
 * What a gateway writes to use the library: its request and response types adapted to
 * {@link io.veza.routing.RequestView} and {@link io.veza.routing.ResponseView}.
 */
package io.veza.routing.it.modulepath;
