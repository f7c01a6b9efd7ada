/**
 * Veza Routing on Netty: {@link io.veza.routing.netty.RoutingProxy} (a reverse proxy that routes every request
 * through {@link io.veza.routing.BackendPool}s), and its parts for gateways that write their own handlers:
 * {@link io.veza.routing.netty.NettyRequestView} and {@link io.veza.routing.netty.NettyResponseView} (zero-copy
 * views), {@link io.veza.routing.netty.RequestTarget} (request-target checks and normalisation),
 * {@link io.veza.routing.netty.RoutingPhases} (request and response phases), {@link io.veza.routing.netty.TlsProfiles}.
 */
@NullMarked
package io.veza.routing.netty;

import org.jspecify.annotations.NullMarked;
