package io.veza.routing.netty;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parked keep-alive backend connections of one event loop, per backend address (HAProxy {@code http-reuse safe}:
 * a connection is reused only between complete exchanges). Most recently parked first, so that the connections that
 * stay unused are the ones the idle timeout closes. A connection that closes while parked leaves at once; nothing is
 * registered per park (no listener), so parking costs nothing that accumulates. Confined to its event loop.
 */
final class BackendConnections {
  private final Map<InetSocketAddress, ArrayDeque<BackendConnection>> idle = new HashMap<>();
  private final int maxIdlePerServer;
  private final long idleTimeoutNanos;

  BackendConnections(int maxIdlePerServer, long idleTimeoutNanos) {
    this.maxIdlePerServer = maxIdlePerServer;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** The most recently parked live connection to {@code address}, or null. */
  @Nullable BackendConnection poll(InetSocketAddress address) {
    ArrayDeque<BackendConnection> q = idle.get(address);
    if (q == null) {
      return null;
    }
    for (BackendConnection c = q.pollLast(); c != null; c = q.pollLast()) {
      c.parkedIn = null;
      if (c.channel.isActive()) {
        return c;
      }
      c.channel.close();
    }
    return null;
  }

  /** Parks a connection whose exchange completed with keep-alive, until reused or its idle timeout. */
  void park(BackendConnection c) {
    InetSocketAddress address = c.address;
    if (address == null || !c.channel.isActive()) {
      c.channel.close();
      return;
    }
    ArrayDeque<BackendConnection> q = idle.get(address);
    if (q == null) {
      q = new ArrayDeque<>();
      idle.put(address, q);
    }
    if (q.size() >= maxIdlePerServer) {
      c.channel.close();
      return;
    }
    c.parkedIn = q;
    q.addLast(c);
    c.arm(idleTimeoutNanos);
  }

  /** Parked connections (for tests and statistics; O(addresses)). */
  int parked() {
    int n = 0;
    for (ArrayDeque<BackendConnection> q : idle.values()) {
      n += q.size();
    }
    return n;
  }
}
