package io.veza.routing.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A loopback HTTP backend for tests: records every request it receives and answers with {@link #responder}. */
final class TestBackend implements AutoCloseable {
  /** A request as the backend received it. */
  record Received(String method, String uri, HttpHeaders headers, byte[] body) {
    List<String> all(CharSequence name) {
      return headers.getAll(name);
    }
  }

  final String id;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger open = new AtomicInteger();
  volatile Function<Received, FullHttpResponse> responder = r -> text(HttpResponseStatus.OK, "ok");
  private final Channel listener;

  TestBackend(String id, EventLoopGroup group) throws InterruptedException {
    this.id = id;
    listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            accepted.incrementAndGet();
            open.incrementAndGet();
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                    byte[] body = new byte[req.content().readableBytes()];
                    req.content().getBytes(req.content().readerIndex(), body);
                    Received r = new Received(req.method().name(), req.uri(), req.headers().copy(), body);
                    received.add(r);
                    FullHttpResponse resp = responder.apply(r);
                    resp.headers().set("X-Served-By", id);
                    boolean keepAlive = HttpUtil.isKeepAlive(req);
                    HttpUtil.setKeepAlive(resp, keepAlive);
                    if (!resp.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                      HttpUtil.setContentLength(resp, resp.content().readableBytes());
                    }
                    if (keepAlive) {
                      ctx.writeAndFlush(resp);
                    } else {
                      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
                    }
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close(); // a responder that throws: the connection drops without a response
                  }
                });
          }
        })
        .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  Received last() {
    return received.get(received.size() - 1);
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
  }
}
