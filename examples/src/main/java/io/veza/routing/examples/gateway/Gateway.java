package io.veza.routing.examples.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.veza.routing.BackendPool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 and WebSocket reverse proxy on Netty that takes every routing decision from Veza Routing
 * {@link BackendPool}s: one pool per path prefix (for the Veza platform {@code /api/} and {@code /ws} to the
 * {@code backend-api} pool, {@code /hls/} to the {@code stream-server} pool).
 *
 * <p>Per request ({@link ClientHandler}): adapt the Netty request to a {@link io.veza.routing.RequestView}, call
 * {@link BackendPool#route}, apply the decision's request-cookie rewrite ({@code indirect}), forward over a
 * keep-alive backend connection, report the outcome ({@code reportConnected} / {@code reportConnectFailure} /
 * {@code reportResponse}), retry a failed connect on the server {@link BackendPool#retry} picks
 * ({@code option redispatch}, at most {@code retries} times), and apply the response-cookie actions
 * ({@code Set-Cookie} insert, {@code Cache-Control: private}, backend {@code Set-Cookie} rewrite).
 * A WebSocket upgrade is forwarded the same way; after the backend's 101 the two connections are joined by a
 * frame-level relay that is registered with {@link BackendPool#registerSession} so that the pool can close it
 * when its server is marked DOWN ({@code on-marked-down shutdown-sessions}).
 *
 * <p>Threading: every backend connection lives on its client connection's event loop, so an exchange never
 * crosses threads and needs no lock. Routing calls are lock-free in the library.
 */
public final class Gateway implements AutoCloseable {
  static final int MAX_CONTENT = 1 << 20;
  static final int MAX_FRAME = 1 << 20;

  /** A path prefix and the pool that serves it. */
  public record Route(String pathPrefix, BackendPool pool) {
    public Route {
      Objects.requireNonNull(pathPrefix, "pathPrefix");
      Objects.requireNonNull(pool, "pool");
      if (!pathPrefix.startsWith("/")) {
        throw new IllegalArgumentException("route pathPrefix must start with '/', was \"" + pathPrefix + '"');
      }
    }
  }

  private final List<Route> routes;
  private final InetAddress bindAddress;
  private final int port;
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final int retries;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Bootstrap backendBootstrap;
  private final Map<EventLoop, IdleConnections> idle = new ConcurrentHashMap<>();
  final GatewayStats stats = new GatewayStats();
  private Channel listener;

  private Gateway(Builder b) {
    this.routes = List.copyOf(b.routes);
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.retries = b.retries;
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(b.threads, NioIoHandler.newFactory()) : b.group;
    this.backendBootstrap = new Bootstrap()
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(BackendHandler.BYTES_SEEN, new BackendHandler.BytesSeen())
                .addLast(BackendHandler.CODEC, new HttpClientCodec())
                .addLast(BackendHandler.AGGREGATOR, new HttpObjectAggregator(MAX_CONTENT))
                .addLast(BackendHandler.NAME, new BackendHandler());
          }
        });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the listening socket. */
  public Gateway start() throws InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            stats.clientConnections.increment();
            ch.pipeline()
                .addLast(ClientHandler.CODEC, new HttpServerCodec())
                .addLast(ClientHandler.AGGREGATOR, new HttpObjectAggregator(MAX_CONTENT))
                .addLast(ClientHandler.NAME, new ClientHandler(Gateway.this));
          }
        });
    listener = bootstrap.bind(bindAddress, port).sync().channel();
    return this;
  }

  /** The address the gateway listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Counters since start. */
  public GatewayStats.Snapshot stats() {
    return stats.snapshot();
  }

  /** The route whose prefix matches the request-target's path first, in declaration order, or null. */
  Route route(String uri) {
    for (Route r : routes) {
      if (uri.startsWith(r.pathPrefix())) {
        return r;
      }
    }
    return null;
  }

  int retries() {
    return retries;
  }

  long responseTimeoutNanos() {
    return responseTimeout.toNanos();
  }

  /** Opens a backend connection on the caller's event loop, so the whole exchange stays on one thread. */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address) {
    return backendBootstrap.clone(loop).connect(address);
  }

  /** The idle keep-alive backend connections of one event loop (only used on that loop). */
  IdleConnections idle(EventLoop loop) {
    return idle.computeIfAbsent(loop, l -> new IdleConnections());
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration responseTimeout = Duration.ofSeconds(10);
    private int retries = 3;
    private EventLoopGroup group;
    private int threads = 2;

    private Builder() {}

    /** Requests whose path starts with {@code pathPrefix} go to {@code pool} (first match in declaration order). */
    public Builder route(String pathPrefix, BackendPool pool) {
      routes.add(new Route(pathPrefix, pool));
      return this;
    }

    /** Listening address (default 127.0.0.1). */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "bindAddress");
      return this;
    }

    /** Listening port, 0 (default) for an ephemeral one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /** HAProxy {@code timeout connect} (default 1 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** HAProxy {@code timeout server}: longest wait for a response (default 10 s); 504 after it. */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive("responseTimeout", timeout);
      return this;
    }

    /** HAProxy {@code retries} (default 3): connection attempts after the first one; each goes through retry(). */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be >= 0, was " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** Runs on the caller's event loops (not shut down by close()); by default the gateway owns its own. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "eventLoopGroup");
      return this;
    }

    /** Threads of the owned event loop group (default 2). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be > 0, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Gateway build() {
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("routes must not be empty, was []");
      }
      return new Gateway(this);
    }

    private static Duration positive(String field, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be > 0, was " + d);
      }
      return d;
    }
  }
}
