package io.veza.routing.examples.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The end of a backend connection's pipeline while it carries HTTP: hands the (aggregated) response, or the
 * loss of the connection, to the exchange currently bound to it. An idle connection has no exchange; anything it
 * receives closes it.
 */
final class BackendHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
  static final String BYTES_SEEN = "bytes-seen";
  static final String CODEC = "codec";
  static final String AGGREGATOR = "aggregator";
  static final String NAME = "backend";

  /** What an exchange learns from its backend connection. */
  interface Callback {
    void onResponse(FullHttpResponse response);

    /** The connection closed before a complete response; {@code bytesSeen}: whether any response byte came. */
    void onBackendClosed(boolean bytesSeen);
  }

  private Callback exchange;
  private boolean bytesSeen;

  BackendHandler() {
    super(false);
  }

  void bind(Callback exchange) {
    this.exchange = exchange;
    this.bytesSeen = false;
  }

  void unbind() {
    this.exchange = null;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    Callback e = exchange;
    exchange = null;
    if (e == null) {
      response.release();
      ctx.close(); // a response nobody asked for: the connection is out of sync
      return;
    }
    e.onResponse(response);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Callback e = exchange;
    exchange = null;
    if (e != null) {
      e.onBackendClosed(bytesSeen);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Notes that response bytes arrived (ahead of the codec), to tell a stale keep-alive connection from a failure. */
  static final class BytesSeen extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      BackendHandler handler = ctx.pipeline().get(BackendHandler.class);
      if (handler != null) {
        handler.bytesSeen = true;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
