package io.veza.routing.examples.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that loses no message across a failover: at-least-once delivery plus de-duplication by
 * message id, which together give each message exactly one answer.
 *
 * <ul>
 *   <li>Every message gets an id ({@code <browser>-<n>}) and stays <em>pending</em> until its {@code ack} arrives.
 *   <li>When the connection closes (the gateway closed it because the backend died or was marked DOWN), the client
 *       reconnects with its browser's cookies, stores the gateway's new {@code Set-Cookie} from the 101, and resends
 *       every pending message in order. Reconnects are bounded ({@value #MAX_RECONNECT_ATTEMPTS} attempts per
 *       outage, {@value #RECONNECT_DELAY_MS} ms apart).
 *   <li>Backends share no state, so a backend cannot know that a message was already answered by the dead one:
 *       de-duplication is the client's job. A second {@code ack} for an id that is no longer pending (the answer was
 *       produced twice because the first ack was in flight when the connection dropped) is counted and dropped, so
 *       the application sees each message answered exactly once.
 * </ul>
 *
 * <p>Thread-safety: state is guarded by {@code this}; Netty callbacks and callers synchronize on it.
 */
public final class ReliableWebSocket implements AutoCloseable {
  static final int MAX_RECONNECT_ATTEMPTS = 200;
  static final int RECONNECT_DELAY_MS = 25;

  /** The answer a message got: which backend, its sequence number there, and on which connection (1-based). */
  public record Ack(String messageId, String server, long sequence, int connection) {}

  /**
   * A connection that ended without the client asking for it.
   *
   * @param closeCode the close frame's status code, or -1 when the connection dropped without a close frame
   * @param server the backend that answered last on that connection, or null
   */
  public record Disconnect(long nanos, int closeCode, String reason, String server, int connection) {}

  private final BrowserClient browser;
  private final URI uri;
  private final EventLoopGroup group;

  private final LinkedHashMap<String, String> pending = new LinkedHashMap<>();
  private final Set<String> written = new HashSet<>();
  private final Map<String, Ack> acked = new LinkedHashMap<>();
  private final List<Disconnect> disconnects = new ArrayList<>();
  private final List<String> failedAttempts = new ArrayList<>();
  private Channel channel;
  private boolean open;
  private boolean closedByUser;
  private int connection;
  private int attemptsThisOutage;
  private int nextId;
  private long duplicateAcks;
  private long resent;
  private String lastServer;
  private int lastCloseCode = -1;
  private String lastCloseReason;

  ReliableWebSocket(BrowserClient browser, URI uri, EventLoopGroup group) {
    this.browser = browser;
    this.uri = uri;
    this.group = group;
  }

  /** Starts a connection attempt (if none is open or in progress) and waits until the socket is open. */
  void connect(Duration timeout) throws InterruptedException {
    synchronized (this) {
      closedByUser = false;
      if (channel == null) {
        attemptsThisOutage = 0;
      }
    }
    if (!isOpenOrConnecting()) {
      attempt();
    }
    if (!awaitOpen(timeout)) {
      throw new IllegalStateException(browser.name() + ": WebSocket not open after " + timeout
          + ", failed attempts: " + failedAttempts());
    }
  }

  private synchronized boolean isOpenOrConnecting() {
    return channel != null;
  }

  /** Queues a message and sends it now if the socket is open. Returns its id. */
  public synchronized String send(String payload) {
    String id = browser.name() + "-" + (++nextId);
    String text = "msg " + id + " " + payload;
    pending.put(id, text);
    if (open) {
      written.add(id);
      channel.writeAndFlush(new TextWebSocketFrame(text));
    }
    return id;
  }

  public synchronized boolean isOpen() {
    return open;
  }

  /** The backend that answered the last ack, or null. */
  public synchronized String lastServer() {
    return lastServer;
  }

  public synchronized int pendingCount() {
    return pending.size();
  }

  public synchronized int sentCount() {
    return nextId;
  }

  public synchronized Map<String, Ack> acks() {
    return Map.copyOf(acked);
  }

  public synchronized List<Disconnect> disconnects() {
    return List.copyOf(disconnects);
  }

  public synchronized List<String> failedAttempts() {
    return List.copyOf(failedAttempts);
  }

  /** Answers dropped because their message had already been answered. */
  public synchronized long duplicateAcks() {
    return duplicateAcks;
  }

  /** Messages written to a connection that closed before their answer came, then written again. */
  public synchronized long resent() {
    return resent;
  }

  public synchronized int connections() {
    return connection;
  }

  public synchronized boolean awaitOpen(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!open) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Waits until no message is pending and the socket is open. */
  public synchronized boolean awaitAllAcked(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty() || !open) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Waits until at least {@code count} unrequested disconnects happened. */
  public synchronized boolean awaitDisconnects(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (disconnects.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private void attempt() {
    String cookie = browser.cookieHeader(); // outside our lock: lock order is browser, then socket
    HttpHeaders headers = new DefaultHttpHeaders();
    if (cookie != null) {
      headers.set(HttpHeaderNames.COOKIE, cookie);
    }
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false, headers, 65536);
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                new Handler(handshaker));
          }
        });
    ChannelFuture connect;
    synchronized (this) {
      connect = bootstrap.connect(uri.getHost(), uri.getPort());
      channel = connect.channel();
    }
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        attemptFailed(connect.channel(), "connect: " + f.cause());
      }
    });
  }

  private void attemptFailed(Channel ch, String why) {
    synchronized (this) {
      if (channel != ch) {
        return;
      }
      failedAttempts.add(why);
      channel = null;
      open = false;
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    synchronized (this) {
      if (closedByUser || channel != null || attemptsThisOutage >= MAX_RECONNECT_ATTEMPTS) {
        notifyAll();
        return;
      }
      attemptsThisOutage++;
    }
    group.schedule(this::attempt, RECONNECT_DELAY_MS, TimeUnit.MILLISECONDS);
  }

  private void opened(Channel ch, List<String> setCookies) {
    for (String setCookie : setCookies) {
      browser.acceptSetCookie(setCookie); // before taking our lock (lock order)
    }
    synchronized (this) {
      if (channel != ch) {
        ch.close();
        return;
      }
      open = true;
      connection++;
      attemptsThisOutage = 0;
      lastCloseCode = -1;
      lastCloseReason = null;
      for (Map.Entry<String, String> message : pending.entrySet()) {
        if (!written.add(message.getKey())) {
          resent++;
        }
        ch.write(new TextWebSocketFrame(message.getValue()));
      }
      ch.flush();
      notifyAll();
    }
  }

  private synchronized void answered(String text) {
    // "ack <id> server=<server> seq=<n>"
    String[] parts = text.split(" ");
    if (parts.length != 4 || !parts[0].equals("ack")) {
      return;
    }
    String id = parts[1];
    String server = parts[2].substring("server=".length());
    long sequence = Long.parseLong(parts[3].substring("seq=".length()));
    lastServer = server;
    if (pending.remove(id) != null) {
      acked.put(id, new Ack(id, server, sequence, connection));
    } else {
      duplicateAcks++;
    }
    notifyAll();
  }

  private synchronized void closeFrame(int code, String reason) {
    lastCloseCode = code;
    lastCloseReason = reason;
  }

  private void inactive(Channel ch) {
    synchronized (this) {
      if (channel != ch) {
        return;
      }
      boolean wasOpen = open;
      channel = null;
      open = false;
      if (wasOpen && !closedByUser) {
        disconnects.add(new Disconnect(System.nanoTime(), lastCloseCode, lastCloseReason, lastServer, connection));
      }
      notifyAll();
    }
    scheduleReconnect();
  }

  @Override
  public void close() {
    Channel ch;
    synchronized (this) {
      closedByUser = true;
      ch = channel;
      notifyAll();
    }
    if (ch != null) {
      ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> ch.close());
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private final WebSocketClientHandshaker handshaker;

    Handler(WebSocketClientHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshaker.handshake(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!handshaker.isHandshakeComplete()) {
        attemptFailed(ctx.channel(), "connection closed during the handshake");
      } else {
        inactive(ctx.channel());
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (!handshaker.isHandshakeComplete()) {
        FullHttpResponse response = (FullHttpResponse) msg;
        List<String> setCookies = response.headers().getAll(HttpHeaderNames.SET_COOKIE);
        try {
          handshaker.finishHandshake(ctx.channel(), response);
        } catch (RuntimeException e) {
          attemptFailed(ctx.channel(), "handshake: " + response.status());
          ctx.close();
          return;
        }
        opened(ctx.channel(), setCookies);
        return;
      }
      WebSocketFrame frame = (WebSocketFrame) msg;
      if (frame instanceof TextWebSocketFrame text) {
        answered(text.text());
      } else if (frame instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (frame instanceof CloseWebSocketFrame close) {
        closeFrame(close.statusCode(), close.reasonText());
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
