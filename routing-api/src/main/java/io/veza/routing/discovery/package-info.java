/**
 * Membership sources for live pools: {@link io.veza.routing.discovery.Discovery} delivers the current list of
 * servers, {@link io.veza.routing.discovery.StaticDiscovery} is driven by code, {@link
 * io.veza.routing.discovery.DnsDiscovery} resolves a name the way HAProxy's {@code server-template} does, with slots
 * that depend only on the resolved addresses.
 */
@NullMarked
package io.veza.routing.discovery;

import org.jspecify.annotations.NullMarked;
