/**
 * Veza Routing on Netty: a reverse proxy that takes every routing decision from Veza Routing pools, and the views,
 * phases and request-target rules it is built from.
 */
module io.veza.routing.netty {
  exports io.veza.routing.netty;

  requires transitive io.veza.routing;
  requires transitive io.netty.codec.http;
  requires transitive io.netty.handler;
  requires transitive io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.codec;
  requires static transitive org.jspecify;
}
