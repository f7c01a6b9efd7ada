package io.veza.routing.discovery;

import io.veza.routing.BackendPool;
import io.veza.routing.ServerSpec;
import java.util.List;
import java.util.function.Consumer;

/**
 * A source of pool membership: it delivers the complete current list of servers (id, address, weight, options) to a
 * sink whenever it changes, typically {@link BackendPool#update} of a pool:
 *
 * <pre>{@code
 * Discovery dns = DnsDiscovery.builder("stream", "streams.veza.internal", 8080).count(10).build();
 * dns.start(streamPool::update);
 * }</pre>
 *
 * <p>A source never delivers a partial list: when it cannot tell (a failed DNS resolution), it delivers nothing and
 * the pool keeps the last good membership. Deliveries are sequential (never concurrent) and in order. A sink that
 * throws does not stop the source; the next change is delivered again in full.
 */
public interface Discovery extends AutoCloseable {

  /**
   * Starts delivering: the current membership as soon as it is known, then every change.
   *
   * @param sink receives each complete membership
   * @throws IllegalStateException if already started or closed
   */
  void start(Consumer<List<ServerSpec>> sink);

  /** Stops delivering; idempotent. */
  @Override
  void close();
}
