package io.veza.routing.examples.backend;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend process stand-in on loopback: {@link #start()} binds 127.0.0.1 (an ephemeral port the first
 * time, the same port on every restart), {@link #stop()} behaves like a killed process: it closes the
 * listening socket and every open connection, so new connects are refused and established ones see EOF.
 *
 * <p>Thread-safety: start/stop are synchronized; handlers run on the shared event loop group.
 */
public abstract class NettyBackend implements AutoCloseable {
  /** Response header naming the backend that served a request. */
  public static final String SERVED_BY = "X-Served-By";

  private final String id;
  private final EventLoopGroup group;
  private final AtomicLong requests = new AtomicLong();
  private ChannelGroup connections;
  private Channel listener;
  private int port;

  protected NettyBackend(String id, EventLoopGroup group) {
    this.id = id;
    this.group = group;
  }

  public final String id() {
    return id;
  }

  /** The address it listens on (after the first start); stable across restarts. */
  public final synchronized InetSocketAddress address() {
    if (port == 0) {
      throw new IllegalStateException(id + " was never started");
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public final synchronized boolean running() {
    return listener != null && listener.isActive();
  }

  /** Requests (HTTP requests and WebSocket messages) this backend has answered since it was created. */
  public final long requestsServed() {
    return requests.get();
  }

  protected final void countRequest() {
    requests.incrementAndGet();
  }

  /** Binds 127.0.0.1 on the port of the previous run (ephemeral the first time). Idempotent. */
  public final synchronized InetSocketAddress start() throws InterruptedException {
    if (running()) {
      return address();
    }
    ChannelGroup open = new DefaultChannelGroup(id, GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            open.add(ch);
            initConnection(ch.pipeline());
            ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a reset by the peer (a proxy closing a connection): just close
              }
            });
          }
        });
    Channel bound = bootstrap.bind(InetAddress.getLoopbackAddress(), port).sync().channel();
    connections = open;
    listener = bound;
    port = ((InetSocketAddress) bound.localAddress()).getPort();
    return address();
  }

  /** Like a killed process: the listening socket and all open connections are closed. Idempotent. */
  public final synchronized void stop() throws InterruptedException {
    if (listener == null) {
      return;
    }
    listener.close().await(5, TimeUnit.SECONDS);
    connections.close().await(5, TimeUnit.SECONDS);
    listener = null;
    connections = null;
  }

  @Override
  public final void close() throws InterruptedException {
    stop();
  }

  /** Adds this backend's codecs and handlers to a new connection's pipeline. */
  protected abstract void initConnection(ChannelPipeline pipeline);

  /** Writes a small text response, honouring the request's keep-alive. */
  protected final void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
      String body) {
    respond(ctx, request, status, body, null);
  }

  /** Writes a small text response with an {@code ETag} (a validator: the response is cacheable), if not null. */
  protected final void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
      String body, String etag) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(SERVED_BY, id);
    if (etag != null) {
      response.headers().set(HttpHeaderNames.ETAG, etag);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    countRequest();
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public String toString() {
    return id;
  }
}
