package io.veza.routing.spring;

import java.util.List;
import org.springframework.context.Lifecycle;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway's {@link WebSocketService}, unchanged but for one thing: the handler of a WebSocket that
 * {@link VezaLoadBalancer} routed runs with the exchange's {@link ExchangeState} in its Reactor context, where
 * {@link VezaWebSocketClient} finds the pool, the decision and the client's session when it connects to the
 * backend. The gateway upgrades
 * the client's connection before it connects to the backend, so the exchange is out of reach by then.
 */
final class VezaWebSocketService implements WebSocketService, Lifecycle {
  private final WebSocketService delegate;

  VezaWebSocketService(WebSocketService delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
    ExchangeState state = exchange.getAttribute(ExchangeState.ATTRIBUTE);
    if (state == null) {
      return delegate.handleRequest(exchange, handler);
    }
    return delegate.handleRequest(exchange, new WebSocketHandler() {
      @Override
      public List<String> getSubProtocols() {
        return handler.getSubProtocols();
      }

      @Override
      public Mono<Void> handle(WebSocketSession session) {
        state.clientSession = session;
        return handler.handle(session).contextWrite(c -> c.put(ExchangeState.class, state));
      }
    });
  }

  @Override
  public void start() {
    if (delegate instanceof Lifecycle l) {
      l.start();
    }
  }

  @Override
  public void stop() {
    if (delegate instanceof Lifecycle l) {
      l.stop();
    }
  }

  @Override
  public boolean isRunning() {
    return !(delegate instanceof Lifecycle l) || l.isRunning();
  }
}
