package io.veza.routing.spring;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import io.veza.routing.SessionRegistration;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The gateway's WebSocket client with the pool in the loop, for WebSockets that {@link VezaLoadBalancer} routed
 * (others go to the wrapped client unchanged):
 *
 * <ul>
 *   <li>a failed connect to the backend is reported and retried as the pool says (retries, redispatch), so a
 *       client whose cookie still names a dead server is connected to another one;
 *   <li>the backend session is registered with the pool ({@link BackendPool#registerSession}): with
 *       {@code on-marked-down shutdown-sessions}, when its server goes DOWN or to maintenance, the client's
 *       side is closed with 1001 (going away), so that the client reconnects elsewhere at once, then the backend's;
 *   <li>the connect and the handshake answer are passive health observations.
 * </ul>
 *
 * It extends {@link ReactorNettyWebSocketClient} so that it can replace the gateway's bean of that type.
 */
final class VezaWebSocketClient extends ReactorNettyWebSocketClient {
  private final ReactorNettyWebSocketClient delegate;

  VezaWebSocketClient(ReactorNettyWebSocketClient delegate) {
    super(delegate.getHttpClient());
    this.delegate = delegate;
  }

  @Override
  public HttpClient getHttpClient() {
    return delegate.getHttpClient();
  }

  @Override
  public WebsocketClientSpec getWebsocketClientSpec() {
    return delegate.getWebsocketClientSpec();
  }

  @Override
  public Mono<Void> execute(URI url, WebSocketHandler handler) {
    return execute(url, new HttpHeaders(), handler);
  }

  @Override
  public Mono<Void> execute(URI url, HttpHeaders headers, WebSocketHandler handler) {
    return Mono.deferContextual(context -> {
      ExchangeState state = context.getOrDefault(ExchangeState.class, null);
      if (state == null || state.decision.server() == null) {
        return delegate.execute(url, headers, handler);
      }
      return attempt(url, headers, handler, state);
    });
  }

  /**
   * HAProxy's session shutdown, gracefully: the client gets a close frame 1001 (going away) first, so that it
   * reconnects at once, then the backend.
   */
  private static void shutdown(@Nullable WebSocketSession client, WebSocketSession backend) {
    Mono<Void> clientClose = client == null ? Mono.empty() : client.close(CloseStatus.GOING_AWAY);
    clientClose.onErrorResume(e -> Mono.empty())
        .then(Mono.defer(() -> backend.close(CloseStatus.GOING_AWAY)))
        .subscribe(v -> { }, e -> { });
  }

  private Mono<Void> attempt(URI url, HttpHeaders headers, WebSocketHandler handler, ExchangeState state) {
    RouteDecision decision = state.decision;
    Server server = decision.server();
    BackendPool pool = state.service.pool;
    AtomicBoolean connected = new AtomicBoolean();
    WebSocketHandler registered = new WebSocketHandler() {
      @Override
      public List<String> getSubProtocols() {
        return handler.getSubProtocols();
      }

      @Override
      public Mono<Void> handle(WebSocketSession backend) {
        connected.set(true);
        pool.reportConnected(server);
        pool.reportResponse(server, 101);
        SessionRegistration registration;
        try {
          registration = pool.registerSession(server, () -> shutdown(state.clientSession, backend));
        } catch (IllegalArgumentException e) {
          shutdown(state.clientSession, backend); // the server left the pool meanwhile
          return handler.handle(backend);
        }
        return handler.handle(backend).doFinally(signal -> registration.close());
      }
    };
    return delegate.execute(url, headers, registered).onErrorResume(error -> {
      if (connected.get()) {
        return Mono.error(error); // the session had started: nothing to retry
      }
      if (!Failures.isConnectFailure(error)) {
        pool.reportTransportError(server);
        return Mono.error(error);
      }
      RouteDecision next = Failures.retry(state);
      if (next == null) {
        return Mono.error(error);
      }
      return attempt(Failures.retarget(url, state.service, next.server()), headers, handler, state);
    });
  }
}
