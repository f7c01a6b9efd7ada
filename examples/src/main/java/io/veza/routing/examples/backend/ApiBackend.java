package io.veza.routing.examples.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code backend-api} instance: {@code GET /api/v1/health} answers 200, {@code GET /api/v1/whoami} answers
 * its id, and {@code /ws} is a WebSocket that answers each text message {@code msg <id> <payload>} with
 * {@code ack <id> server=<server id> seq=<n>} ({@code n} counts messages on that connection from 1).
 *
 * <p>It also counts requests that reached it still carrying the gateway's persistence cookie: with
 * {@code cookie ... indirect} the gateway must strip it, so that count stays 0.
 */
public final class ApiBackend extends NettyBackend {
  public static final String HEALTH_PATH = "/api/v1/health";
  public static final String WHOAMI_PATH = "/api/v1/whoami";
  public static final String WEBSOCKET_PATH = "/ws";

  private final String persistenceCookie;
  private final AtomicLong persistenceCookieSeen = new AtomicLong();
  private final AtomicLong webSocketMessages = new AtomicLong();
  private volatile boolean healthHangs;

  /**
   * @param persistenceCookie the gateway's cookie name (e.g. SERVERID); counted if it ever reaches this backend
   */
  public ApiBackend(String id, EventLoopGroup group, String persistenceCookie) {
    super(id, group);
    this.persistenceCookie = persistenceCookie;
  }

  /** Requests that arrived with the persistence cookie (the gateway failed to strip it). */
  public long persistenceCookieSeen() {
    return persistenceCookieSeen.get();
  }

  /**
   * A hung host: while set, {@code GET /api/v1/health} gets no answer (the request is dropped, the connection left
   * open) and everything else keeps working, as when the health endpoint waits on a wedged dependency. Checks then
   * time out ({@code timeout check}) and mark the server DOWN while its WebSockets stay connected, so only
   * {@code on-marked-down shutdown-sessions} moves those clients.
   */
  public void hangHealthChecks(boolean hang) {
    healthHangs = hang;
  }

  /** WebSocket messages answered since creation. */
  public long webSocketMessages() {
    return webSocketMessages.get();
  }

  @Override
  protected void initConnection(ChannelPipeline p) {
    p.addLast(new HttpServerCodec());
    p.addLast(new HttpObjectAggregator(64 * 1024));
    p.addLast(new HttpHandler());
    p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(WEBSOCKET_PATH)
        .checkStartsWith(true)
        .sendCloseFrame(null) // stop() must look like a killed process: no close frame, the connection just drops
        .build()));
    p.addLast(new EchoHandler());
  }

  private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    HttpHandler() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
          if (cookie.name().equals(persistenceCookie)) {
            persistenceCookieSeen.incrementAndGet();
          }
        }
      }
      String path = new QueryStringDecoder(request.uri()).path();
      if (path.startsWith(WEBSOCKET_PATH)) {
        ctx.fireChannelRead(request); // the WebSocket handshake handler takes it from here
        return;
      }
      try {
        switch (path) {
          case HEALTH_PATH -> {
            if (!healthHangs) {
              respond(ctx, request, HttpResponseStatus.OK, "UP\n");
            }
          }
          // an ETag makes the answer cacheable, so the gateway's nocache marks it private when it inserts the cookie
          case WHOAMI_PATH -> respond(ctx, request, HttpResponseStatus.OK, id(), '"' + id() + '"');
          default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path: " + path + "\n");
        }
      } finally {
        request.release();
      }
    }
  }

  private final class EchoHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private long sequence;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      String text = frame.text();
      // "msg <id> <payload>": the id runs to the next space (or the end)
      String messageId = text.startsWith("msg ") ? text.substring(4).split(" ", 2)[0] : "?";
      sequence++;
      webSocketMessages.incrementAndGet();
      countRequest();
      ctx.writeAndFlush(new TextWebSocketFrame("ack " + messageId + " server=" + id() + " seq=" + sequence));
    }
  }
}
