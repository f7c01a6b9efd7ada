package io.veza.routing.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.veza.routing.SessionRegistration;
import org.jspecify.annotations.Nullable;

/**
 * A proxied WebSocket after the 101: frames decoded on one side are re-encoded on the other (client frames are
 * unmasked and re-masked toward the backend), so the proxy can always end a session with a proper close frame:
 *
 * <ul>
 *   <li>the pool shut the session down ({@code on-marked-down shutdown-sessions}, MAINT, removal): close 1001 to the
 *       client;
 *   <li>the backend connection dropped without a close handshake (killed backend): close 1014 (Bad Gateway);
 *   <li>the client went away: the backend connection is closed.
 * </ul>
 *
 * Both sides live on the same event loop; the pool's shutdown callback hops onto it.
 */
final class WebSocketRelay {
  static final int GOING_AWAY = 1001;
  static final int BAD_GATEWAY = 1014;

  private final Channel client;
  private final Channel backend;
  private final String serverId;
  private final ProxyStats stats;
  private @Nullable SessionRegistration registration;
  private boolean ended;
  private boolean closeSentToClient;

  WebSocketRelay(Channel client, Channel backend, String serverId, ProxyStats stats) {
    this.client = client;
    this.backend = backend;
    this.serverId = serverId;
    this.stats = stats;
  }

  ChannelInboundHandlerAdapter clientSide() {
    return new Side(true);
  }

  ChannelInboundHandlerAdapter backendSide() {
    return new Side(false);
  }

  /** On the event loop, right after the pool registered the session. */
  void registered(SessionRegistration registration) {
    this.registration = registration;
    if (ended) {
      registration.close();
    }
  }

  /** The pool's session-shutdown callback (any thread). */
  void shutDownByPool() {
    client.eventLoop().execute(() -> {
      if (ended) {
        return;
      }
      stats.sessionsShutDownByPool.increment();
      end();
      backend.close();
      closeClient(GOING_AWAY, "server " + serverId + " is out (shutdown-sessions)");
    });
  }

  private void end() {
    ended = true;
    SessionRegistration r = registration;
    if (r != null) {
      r.close(); // unregister; idempotent (a no-op when the pool itself shut the session down)
    }
  }

  private void closeClient(int code, String reason) {
    if (!client.isActive()) {
      return;
    }
    if (closeSentToClient) {
      client.close();
      return;
    }
    closeSentToClient = true;
    client.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
  }

  private final class Side extends ChannelInboundHandlerAdapter {
    private final boolean clientSide;

    Side(boolean clientSide) {
      this.clientSide = clientSide;
    }

    private Channel peer() {
      return clientSide ? backend : client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel peer = peer();
      if (!(msg instanceof WebSocketFrame) || !peer.isActive()) {
        ReferenceCountUtil.release(msg); // e.g. the empty last content that followed the 101
        return;
      }
      if (!clientSide && msg instanceof CloseWebSocketFrame) {
        closeSentToClient = true; // the backend's own close handshake goes through untouched
      }
      peer.write(msg, peer.voidPromise());
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false); // back-pressure: resume when the peer drains
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer().flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      peer().config().setAutoRead(ctx.channel().isWritable());
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ended) {
        peer().close();
        return;
      }
      end();
      if (clientSide) {
        backend.close();
      } else {
        if (!closeSentToClient) {
          stats.sessionsBackendLost.increment();
        }
        closeClient(BAD_GATEWAY, "connection to " + serverId + " lost");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
