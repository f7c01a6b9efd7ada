/**
 * A Micrometer {@code MeterBinder} for live pools: {@link PoolMetrics}.
 */
@NullMarked
package io.veza.routing.micrometer;

import org.jspecify.annotations.NullMarked;
