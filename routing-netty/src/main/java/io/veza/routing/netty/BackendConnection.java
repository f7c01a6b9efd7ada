package io.veza.routing.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One backend connection: the last handler of its pipeline, which hands what the backend sends to the exchange bound
 * to it, and its one timer. Lives on the event loop of the client connection that opened it.
 *
 * <p>The timer: a connection has at most one deadline at a time (the response timeout while an exchange is bound, the
 * idle timeout while it is parked) and at most one scheduled task, which fires at most {@code tick} after it was
 * scheduled (the smaller of the two timeouts) and then either acts or re-arms for what is left. Every deadline is at
 * least {@code tick} away when set, so it is honoured exactly, and a busy keep-alive connection costs one scheduled
 * task per {@code tick}, not one per request.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter implements Runnable {
  static final String HEAD = "bytes";
  static final String CODEC = "codec";
  static final String NAME = "backend";

  final Channel channel;
  private final long tickNanos;
  private final ProxyStats stats;
  /** Sees raw bytes before the codec: tells a stale keep-alive connection (nothing came back) from a failure. */
  final ChannelInboundHandlerAdapter head = new ChannelInboundHandlerAdapter() {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      bytesSeen = true;
      ctx.fireChannelRead(msg);
    }
  };

  private @Nullable ClientConnection exchange;
  boolean bytesSeen;
  private long deadline;
  private boolean timerArmed;
  /** Where it is parked, or null while in use. */
  @Nullable ArrayDeque<BackendConnection> parkedIn;
  @Nullable InetSocketAddress address;

  BackendConnection(Channel channel, long tickNanos, ProxyStats stats) {
    this.channel = channel;
    this.tickNanos = tickNanos;
    this.stats = stats;
  }

  /** Binds the exchange that will send a request on this connection, with its response deadline. */
  void bind(ClientConnection exchange, long responseTimeoutNanos) {
    this.exchange = exchange;
    this.bytesSeen = false;
    this.parkedIn = null;
    arm(responseTimeoutNanos);
  }

  void unbind() {
    exchange = null;
    deadline = 0;
  }

  /** Sets the one deadline, {@code timeout} from now. */
  void arm(long timeoutNanos) {
    long now = System.nanoTime();
    deadline = now + timeoutNanos;
    if (deadline == 0) {
      deadline = 1;
    }
    if (!timerArmed) {
      timerArmed = true;
      channel.eventLoop().schedule(this, Math.min(tickNanos, timeoutNanos), TimeUnit.NANOSECONDS);
    }
  }

  /** The timer. */
  @Override
  public void run() {
    timerArmed = false;
    long d = deadline;
    if (d == 0 || !channel.isOpen()) {
      return;
    }
    long left = d - System.nanoTime();
    if (left > 0) {
      timerArmed = true;
      channel.eventLoop().schedule(this, Math.min(tickNanos, left), TimeUnit.NANOSECONDS);
      return;
    }
    deadline = 0;
    ClientConnection e = exchange;
    if (e != null) {
      e.onBackendTimeout(this);
    } else if (parkedIn != null) {
      stats.idleTimeouts.increment();
      unpark();
      channel.close();
    }
  }

  /** Takes it out of the idle list it is parked in (rare: a close or an idle timeout while parked). */
  void unpark() {
    ArrayDeque<BackendConnection> q = parkedIn;
    if (q != null) {
      parkedIn = null;
      q.remove(this);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ClientConnection e = exchange;
    if (e == null) {
      ReferenceCountUtil.release(msg);
      ctx.close(); // a response nobody asked for: the connection is out of sync
      return;
    }
    if (msg instanceof HttpResponse r) {
      e.onResponseHead(this, r);
      if (msg instanceof HttpContent c && exchange == e) {
        e.onResponseContent(this, c);
      }
    } else if (msg instanceof HttpContent c) {
      e.onResponseContent(this, c);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ClientConnection e = exchange;
    if (e != null) {
      e.flushClient();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ClientConnection e = exchange;
    if (e != null) {
      e.backendWritabilityChanged(this);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline = 0;
    unpark();
    ClientConnection e = exchange;
    exchange = null;
    if (e != null) {
      e.onBackendClosed(this, bytesSeen);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
