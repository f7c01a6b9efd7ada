package io.veza.routing.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 keep-alive load generator on one event loop (like {@code wrk}: each connection sends its
 * next request when the previous answer arrives), acting as browsers: every connection keeps the
 * {@code SERVERID} cookie it was given and sends it back. Latency (send to complete response) goes to an
 * {@link Recorder} (per-second intervals) and an overall {@link Histogram}. A request that gets no 200 (another
 * status, or the connection lost while it was in flight) is a failure; connections lost while idle just reconnect.
 */
final class HttpLoad implements AutoCloseable {
  static final long HIGHEST = TimeUnit.SECONDS.toNanos(30);

  final Recorder recorder = new Recorder(HIGHEST, 3);
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Bootstrap bootstrap;
  private final InetSocketAddress target;
  private final String path;
  private final List<Conn> conns = new ArrayList<>();
  private volatile boolean running = true;

  HttpLoad(EventLoopGroup group, Class<? extends SocketChannel> channel, InetSocketAddress target, String path,
      int connections) {
    this.target = target;
    this.path = path;
    this.bootstrap = new Bootstrap().group(group).channel(channel).option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16));
          }
        });
    for (int i = 0; i < connections; i++) {
      Conn c = new Conn();
      conns.add(c);
      c.connect();
    }
  }

  /**
   * One simulated browser on one keep-alive connection. Sharable: after a close it is added to the pipeline of its
   * next connection, which can happen before Netty has taken it out of the closed channel's pipeline (it is on one
   * open channel at a time).
   */
  @io.netty.channel.ChannelHandler.Sharable
  private final class Conn extends SimpleChannelInboundHandler<FullHttpResponse> {
    private Channel channel;
    private String cookie;
    private long sentNanos;
    private boolean inFlight;

    void connect() {
      if (!running) {
        return;
      }
      bootstrap.connect(target).addListener(f -> {
        if (!f.isSuccess()) {
          bootstrap.config().group().schedule(this::connect, 10, TimeUnit.MILLISECONDS);
          return;
        }
        Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
        channel = ch;
        ch.pipeline().addLast(this);
        ch.closeFuture().addListener(x -> closed());
        send();
      });
    }

    private void closed() {
      if (inFlight) {
        inFlight = false;
        failed.incrementAndGet();
        if (failures.size() < 20) {
          failures.add("connection closed with a request in flight");
        }
      }
      channel = null;
      if (running) {
        bootstrap.config().group().schedule(this::connect, 1, TimeUnit.MILLISECONDS);
      }
    }

    private void send() {
      Channel ch = channel;
      if (!running || ch == null || !ch.isActive()) {
        return;
      }
      FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      r.headers().set(HttpHeaderNames.HOST, "veza.test");
      if (cookie != null) {
        r.headers().set(HttpHeaderNames.COOKIE, cookie);
      }
      inFlight = true;
      sentNanos = System.nanoTime();
      ch.writeAndFlush(r);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      long latency = System.nanoTime() - sentNanos;
      inFlight = false;
      recorder.recordValue(Math.min(latency, HIGHEST));
      if (response.status().code() == 200) {
        ok.incrementAndGet();
      } else {
        failed.incrementAndGet();
        if (failures.size() < 20) {
          failures.add("status " + response.status());
        }
      }
      for (String sc : response.headers().getAll(HttpHeaderNames.SET_COOKIE)) {
        if (sc.startsWith("SERVERID=")) {
          int semi = sc.indexOf(';');
          cookie = semi < 0 ? sc : sc.substring(0, semi);
        }
      }
      send();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Stops sending; requests in flight complete or are dropped with their connections. */
  @Override
  public void close() {
    running = false;
    for (Conn c : conns) {
      Channel ch = c.channel;
      if (ch != null) {
        ch.eventLoop().execute(() -> {
          c.inFlight = false; // stopped by us: not a failure
          ch.close();
        });
      }
    }
  }
}
