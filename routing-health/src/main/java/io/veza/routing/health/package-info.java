/**
 * Health of a live set of servers, as HAProxy defines it.
 *
 * <p>Entry points: {@link io.veza.routing.health.HealthTracker} (membership, listeners, the synchronous state hook),
 * {@link io.veza.routing.health.TrackedServer} (one server's state machine: checks, observations, admin state,
 * weight, forced health), {@link io.veza.routing.health.HealthPolicy} (HAProxy's {@code server ... check} keywords),
 * {@link io.veza.routing.health.ActiveChecker} with {@link io.veza.routing.health.Probes}. Time comes from an
 * injected {@link io.veza.routing.health.Ticker} and {@link io.veza.routing.health.Scheduler}.
 */
@NullMarked
package io.veza.routing.health;

import org.jspecify.annotations.NullMarked;
