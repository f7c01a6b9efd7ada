/**
 * Spring Cloud Gateway integration: one live {@link io.veza.routing.BackendPool} per load-balanced service, configured
 * with HAProxy's keywords under {@code veza.routing.services}. See {@link io.veza.routing.spring.VezaRoutingProperties}
 * for the properties and {@link io.veza.routing.spring.VezaPools} for membership and the instance metadata it reads.
 */
@NullMarked
package io.veza.routing.spring;

import org.jspecify.annotations.NullMarked;
