package io.veza.routing;

import io.veza.routing.health.HealthPolicy;
import java.net.InetSocketAddress;

/**
 * One configured server of a {@link BackendPool} (HAProxy's {@code server} line). Immutable; the instances a
 * pool returns are the pool's own, so {@code decision.server() == pool.servers().get(i)} and a gateway may key
 * its connection pools by identity.
 *
 * @param index position in declaration order (0-based), which is also the server's index in the pool's
 *     {@link io.veza.routing.health.HealthTracker}
 * @param id unique name of the server in its pool
 * @param address where the gateway connects to
 * @param cookieValue the value of the persistence cookie that designates this server ({@code cookie} keyword),
 *     or {@code null} when the server has none (it is then never chosen by cookie and no cookie is set for it)
 * @param weight configured weight 0..256 ({@code weight}); 0 behaves like DRAIN
 * @param backup whether this is a backup server ({@code backup}), used only when no active server is usable
 * @param healthPolicy the health-check and observation policy of the server
 */
public record Server(int index, String id, InetSocketAddress address, String cookieValue, int weight,
                     boolean backup, HealthPolicy healthPolicy) {

  /** The highest configured weight HAProxy accepts. */
  public static final int MAX_WEIGHT = 256;
}
