package io.veza.routing.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client connection and its current exchange (requests are served one at a time, in order; pipelined ones wait,
 * reading paused). The exchange state lives in this object and is reset per request, so a request allocates nothing
 * here on the common path. Everything runs on the connection's event loop.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  static final String CODEC = "codec";
  static final String NAME = "proxy";

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  /** Netty deprecates its own constant (RFC 9110 obsoletes the header), but a proxy must still drop it. */
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  /** Hop-by-hop headers (RFC 9110 7.6.1) a proxy must not forward (Transfer-Encoding is re-applied, so kept). */
  private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, KEEP_ALIVE,
      PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
      HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE};
  /** How often one exchange may find a parked connection already closed before counting it as a failure. */
  private static final int MAX_STALE_RETRIES = 8;

  private final RoutingProxy proxy;
  private final ProxyStats stats;
  private final NettyRequestView view = new NettyRequestView();
  private final NettyResponseView responseView = new NettyResponseView();
  private final RequestTarget target = new RequestTarget();
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private final List<HttpContent> body = new ArrayList<>(2);
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable BackendConnections backends;
  private @Nullable InetSocketAddress clientAddress;
  private @Nullable String clientIp;

  // ---- the current exchange (reset by done())
  private int generation;
  private boolean active;
  private @Nullable HttpRequest request;
  private RoutingProxy.@Nullable Route route;
  private @Nullable RouteDecision decision;
  private boolean keepAlive;
  private boolean http10;
  private boolean upgrade;
  private boolean idempotent;
  private boolean head;
  private boolean requestComplete;
  private boolean requestSent;
  private boolean responseStarted;
  private boolean interim;
  private boolean responseComplete;
  private boolean closeAfter;
  private boolean backendKeepAlive;
  private long bodyBytes;
  private boolean bodyOverflow;
  private @Nullable BackendConnection backend;
  private boolean reused;
  private int failures;
  private int staleRetries;
  private @Nullable HttpResponse pendingUpgrade;

  ClientConnection(RoutingProxy proxy) {
    this.proxy = proxy;
    this.stats = proxy.stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.backends = proxy.parked(ctx.channel().eventLoop());
    SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress a) {
      clientAddress = a;
      clientIp = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }
  }

  // ------------------------------------------------------------------------------------------ client side

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!queued.isEmpty() || (active && requestComplete)) {
      queued.addLast(msg); // HTTP/1.1 pipelining: answer in order
      ctx.channel().config().setAutoRead(false);
      return;
    }
    dispatchInbound(msg);
  }

  private void dispatchInbound(Object msg) {
    if (active) {
      if (msg instanceof HttpContent c) {
        requestContent(c);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpRequest r) {
      start(r);
      if (msg instanceof HttpContent c && active && !requestComplete) {
        requestContent(c);
      }
    } else {
      ReferenceCountUtil.release(msg); // content of a request already answered and closed
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    BackendConnection b = backend;
    if (b != null && requestSent) {
      b.channel.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    BackendConnection b = backend;
    if (b != null && responseStarted) {
      b.channel.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    abandon();
    for (Object m = queued.poll(); m != null; m = queued.poll()) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  void flushClient() {
    ChannelHandlerContext c = ctx;
    if (c != null) {
      c.flush();
    }
  }

  /** A request head: check, normalise, route, edit, dispatch. */
  private void start(HttpRequest r) {
    generation++;
    active = true;
    request = r;
    stats.requests.increment();
    requestComplete = false; // a request that is also its content (FullHttpRequest) completes in requestContent
    http10 = r.protocolVersion() == HttpVersion.HTTP_1_0;
    keepAlive = HttpUtil.isKeepAlive(r);
    HttpHeaders headers = r.headers();
    if (!r.decoderResult().isSuccess() || !target.parse(r.uri())) {
      stats.badRequests.increment();
      closeAfter = true; // the connection's framing can no longer be trusted
      localReply(HttpResponseStatus.BAD_REQUEST, "bad request\n");
      return;
    }
    String authority = target.authority();
    if (authority != null) {
      headers.set(HttpHeaderNames.HOST, authority); // RFC 9112 3.2.2: the target's authority replaces Host
    } else if (!http10 && !exactlyOne(headers, HttpHeaderNames.HOST)) {
      stats.badRequests.increment();
      closeAfter = true;
      localReply(HttpResponseStatus.BAD_REQUEST, "exactly one Host header is required\n");
      return;
    }
    RoutingProxy.Route rt = proxy.route(target);
    if (rt == null) {
      stats.notFound.increment();
      localReply(HttpResponseStatus.NOT_FOUND, "no route\n");
      return;
    }
    route = rt;
    String normalised = target.target();
    if (normalised != r.uri()) {
      r.setUri(normalised); // what is routed is what is forwarded
    }
    HttpMethod method = r.method();
    head = method == HttpMethod.HEAD;
    idempotent = idempotent(method);
    upgrade = isWebSocketUpgrade(headers);
    view.reset(r, normalised, clientAddress);
    BackendPool pool = rt.pool;
    RouteDecision d = pool.route(view);
    decision = d;
    // request edits: hop-by-hop headers, X-Forwarded-For, the request phase (indirect, unambiguous cookies)
    removeHopByHop(headers);
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
          .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }
    if (clientIp != null) {
      headers.add(X_FORWARDED_FOR, clientIp);
    }
    RoutingPhases.applyRequestPhase(pool, d, view, headers, rt.strictCookies && proxy.strictCookies);
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
    dispatch(d);
  }

  /** Request body, as it arrives. */
  private void requestContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (responseComplete) { // answered already (local reply): the rest of the request is dropped
      c.release();
      if (last) {
        requestComplete = true;
        done();
      }
      return;
    }
    if (last) {
      requestComplete = true;
    }
    int size = c.content().readableBytes();
    bodyBytes += size;
    BackendConnection b = backend;
    if (!requestSent || b == null) {
      body.add(c); // held until a connection is ready
      if (bodyBytes > proxy.maxRetryBuffer && ctx != null) {
        ctx.channel().config().setAutoRead(false); // resumed once sent
      }
      return;
    }
    if (!bodyOverflow && bodyBytes <= proxy.maxRetryBuffer) {
      body.add(c);
      b.channel.write(c.retainedDuplicate(), b.channel.voidPromise());
    } else {
      if (!bodyOverflow) {
        bodyOverflow = true;
        releaseBody();
      }
      b.channel.write(c, b.channel.voidPromise());
    }
    if (last) {
      b.channel.flush();
    }
    if (!b.channel.isWritable() && ctx != null) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  void backendWritabilityChanged(BackendConnection b) {
    if (b == backend && !responseStarted && ctx != null) {
      ctx.channel().config().setAutoRead(b.channel.isWritable());
    }
  }

  // ------------------------------------------------------------------------------------------ dispatch

  /** Connects to the decision's server: a parked keep-alive connection if there is one, else a new one. */
  private void dispatch(RouteDecision d) {
    decision = d;
    Server server = d.server();
    if (server == null) {
      stats.noServer.increment();
      localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no server available\n");
      return;
    }
    BackendConnections parked = backends;
    if (!upgrade && parked != null) {
      BackendConnection c = parked.poll(server.address());
      if (c != null) {
        reused = true;
        stats.reusedConnections.increment();
        send(c);
        return;
      }
    }
    reused = false;
    stats.backendConnects.increment();
    ChannelHandlerContext c = ctx;
    if (c == null) {
      return;
    }
    int g = generation;
    InetSocketAddress address = server.address();
    ChannelFuture connect = proxy.connect(c.channel().eventLoop(), address);
    connect.addListener((ChannelFutureListener) f -> connected(g, server, address, f));
  }

  private void connected(int g, Server server, InetSocketAddress address, ChannelFuture f) {
    if (g != generation || !active || responseComplete) {
      if (f.isSuccess()) {
        f.channel().close();
      }
      return;
    }
    if (!f.isSuccess()) {
      stats.connectFailures.increment();
      route().pool.reportConnectFailure(server);
      redispatch();
      return;
    }
    route().pool.reportConnected(server); // passive observation: layer 4 success
    BackendConnection c = (BackendConnection) f.channel().pipeline().last();
    c.address = address;
    send(c);
  }

  /** HAProxy retries and option redispatch: the pool says where the next attempt goes, or that none is left. */
  private void redispatch() {
    RouteDecision failed = decision();
    RouteDecision next = route().pool.retry(view, failed, ++failures);
    if (next == null) {
      stats.noServer.increment();
      localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no server could take the request\n");
      return;
    }
    if (next.server() != failed.server()) {
      stats.redispatches.increment();
    }
    dispatch(next);
  }

  private void send(BackendConnection c) {
    backend = c;
    c.bind(this, proxy.responseTimeoutNanos);
    Channel ch = c.channel;
    ch.write(request(), ch.voidPromise());
    for (int i = 0, n = body.size(); i < n; i++) {
      ch.write(body.get(i).retainedDuplicate(), ch.voidPromise());
    }
    ch.flush();
    requestSent = true;
    if (bodyBytes > proxy.maxRetryBuffer) {
      bodyOverflow = true;
      releaseBody(); // sent; too large to keep for a retry
    }
    ChannelHandlerContext cx = ctx;
    if (cx != null && !requestComplete && !cx.channel().config().isAutoRead() && queued.isEmpty()) {
      cx.channel().config().setAutoRead(true);
    }
  }

  // ------------------------------------------------------------------------------------------ backend side

  void onResponseHead(BackendConnection c, HttpResponse r) {
    if (c != backend) {
      ReferenceCountUtil.release(r);
      return;
    }
    int code = r.status().code();
    ChannelHandlerContext cx = ctx;
    if (cx == null) {
      return;
    }
    if (upgrade && code == 101) {
      pendingUpgrade = r; // switched when its (empty) last content follows
      responseStarted = true;
      return;
    }
    if (code >= 100 && code < 200) {
      interim = true; // 100 Continue, 103 Early Hints: forwarded, the final response follows
      removeHopByHop(r.headers());
      r.setProtocolVersion(HttpVersion.HTTP_1_1);
      cx.write(r, cx.voidPromise());
      return;
    }
    responseStarted = true;
    Server server = decision().server();
    BackendPool pool = route().pool;
    if (server != null) {
      pool.reportResponse(server, code);
    }
    backendKeepAlive = HttpUtil.isKeepAlive(r);
    HttpHeaders headers = r.headers();
    removeHopByHop(headers);
    RoutingPhases.applyResponsePhase(pool, decision(), responseView.reset(r), headers);
    responseView.clear();
    if (!head && code != 204 && code != 304 && !HttpUtil.isContentLengthSet(r)
        && !HttpUtil.isTransferEncodingChunked(r)) {
      // read until the backend closes: chunked toward an HTTP/1.1 client, close-delimited toward HTTP/1.0
      if (http10) {
        keepAlive = false;
      } else {
        HttpUtil.setTransferEncodingChunked(r, true);
      }
    }
    if (!requestComplete && hasBody(request())) {
      closeAfter = true; // answered before the whole request came: do not wait for the rest
    }
    if (!keepAlive || closeAfter) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    r.setProtocolVersion(HttpVersion.HTTP_1_1);
    cx.write(r, cx.voidPromise());
    if (!cx.channel().isWritable()) {
      c.channel.config().setAutoRead(false);
    }
  }

  void onResponseContent(BackendConnection c, HttpContent content) {
    if (c != backend) {
      content.release();
      return;
    }
    ChannelHandlerContext cx = ctx;
    if (cx == null) {
      content.release();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (pendingUpgrade != null) {
      content.release();
      if (last) {
        upgradeToWebSocket(c, pendingUpgrade);
      }
      return;
    }
    if (interim) {
      cx.write(content, cx.voidPromise());
      if (last) {
        interim = false;
      }
      return;
    }
    if (!last) {
      cx.write(content, cx.voidPromise());
      if (!cx.channel().isWritable()) {
        c.channel.config().setAutoRead(false); // resumed by channelWritabilityChanged
      }
      return;
    }
    // the response is complete: park or close the backend connection, then finish the exchange
    responseComplete = true;
    c.unbind();
    backend = null;
    c.channel.config().setAutoRead(true);
    if (backendKeepAlive && requestComplete && !upgrade && backends != null) {
      backends.park(c);
    } else {
      c.channel.close();
    }
    cx.writeAndFlush(content, cx.voidPromise());
    if (requestComplete || closeAfter) {
      done();
    }
  }

  /** The backend connection closed before the response was complete. */
  void onBackendClosed(BackendConnection c, boolean bytesSeen) {
    if (c != backend || !active) {
      return;
    }
    backend = null;
    Server server = decision().server();
    BackendPool pool = route().pool;
    if (responseStarted) { // a truncated response: nothing to do but close the client connection too
      stats.transportErrors.increment();
      if (server != null) {
        pool.reportTransportError(server);
      }
      closeAfter = true;
      responseComplete = true;
      done();
      return;
    }
    boolean canResend = !bodyOverflow;
    if (reused && !bytesSeen && canResend && staleRetries < MAX_STALE_RETRIES) {
      // a parked keep-alive connection the server had already closed: not the server's fault, try again
      staleRetries++;
      stats.staleConnectionRetries.increment();
      requestSent = false;
      dispatch(decision());
      return;
    }
    stats.transportErrors.increment();
    if (server != null) {
      pool.reportTransportError(server); // observe layer7: closed by the server before a response
    }
    if (!bytesSeen && idempotent && canResend) {
      requestSent = false;
      redispatch(); // nothing came back and the request may be repeated (retry-on empty-response)
    } else {
      stats.badGateway.increment();
      localReply(HttpResponseStatus.BAD_GATEWAY, "connection to the server lost\n");
    }
  }

  /** The response deadline passed ({@code timeout server}). */
  void onBackendTimeout(BackendConnection c) {
    if (c != backend) {
      return;
    }
    backend = null;
    c.unbind();
    c.channel.close();
    Server server = decision().server();
    if (server != null) {
      route().pool.reportTransportError(server); // observe layer7: a read timeout
    }
    stats.gatewayTimeout.increment();
    if (responseStarted) {
      closeAfter = true;
      responseComplete = true;
      done();
    } else {
      localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "the server did not answer in time\n");
    }
  }

  // ------------------------------------------------------------------------------------------ WebSocket

  /**
   * The backend switched to WebSocket: relay the 101 (after the response phase, so a re-pinned client gets its new
   * cookie), switch both pipelines to frame codecs, and register the session with the pool.
   */
  private void upgradeToWebSocket(BackendConnection c, HttpResponse switching) {
    ChannelHandlerContext cx = ctx;
    if (cx == null) {
      return;
    }
    Channel client = cx.channel();
    Channel be = c.channel;
    c.unbind();
    backend = null;
    Server server = decision().server();
    BackendPool pool = route().pool;
    if (server == null) {
      be.close();
      cx.close();
      return;
    }
    pool.reportResponse(server, 101);
    HttpHeaders headers = switching.headers();
    removeHopByHop(headers);
    RoutingPhases.applyResponsePhase(pool, decision(), responseView.reset(switching), headers);
    responseView.clear();
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    switching.setProtocolVersion(HttpVersion.HTTP_1_1);

    WebSocketRelay relay = new WebSocketRelay(client, be, server.id(), stats);
    // client side first, so that frames the backend sends right after its 101 find the client ready
    ChannelPipeline cp = client.pipeline();
    cp.addBefore(CODEC, "ws-decoder", new WebSocket13FrameDecoder(true, true, proxy.maxFrame));
    cp.addBefore(CODEC, "ws-encoder", new WebSocket13FrameEncoder(false));
    cp.replace(this, "relay", relay.clientSide());
    client.writeAndFlush(switching).addListener(f -> {
      if (client.pipeline().get(CODEC) != null) {
        client.pipeline().remove(CODEC);
      }
    });
    ChannelPipeline bp = be.pipeline();
    bp.addAfter(BackendConnection.CODEC, "ws-decoder", new WebSocket13FrameDecoder(false, true, proxy.maxFrame));
    bp.addAfter("ws-decoder", "ws-encoder", new WebSocket13FrameEncoder(true));
    bp.replace(BackendConnection.NAME, "relay", relay.backendSide());
    bp.remove(BackendConnection.HEAD);
    bp.remove(BackendConnection.CODEC); // bytes it already holds (frames sent right after the 101) go to ws-decoder
    stats.webSocketSessions.increment();
    relay.registered(pool.registerSession(server, relay::shutDownByPool));
    reset();
    for (Object m = queued.poll(); m != null; m = queued.poll()) {
      ReferenceCountUtil.release(m); // nothing may follow an upgrade on this connection
    }
  }

  // ------------------------------------------------------------------------------------------ endings

  /** Answers from the gateway itself (400, 404, 502, 503, 504). */
  private void localReply(HttpResponseStatus status, String text) {
    BackendConnection b = backend;
    if (b != null) {
      backend = null;
      b.unbind();
      b.channel.close();
    }
    responseComplete = true;
    HttpRequest r = request;
    if (!requestComplete && (r == null || hasBody(r))) {
      closeAfter = true; // do not read a body nobody will receive
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    boolean ka = keepAlive && !closeAfter;
    if (!ka) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelHandlerContext cx = ctx;
    if (cx != null) {
      cx.writeAndFlush(response, cx.voidPromise());
    } else {
      response.release();
    }
    if (requestComplete || closeAfter) {
      done();
    }
  }

  /** The exchange is over (response written, request read): next request, or close. */
  private void done() {
    boolean close = closeAfter || !keepAlive;
    reset();
    ChannelHandlerContext cx = ctx;
    if (cx == null) {
      return;
    }
    if (close) {
      cx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      for (Object m = queued.poll(); m != null; m = queued.poll()) {
        ReferenceCountUtil.release(m);
      }
      return;
    }
    while (!queued.isEmpty() && !(active && requestComplete)) {
      dispatchInbound(queued.poll());
    }
    if (queued.isEmpty() && !cx.channel().config().isAutoRead()) {
      cx.channel().config().setAutoRead(true);
    }
  }

  private void reset() {
    active = false;
    request = null;
    route = null;
    decision = null;
    requestComplete = false;
    requestSent = false;
    responseStarted = false;
    interim = false;
    responseComplete = false;
    closeAfter = false;
    backendKeepAlive = false;
    upgrade = false;
    bodyBytes = 0;
    bodyOverflow = false;
    reused = false;
    failures = 0;
    staleRetries = 0;
    pendingUpgrade = null;
    releaseBody();
    view.clear();
  }

  private void releaseBody() {
    for (int i = 0, n = body.size(); i < n; i++) {
      body.get(i).release();
    }
    body.clear();
  }

  /** The client went away mid-exchange. */
  private void abandon() {
    generation++;
    BackendConnection b = backend;
    if (b != null) {
      backend = null;
      b.unbind();
      b.channel.close();
    }
    reset();
  }

  // ------------------------------------------------------------------------------------------ helpers

  private HttpRequest request() {
    HttpRequest r = request;
    if (r == null) {
      throw new IllegalStateException("no exchange");
    }
    return r;
  }

  private RoutingProxy.Route route() {
    RoutingProxy.Route r = route;
    if (r == null) {
      throw new IllegalStateException("no exchange");
    }
    return r;
  }

  private RouteDecision decision() {
    RouteDecision d = decision;
    if (d == null) {
      throw new IllegalStateException("no exchange");
    }
    return d;
  }

  private static boolean exactlyOne(HttpHeaders headers, AsciiString name) {
    java.util.Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(name);
    if (!it.hasNext()) {
      return false;
    }
    it.next();
    return !it.hasNext();
  }

  private static boolean hasBody(HttpRequest r) {
    return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
  }

  /** Removes the hop-by-hop headers, including those the Connection header names. */
  static void removeHopByHop(HttpHeaders headers) {
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      int n = connection.length();
      int i = 0;
      while (i < n) {
        int comma = connection.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        String token = connection.substring(i, end).trim();
        if (!token.isEmpty() && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(token)
            && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(token)) {
          headers.remove(token);
        }
        i = end + 1;
      }
    }
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
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
}
