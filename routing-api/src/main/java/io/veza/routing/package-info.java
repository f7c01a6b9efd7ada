/**
 * What a gateway calls: {@link io.veza.routing.BackendPool} (built with its builder: servers, balance, cookie
 * persistence, retries, health policy), {@link io.veza.routing.RouteDecision}, the request and response views and
 * edits, sessions, statistics.
 */
@NullMarked
package io.veza.routing;

import org.jspecify.annotations.NullMarked;
