package io.veza.routing.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
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
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 and WebSocket reverse proxy on Netty that takes every routing decision from Veza Routing
 * {@link BackendPool}s, one pool per path prefix. What it does per request, in order:
 *
 * <ol>
 *   <li>rejects what must not be forwarded (400): a malformed request, a request-target with a control character,
 *       a space, a {@code '#'} or a non-ASCII byte, a malformed percent-encoding in the path, an HTTP/1.1 request
 *       without exactly one {@code Host};
 *   <li>normalises the request-target ({@link RequestTarget}: absolute form to origin form, unreserved
 *       percent-decoding, dot-segment removal) and picks the route by the normalised path (404 when none);
 *   <li>routes it ({@link BackendPool#route}) with a zero-copy {@link NettyRequestView};
 *   <li>edits the request: hop-by-hop headers dropped (RFC 9110 7.6.1, and those named by {@code Connection}),
 *       {@code X-Forwarded-For} added (HAProxy {@code option forwardfor}: one more header), the request phase
 *       ({@link RoutingPhases#applyRequestPhase}: {@code indirect} and unambiguous cookies);
 *   <li>sends it over a parked keep-alive connection to the server, or a new one (HAProxy {@code http-reuse safe});
 *       the body streams through, and is kept (up to {@link Builder#maxRetryBuffer}) only so that it can be sent
 *       again;
 *   <li>on a failed connect reports it and asks {@link BackendPool#retry} where to go next (HAProxy
 *       {@code retries} and {@code option redispatch}); a parked connection found closed before any response byte
 *       is retried on a fresh one without blaming the server; a connection lost before any response byte is
 *       reported as a transport error and, for an idempotent request whose body is still held, retried (HAProxy
 *       {@code retry-on conn-failure empty-response}); no answer within the response timeout: 504;
 *   <li>streams the response back after the response phase ({@link RoutingPhases#applyResponsePhase}:
 *       {@code Set-Cookie}, {@code Cache-Control}) and reports its status ({@link BackendPool#reportResponse});
 *   <li>for a WebSocket upgrade answered 101: joins both connections with a frame-level relay registered with
 *       {@link BackendPool#registerSession}, so the pool can close it (close 1001) when its server goes DOWN, to
 *       MAINT or leaves the pool.
 * </ol>
 *
 * <p>Threading: a backend connection is opened on its client connection's event loop and parked there, so an
 * exchange never changes threads and the proxy takes no lock; pools are shared by every event loop. Native epoll is
 * used when available.
 */
public final class RoutingProxy implements AutoCloseable {

  /** A path prefix and the pool that serves it. */
  static final class Route {
    final String pathPrefix;
    final BackendPool pool;
    final boolean strictCookies;

    Route(String pathPrefix, BackendPool pool) {
      this.pathPrefix = pathPrefix;
      this.pool = pool;
      this.strictCookies = pool.cookie().isPresent();
    }
  }

  private final Route[] routes;
  private final InetAddress bindAddress;
  private final int port;
  final long connectTimeoutNanos;
  final long responseTimeoutNanos;
  final long idleTimeoutNanos;
  final int maxRetryBuffer;
  final int maxFrame;
  final boolean strictCookies;
  private final int maxIdlePerServer;
  private final int maxHeaderSize;
  private final @Nullable SslContext sslContext;
  private final Transport transport;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Bootstrap backendBootstrap;
  private final Map<EventLoop, BackendConnections> parked = new ConcurrentHashMap<>();
  final ProxyStats stats = new ProxyStats();
  private @Nullable Channel listener;

  private RoutingProxy(Builder b) {
    this.routes = b.routes.toArray(new Route[0]);
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.connectTimeoutNanos = b.connectTimeout.toNanos();
    this.responseTimeoutNanos = b.responseTimeout.toNanos();
    this.idleTimeoutNanos = b.idleTimeout.toNanos();
    this.maxRetryBuffer = b.maxRetryBuffer;
    this.maxFrame = b.maxFrame;
    this.strictCookies = b.strictCookies;
    this.maxIdlePerServer = b.maxIdlePerServer;
    this.maxHeaderSize = b.maxHeaderSize;
    this.sslContext = b.sslContext;
    this.ownsGroup = b.group == null;
    if (b.group == null) {
      this.transport = Transport.best(b.nativeTransport);
      this.group = new MultiThreadIoEventLoopGroup(b.threads, transport.ioHandlerFactory());
    } else {
      this.group = b.group;
      this.transport = b.group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)
          ? Transport.EPOLL : Transport.NIO;
    }
    long tick = Math.min(responseTimeoutNanos, idleTimeoutNanos);
    this.backendBootstrap = new Bootstrap()
        .channel(transport.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, b.connectTimeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            BackendConnection c = new BackendConnection(ch, tick, stats);
            ch.pipeline()
                .addLast(BackendConnection.HEAD, c.head)
                .addLast(BackendConnection.CODEC, new HttpClientCodec(8192, maxHeaderSize, 8192))
                .addLast(BackendConnection.NAME, c);
          }
        });
  }

  /**
   * A builder with HAProxy-like defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the listening socket.
   *
   * @return this proxy
   * @throws InterruptedException if interrupted while binding
   */
  public RoutingProxy start() throws InterruptedException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            stats.clientConnections.increment();
            if (sslContext != null) {
              ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
            }
            ch.pipeline()
                .addLast(ClientConnection.CODEC, new HttpServerCodec(8192, maxHeaderSize, 8192))
                .addLast(ClientConnection.NAME, new ClientConnection(RoutingProxy.this));
          }
        });
    listener = bootstrap.bind(bindAddress, port).sync().channel();
    return this;
  }

  /**
   * The address the proxy listens on.
   *
   * @return the bound address
   * @throws IllegalStateException before {@link #start()}
   */
  public InetSocketAddress address() {
    Channel l = listener;
    if (l == null) {
      throw new IllegalStateException("proxy not started");
    }
    return (InetSocketAddress) l.localAddress();
  }

  /**
   * Counters since start.
   *
   * @return a snapshot
   */
  public ProxyStats.Snapshot stats() {
    return stats.snapshot();
  }

  /**
   * Whether the proxy runs on native epoll (else NIO).
   *
   * @return true on epoll
   */
  public boolean nativeTransport() {
    return transport == Transport.EPOLL;
  }

  /** The first route whose prefix the normalised path starts with, in declaration order, or null. */
  @Nullable Route route(RequestTarget target) {
    for (Route r : routes) {
      if (target.pathStartsWith(r.pathPrefix)) {
        return r;
      }
    }
    return null;
  }

  /** Opens a backend connection on the caller's event loop, so the whole exchange stays on one thread. */
  ChannelFuture connect(EventLoop loop, InetSocketAddress address) {
    return backendBootstrap.clone(loop).connect(address);
  }

  /** The parked backend connections of one event loop (only used on that loop). */
  BackendConnections parked(EventLoop loop) {
    return parked.computeIfAbsent(loop, l -> new BackendConnections(maxIdlePerServer, idleTimeoutNanos));
  }

  /** Parked keep-alive backend connections right now, summed over event loops (for tests; reads loop state). */
  int parkedConnections() {
    int n = 0;
    for (var e : parked.entrySet()) {
      try {
        n += e.getKey().submit(e.getValue()::parked).get(5, TimeUnit.SECONDS);
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }
    return n;
  }

  /** Closes the listening socket, and the event loops when the proxy owns them. */
  @Override
  public void close() {
    Channel l = listener;
    if (l != null) {
      l.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
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
    private Duration idleTimeout = Duration.ofSeconds(5);
    private int maxRetryBuffer = 64 * 1024;
    private int maxFrame = 1 << 20;
    private int maxIdlePerServer = 1024;
    private int maxHeaderSize = 32 * 1024;
    private boolean strictCookies = true;
    private boolean nativeTransport = true;
    private @Nullable SslContext sslContext;
    private @Nullable EventLoopGroup group;
    private int threads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * Requests whose normalised path starts with {@code pathPrefix} go to {@code pool} (first match in declaration
     * order).
     *
     * @param pathPrefix a path prefix starting with {@code '/'}
     * @param pool the pool that routes the matching requests
     * @return this builder
     * @throws IllegalArgumentException if the prefix does not start with {@code '/'}
     */
    public Builder route(String pathPrefix, BackendPool pool) {
      Objects.requireNonNull(pathPrefix, "pathPrefix");
      Objects.requireNonNull(pool, "pool");
      if (!pathPrefix.startsWith("/")) {
        throw new IllegalArgumentException("route pathPrefix must start with '/', was \"" + pathPrefix + '"');
      }
      routes.add(new Route(pathPrefix, pool));
      return this;
    }

    /**
     * Listening address (default the loopback address).
     *
     * @param address the local address to accept client connections on, for example the wildcard address
     * @return this builder
     */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "bindAddress");
      return this;
    }

    /**
     * Listening port, 0 (default) for an ephemeral one.
     *
     * @param port the local TCP port to listen on, or 0 for one the system picks
     * @return this builder
     * @throws IllegalArgumentException outside [0, 65535]
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * HAProxy {@code timeout connect} (default 1 s).
     *
     * @param timeout how long a connection to a backend server may take to open before it counts as a connect
     *     failure (then retried or redispatched), &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * HAProxy {@code timeout server}: the longest wait for a response head (default 10 s); 504 after it.
     *
     * @param timeout the longest wait for a backend's response head once the request is sent, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive("responseTimeout", timeout);
      return this;
    }

    /**
     * How long a parked keep-alive backend connection waits for reuse before it is closed (default 5 s, HAProxy's
     * {@code pool-purge-delay}). Keep it below the backends' own keep-alive timeout.
     *
     * @param timeout how long an idle backend connection is kept for reuse, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive("idleTimeout", timeout);
      return this;
    }

    /**
     * The most request-body bytes kept so that a request can be sent again after a failure (default 64 KiB): a
     * larger body streams through once and its request is not retried once sent. A body is held whole until the
     * first connection is established, reading paused past this bound.
     *
     * @param bytes the bound, at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetryBuffer(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxRetryBuffer must be >= 0, was " + bytes);
      }
      this.maxRetryBuffer = bytes;
      return this;
    }

    /**
     * Largest WebSocket frame relayed (default 1 MiB).
     *
     * @param bytes the largest frame payload, in bytes, relayed in either direction, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxFrame(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxFrame must be > 0, was " + bytes);
      }
      this.maxFrame = bytes;
      return this;
    }

    /**
     * Most parked keep-alive connections per backend server and event loop (default 1024; more are closed).
     *
     * @param max how many idle connections to one server each event loop keeps, &gt;= 0 (0: no reuse)
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxIdlePerServer(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxIdlePerServer must be >= 0, was " + max);
      }
      this.maxIdlePerServer = max;
      return this;
    }

    /**
     * Largest header block accepted from a client or a backend (default 32 KiB); a larger request is answered 400.
     *
     * @param bytes the largest request or response head, in bytes, at least 1024
     * @return this builder
     * @throws IllegalArgumentException if below 1024
     */
    public Builder maxHeaderSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxHeaderSize must be >= 1024, was " + bytes);
      }
      this.maxHeaderSize = bytes;
      return this;
    }

    /**
     * Terminates TLS with this context (e.g. {@link TlsProfiles#mozillaIntermediate}); default plain HTTP.
     *
     * @param context a server context
     * @return this builder
     * @throws IllegalArgumentException if it is a client context
     */
    public Builder tls(SslContext context) {
      Objects.requireNonNull(context, "tls");
      if (!context.isServer()) {
        throw new IllegalArgumentException("tls must be a server SslContext, was a client context");
      }
      this.sslContext = context;
      return this;
    }

    /**
     * Whether, for pools with a persistence cookie, only unambiguous cookie-pairs are forwarded (default true; see
     * {@link RoutingPhases}). False forwards the pool's {@code editRequest} result as it is, as HAProxy does.
     *
     * @param strict whether to drop ambiguous cookie-pairs
     * @return this builder
     */
    public Builder strictCookies(boolean strict) {
      this.strictCookies = strict;
      return this;
    }

    /**
     * Whether native epoll may be used where available (default true); false forces NIO.
     *
     * @param allowed whether to use it
     * @return this builder
     */
    public Builder nativeTransport(boolean allowed) {
      this.nativeTransport = allowed;
      return this;
    }

    /**
     * Runs on the caller's event loops (not shut down by {@link #close()}); by default the proxy owns its own.
     *
     * @param group the event loops that accept and serve client and backend connections; the caller shuts it down
     * @return this builder
     */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "eventLoopGroup");
      return this;
    }

    /**
     * Threads of the owned event loop group (default: the available processors, so one per core the process may
     * run on).
     *
     * @param threads how many event loop threads the proxy creates, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be > 0, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Builds the proxy (not started).
     *
     * @return a new proxy that listens once it is started
     * @throws IllegalArgumentException without routes
     */
    public RoutingProxy build() {
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("routes must not be empty, was []");
      }
      return new RoutingProxy(this);
    }

    private static Duration positive(String field, @Nullable Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be > 0, was " + d);
      }
      return d;
    }
  }
}
