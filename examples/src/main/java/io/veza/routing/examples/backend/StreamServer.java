package io.veza.routing.examples.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A {@code stream-server} instance: {@code GET /hls/{track_id}/...} answers its own id (a stand-in for the
 * HLS playlist or segment), {@code GET /api/v1/health} answers 200.
 */
public final class StreamServer extends NettyBackend {
  public StreamServer(String id, EventLoopGroup group) {
    super(id, group);
  }

  @Override
  protected void initConnection(ChannelPipeline p) {
    p.addLast(new HttpServerCodec());
    p.addLast(new HttpObjectAggregator(64 * 1024));
    p.addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(ApiBackend.HEALTH_PATH)) {
          respond(ctx, request, HttpResponseStatus.OK, "UP\n");
        } else if (path.startsWith("/hls/")) {
          respond(ctx, request, HttpResponseStatus.OK, id());
        } else {
          respond(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path: " + path + "\n");
        }
      }
    });
  }
}
