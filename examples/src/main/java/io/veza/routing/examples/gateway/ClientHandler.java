package io.veza.routing.examples.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.veza.routing.BackendPool;
import io.veza.routing.RequestEdits;
import io.veza.routing.ResponseEdits;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: requests are handled one at a time (pipelined ones wait in order), each as an
 * {@link Exchange} that routes, forwards, retries and answers. Everything runs on the connection's event loop.
 */
final class ClientHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String CODEC = "codec";
  static final String AGGREGATOR = "aggregator";
  static final String NAME = "gateway";

  /** Hop-by-hop headers (RFC 9110 7.6.1) a proxy must not forward. */
  private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
      HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
      HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);
  /** How often one exchange may find a reused keep-alive connection already closed before trying a fresh one. */
  private static final int MAX_STALE_RETRIES = IdleConnections.MAX_IDLE_PER_SERVER + 1;

  private final Gateway gateway;
  private final NettyRequestView view = new NettyRequestView();
  private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange inFlight;

  ClientHandler(Gateway gateway) {
    super(false);
    this.gateway = gateway;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (inFlight != null) {
      queued.addLast(request); // HTTP/1.1 pipelining: answer in order
      return;
    }
    start(request);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (inFlight != null) {
      inFlight.abandon();
    }
    for (FullHttpRequest r = queued.poll(); r != null; r = queued.poll()) {
      r.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void start(FullHttpRequest request) {
    gateway.stats.requests.increment();
    if (!request.decoderResult().isSuccess()) {
      request.release();
      reply(false, simple(HttpResponseStatus.BAD_REQUEST, "malformed request\n"));
      return;
    }
    Gateway.Route route = gateway.route(request.uri());
    if (route == null) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      request.release();
      reply(keepAlive, simple(HttpResponseStatus.NOT_FOUND, "no route for " + request.uri() + "\n"));
      return;
    }
    // 1. adapt the Netty request (no copy) and ask the pool
    view.reset(request, (InetSocketAddress) ctx.channel().remoteAddress());
    inFlight = new Exchange(request, route.pool());
    inFlight.dispatch(route.pool().route(view));
  }

  private void reply(boolean keepAlive, FullHttpResponse response) {
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    written.addListener(f -> next());
  }

  private void next() {
    if (inFlight == null && ctx.channel().isActive()) {
      FullHttpRequest request = queued.poll();
      if (request != null) {
        start(request);
      }
    }
  }

  static FullHttpResponse simple(HttpResponseStatus status, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    return response;
  }

  static boolean isWebSocketUpgrade(HttpHeaders headers) {
    return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** Idempotent methods (RFC 9110 9.2.2) may be sent again after a connection was lost mid-exchange. */
  static boolean idempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }

  /** One request from routing to the response written to the client. */
  private final class Exchange implements BackendHandler.Callback {
    private final FullHttpRequest request;
    private final BackendPool pool;
    private final boolean upgrade;
    private final boolean keepAlive;
    private RouteDecision decision;
    private Channel backend;
    private boolean reused;
    private int retries;
    private int staleRetries;
    private ScheduledFuture<?> timeout;
    private boolean done;

    Exchange(FullHttpRequest request, BackendPool pool) {
      this.request = request;
      this.pool = pool;
      this.upgrade = isWebSocketUpgrade(request.headers());
      this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    /** 2. connect to the decision's server: a parked keep-alive connection if there is one, else a new one. */
    void dispatch(RouteDecision d) {
      decision = d;
      Server server = d.server();
      if (server == null) { // NO_SERVER
        gateway.stats.noServer.increment();
        finish(simple(HttpResponseStatus.SERVICE_UNAVAILABLE, "no server available\n"));
        return;
      }
      if (!upgrade) {
        Channel idle = gateway.idle(ctx.channel().eventLoop()).poll(server.address());
        if (idle != null) {
          reused = true;
          send(idle);
          return;
        }
      }
      reused = false;
      ChannelFuture connect = gateway.connect(ctx.channel().eventLoop(), server.address());
      connect.addListener(f -> {
        if (done) {
          connect.channel().close();
        } else if (f.isSuccess()) {
          pool.reportConnected(server); // passive observation: layer 4 success
          send(connect.channel());
        } else {
          connectFailed(server);
        }
      });
    }

    /** 3. option redispatch: report the failure, then let the pool pick another server (bounded by retries). */
    private void connectFailed(Server server) {
      gateway.stats.connectFailures.increment();
      pool.reportConnectFailure(server);
      redispatch();
    }

    private void redispatch() {
      // the pool owns retries N and option redispatch: it says where the next attempt goes, or that none is left
      RouteDecision next = pool.retry(view, decision, ++retries);
      if (next == null) {
        gateway.stats.noServer.increment();
        finish(simple(HttpResponseStatus.SERVICE_UNAVAILABLE, "no server could take the request\n"));
        return;
      }
      if (next.server() != decision.server()) {
        gateway.stats.redispatches.increment();
      }
      dispatch(next);
    }

    private void send(Channel ch) {
      backend = ch;
      ch.pipeline().get(BackendHandler.class).bind(this);
      timeout = ctx.executor().schedule(this::timedOut, gateway.responseTimeoutNanos(), TimeUnit.NANOSECONDS);
      ch.writeAndFlush(outbound()).addListener(f -> {
        if (!f.isSuccess()) {
          ch.close(); // reported by onBackendClosed
        }
      });
    }

    /** The request as forwarded: hop-by-hop headers dropped, cookies rewritten as the decision says. */
    private FullHttpRequest outbound() {
      FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
          request.content().retainedDuplicate());
      HttpHeaders headers = out.headers().set(request.headers());
      for (CharSequence name : HOP_BY_HOP) {
        headers.remove(name);
      }
      if (upgrade) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
            .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      }
      HttpUtil.setContentLength(out, out.content().readableBytes());
      // request phase: HAProxy's Cookie edits (indirect: the backend never sees the persistence cookie)
      RequestEdits edits = pool.editRequest(decision, view);
      if (edits.replacesCookies()) {
        headers.remove(HttpHeaderNames.COOKIE);
        for (String cookie : edits.cookieHeaders()) {
          headers.add(HttpHeaderNames.COOKIE, cookie);
        }
      }
      InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
      String forwarded = headers.get("X-Forwarded-For");
      String ip = client.getAddress().getHostAddress();
      headers.set("X-Forwarded-For", forwarded == null ? ip : forwarded + ", " + ip);
      return out;
    }

    /** 4. the backend answered: report it (layer 7), then apply the decision's response cookie actions. */
    @Override
    public void onResponse(FullHttpResponse response) {
      cancelTimeout();
      Server server = decision.server();
      pool.reportResponse(server, response.status().code());
      if (upgrade && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgradeToWebSocket(response);
        return;
      }
      boolean backendKeepAlive = HttpUtil.isKeepAlive(response);
      FullHttpResponse toClient = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
          response.content());
      copyResponseHeaders(response.status().code(), response.headers(), toClient.headers());
      HttpUtil.setContentLength(toClient, toClient.content().readableBytes());
      Channel ch = backend;
      backend = null;
      if (backendKeepAlive && !upgrade) {
        gateway.idle(ctx.channel().eventLoop()).offer(server.address(), ch);
      } else {
        ch.close();
      }
      finish(toClient);
    }

    /**
     * Response phase: the pool says what HAProxy would change (the backend's Set-Cookie headers rewritten or
     * dropped, the persistence cookie inserted, Cache-Control: private under nocache when the response is
     * cacheable); the rest of the headers pass, hop-by-hop ones excepted.
     */
    private void copyResponseHeaders(int status, HttpHeaders from, HttpHeaders to) {
      ResponseEdits edits = pool.editResponse(decision, new NettyResponseView(status, from));
      for (var header : from) {
        String name = header.getKey();
        if (edits.replacesSetCookies() && HttpHeaderNames.SET_COOKIE.contentEqualsIgnoreCase(name)) {
          continue;
        }
        if (!isHopByHop(name) && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
          to.add(name, header.getValue());
        }
      }
      for (String setCookie : edits.setCookies()) {
        to.add(HttpHeaderNames.SET_COOKIE, setCookie);
      }
      if (edits.cacheControl() != null) {
        to.add(HttpHeaderNames.CACHE_CONTROL, edits.cacheControl());
      }
    }

    private boolean isHopByHop(String name) {
      for (CharSequence h : HOP_BY_HOP) {
        if (h.toString().equalsIgnoreCase(name)) {
          return true;
        }
      }
      return false;
    }

    /**
     * 5. WebSocket: relay the 101 (with the decision's cookie), switch both pipelines to frame codecs, and register
     * the session with the pool so it is closed when its server is marked DOWN.
     */
    private void upgradeToWebSocket(FullHttpResponse backendResponse) {
      Channel client = ctx.channel();
      Channel be = backend;
      backend = null;
      done = true;
      request.release();
      inFlight = null;
      FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
      copyResponseHeaders(101, backendResponse.headers(), switching.headers());
      switching.headers()
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
          .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      backendResponse.release();

      Server server = decision.server();
      WebSocketRelay relay = new WebSocketRelay(client, be, server.id(), gateway.stats);
      // client side first, so that frames the backend sends right after its 101 find the client ready
      ChannelPipeline cp = client.pipeline();
      cp.remove(AGGREGATOR);
      cp.addBefore(CODEC, "ws-decoder", new WebSocket13FrameDecoder(true, true, Gateway.MAX_FRAME));
      cp.addBefore(CODEC, "ws-encoder", new WebSocket13FrameEncoder(false));
      cp.replace(ClientHandler.this, "relay", relay.clientSide());
      client.writeAndFlush(switching).addListener(f -> {
        if (client.pipeline().get(CODEC) != null) {
          client.pipeline().remove(CODEC);
        }
      });
      ChannelPipeline bp = be.pipeline();
      bp.addAfter(BackendHandler.CODEC, "ws-decoder", new WebSocket13FrameDecoder(false, true, Gateway.MAX_FRAME));
      bp.addAfter("ws-decoder", "ws-encoder", new WebSocket13FrameEncoder(true));
      bp.replace(BackendHandler.NAME, "relay", relay.backendSide());
      bp.remove(BackendHandler.AGGREGATOR);
      bp.remove(BackendHandler.BYTES_SEEN);
      bp.remove(BackendHandler.CODEC); // bytes it already holds (frames sent right after the 101) go to ws-decoder
      gateway.stats.webSocketSessions.increment();
      relay.registered(pool.registerSession(server, relay::shutDownByPool));
      for (FullHttpRequest r = queued.poll(); r != null; r = queued.poll()) {
        r.release(); // nothing may follow an upgrade on this connection
      }
    }

    /** The backend connection closed before a complete response. */
    @Override
    public void onBackendClosed(boolean bytesSeen) {
      cancelTimeout();
      backend = null;
      if (done) {
        return;
      }
      if (reused && !bytesSeen && staleRetries < MAX_STALE_RETRIES) {
        // a parked keep-alive connection the server had already closed: not the server's fault, try a fresh one
        staleRetries++;
        gateway.stats.staleConnectionRetries.increment();
        dispatch(decision);
        return;
      }
      gateway.stats.transportErrors.increment();
      pool.reportTransportError(decision.server()); // observe layer7: closed by the server before a response
      if (!bytesSeen && idempotent(request.method())) {
        redispatch(); // nothing came back and the request may be repeated: send it elsewhere
      } else {
        gateway.stats.badGateway.increment();
        finish(simple(HttpResponseStatus.BAD_GATEWAY, "connection to " + decision.server().id() + " lost\n"));
      }
    }

    private void timedOut() {
      timeout = null;
      if (done || backend == null) {
        return;
      }
      Channel ch = backend;
      backend = null;
      ch.pipeline().get(BackendHandler.class).unbind();
      ch.close();
      pool.reportTransportError(decision.server()); // observe layer7: a read timeout
      gateway.stats.gatewayTimeout.increment();
      finish(simple(HttpResponseStatus.GATEWAY_TIMEOUT, decision.server().id() + " did not answer in time\n"));
    }

    private void cancelTimeout() {
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
    }

    private void finish(FullHttpResponse response) {
      if (done) {
        response.release();
        return;
      }
      done = true;
      cancelTimeout();
      request.release();
      inFlight = null;
      reply(keepAlive && !upgrade, response);
    }

    /** The client went away mid-exchange. */
    void abandon() {
      if (done) {
        return;
      }
      done = true;
      cancelTimeout();
      request.release();
      inFlight = null;
      if (backend != null) {
        backend.pipeline().get(BackendHandler.class).unbind();
        backend.close();
        backend = null;
      }
    }
  }
}
