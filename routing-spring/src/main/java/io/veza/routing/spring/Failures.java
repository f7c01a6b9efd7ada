package io.veza.routing.spring;

import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.loadbalancer.LoadBalancerUriTools;
import org.springframework.cloud.gateway.support.DelegatingServiceInstance;

/** What the gateway's errors mean to the pool, and where a retry goes. */
final class Failures {
  private Failures() {}

  /**
   * Whether {@code error} (or a cause) is a failure to connect: refused, unreachable, connect timeout (Netty's
   * {@code ConnectTimeoutException} is a {@link ConnectException}). Nothing was sent, so any request can be retried
   * (HAProxy's {@code retry-on conn-failure}).
   */
  static boolean isConnectFailure(@Nullable Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The next decision after a failed connect to {@code state.decision}, recorded in {@code state}; null when the
   * request must fail (retries exhausted or no server left).
   */
  static @Nullable RouteDecision retry(ExchangeState state) {
    RouteDecision failed = state.decision;
    Server server = failed.server();
    if (server != null) {
      state.service.pool.reportConnectFailure(server);
    }
    state.failures++;
    RouteDecision next = state.service.pool.retry(state.request, failed, state.failures);
    if (next == null || next.server() == null) {
      state.failed = true;
      return null;
    }
    state.decision = next;
    return next;
  }

  /** {@code url} sent to {@code server} instead: same scheme, path and query. */
  static URI retarget(URI url, ServicePool service, Server server) {
    return LoadBalancerUriTools.reconstructURI(
        new DelegatingServiceInstance(service.instance(server), url.getScheme()), url);
  }
}
