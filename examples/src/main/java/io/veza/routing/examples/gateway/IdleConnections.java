package io.veza.routing.examples.gateway;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive backend connections of one event loop, per backend address (HAProxy {@code http-reuse safe}:
 * a connection is reused only between complete exchanges). Confined to its event loop: no locking.
 */
final class IdleConnections {
  static final int MAX_IDLE_PER_SERVER = 16;

  private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

  /** The most recently used live idle connection to {@code address}, or null. */
  Channel poll(InetSocketAddress address) {
    ArrayDeque<Channel> channels = idle.get(address);
    if (channels == null) {
      return null;
    }
    for (Channel ch = channels.pollLast(); ch != null; ch = channels.pollLast()) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /** Parks a connection whose exchange completed with keep-alive; closes it if too many are parked. */
  void offer(InetSocketAddress address, Channel ch) {
    ArrayDeque<Channel> channels = idle.computeIfAbsent(address, a -> new ArrayDeque<>());
    if (channels.size() >= MAX_IDLE_PER_SERVER || !ch.isActive()) {
      ch.close();
      return;
    }
    channels.addLast(ch);
    ch.closeFuture().addListener(f -> channels.remove(ch)); // runs on this loop: the connection's loop
  }
}
