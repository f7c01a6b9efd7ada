package io.veza.routing.spring;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;

import io.veza.routing.RequestEdits;
import io.veza.routing.ResponseEdits;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import java.net.URI;
import java.util.ArrayList;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The request and response phases of a request that {@link VezaLoadBalancer} routed, right after the gateway's
 * {@link ReactiveLoadBalancerClientFilter}:
 *
 * <ol>
 *   <li>request phase: the {@code Cookie} headers forwarded to the backend are the pool's
 *       ({@link io.veza.routing.BackendPool#editRequest}: {@code indirect} removes the persistence cookie);
 *   <li>a failed connect is reported and retried as the pool says ({@code retries}, {@code redispatch}): the
 *       rest of the chain runs again towards the next server, and the client sees no error;
 *   <li>passive health: the backend's status, or its transport error, is reported to the pool;
 *   <li>response phase, just before the response is committed: {@code Set-Cookie} and {@code Cache-Control} as the
 *       pool says ({@link io.veza.routing.BackendPool#editResponse}), also on a WebSocket's 101.
 * </ol>
 */
final class VezaRoutingFilter implements GlobalFilter, Ordered {
  /** Right after the gateway's load-balancer filter, before the routing filters. */
  static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    if (!(exchange.getAttribute(GATEWAY_LOADBALANCER_RESPONSE_ATTR) instanceof VezaResponse chosen)) {
      return chain.filter(exchange);
    }
    ServerHttpRequest request = exchange.getRequest();
    ExchangeState state = exchange.getAttribute(ExchangeState.ATTRIBUTE);
    if (state == null) {
      boolean webSocket = "websocket".equalsIgnoreCase(request.getHeaders().getUpgrade());
      state = new ExchangeState(chosen.service(), SpringRequestView.of(request), webSocket, chosen.decision());
      exchange.getAttributes().put(ExchangeState.ATTRIBUTE, state);
      ExchangeState s = state;
      exchange.getResponse().beforeCommit(() -> Mono.fromRunnable(() -> responsePhase(exchange.getResponse(), s)));
    } else {
      state.decision = chosen.decision(); // the whole chain runs again (a gateway Retry filter before this one)
      state.failures = 0;
      state.failed = false;
    }
    return attempt(exchange, request, chain, state);
  }

  private Mono<Void> attempt(ServerWebExchange exchange, ServerHttpRequest original, GatewayFilterChain chain,
                             ExchangeState state) {
    RouteDecision decision = state.decision;
    Server server = decision.server();
    ServerWebExchange forwarded = requestPhase(exchange, original, state);
    return chain.filter(forwarded)
        .doOnSuccess(v -> observe(exchange, state, server))
        .onErrorResume(error -> {
          if (server == null || state.webSocket && isWebSocketUrl(exchange)) {
            return Mono.error(error);
          }
          if (!Failures.isConnectFailure(error)) {
            state.service.pool.reportTransportError(server);
            return Mono.error(error);
          }
          RouteDecision next = Failures.retry(state);
          if (next == null) {
            return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "no server of " + state.service.serviceId + " could be reached", error));
          }
          ServerWebExchangeUtils.reset(exchange);
          URI url = exchange.getRequiredAttribute(GATEWAY_REQUEST_URL_ATTR);
          exchange.getAttributes().put(GATEWAY_REQUEST_URL_ATTR,
              Failures.retarget(url, state.service, next.server()));
          exchange.getAttributes().put(GATEWAY_LOADBALANCER_RESPONSE_ATTR,
              new VezaResponse(state.service, next, state.service.instance(next.server())));
          return attempt(exchange, original, chain, state);
        });
  }

  /** The request with the pool's {@code Cookie} headers, or the exchange itself when nothing changes. */
  private static ServerWebExchange requestPhase(ServerWebExchange exchange, ServerHttpRequest original,
                                                ExchangeState state) {
    RequestEdits edits = state.service.pool.editRequest(state.decision, state.request);
    if (!edits.replacesCookies()) {
      return exchange;
    }
    ServerHttpRequest edited = original.mutate().headers(h -> {
      h.remove(HttpHeaders.COOKIE);
      for (String value : edits.cookieHeaders()) {
        h.add(HttpHeaders.COOKIE, value);
      }
    }).build();
    return exchange.mutate().request(edited).build();
  }

  /** Passive health of a proxied HTTP request (WebSocket backends are observed by the WebSocket client). */
  private static void observe(ServerWebExchange exchange, ExchangeState state, Server server) {
    if (server == null || isWebSocketUrl(exchange)) {
      return;
    }
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    state.service.pool.reportConnected(server);
    if (status != null) {
      state.service.pool.reportResponse(server, status.value());
    }
  }

  private static boolean isWebSocketUrl(ServerWebExchange exchange) {
    URI url = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
    String scheme = url == null ? null : url.getScheme();
    return "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
  }

  /** Just before the response is committed: the pool's {@code Set-Cookie} and {@code Cache-Control}. */
  static void responsePhase(ServerHttpResponse response, ExchangeState state) {
    RouteDecision decision = state.decision;
    if (state.failed || decision.server() == null) {
      return; // the gateway's own error response: no server to pin to
    }
    HttpStatusCode code = response.getStatusCode();
    int status = code == null ? 200 : code.value();
    if (state.webSocket && status == 200) {
      status = 101; // the handshake answer, committed before the status is set
    }
    HttpHeaders headers = response.getHeaders();
    ResponseEdits edits = state.service.pool.editResponse(decision, new SpringResponseView(status, headers));
    if (edits.replacesSetCookies()) {
      headers.remove(HttpHeaders.SET_COOKIE);
      if (!edits.setCookies().isEmpty()) {
        headers.put(HttpHeaders.SET_COOKIE, new ArrayList<>(edits.setCookies()));
      }
    }
    if (edits.cacheControl() != null) {
      headers.add(HttpHeaders.CACHE_CONTROL, edits.cacheControl());
    }
  }
}
