package io.veza.routing.spring;

import io.veza.routing.RequestView;
import io.veza.routing.RouteDecision;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * One proxied request's routing state, kept in the exchange's attributes (and in the Reactor context of its
 * WebSocket handling): the pool, the request as the pool reads it, the current decision (it changes on a retry),
 * and the failed connection attempts so far. The exchange handles it from one thread at a time.
 */
final class ExchangeState {
  /** The exchange attribute that holds it. */
  static final String ATTRIBUTE = ExchangeState.class.getName();

  final ServicePool service;
  final RequestView request;
  final boolean webSocket;
  volatile RouteDecision decision;
  volatile int failures;
  /** No server answered (retries exhausted): the error response gets no persistence cookie. */
  volatile boolean failed;
  /** A WebSocket's client-facing session, once the gateway upgraded the client's connection. */
  volatile @Nullable WebSocketSession clientSession;

  ExchangeState(ServicePool service, RequestView request, boolean webSocket, RouteDecision decision) {
    this.service = service;
    this.request = request;
    this.webSocket = webSocket;
    this.decision = decision;
  }
}
