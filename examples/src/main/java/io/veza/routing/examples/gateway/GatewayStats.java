package io.veza.routing.examples.gateway;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a {@link Gateway}. Thread-safe. */
public final class GatewayStats {
  final LongAdder clientConnections = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder redispatches = new LongAdder();
  final LongAdder staleConnectionRetries = new LongAdder();
  final LongAdder transportErrors = new LongAdder();
  final LongAdder noServer = new LongAdder();
  final LongAdder badGateway = new LongAdder();
  final LongAdder gatewayTimeout = new LongAdder();
  final LongAdder webSocketSessions = new LongAdder();
  final LongAdder sessionsShutDownByPool = new LongAdder();
  final LongAdder sessionsBackendLost = new LongAdder();

  /**
   * @param requests client requests received (HTTP and WebSocket upgrades)
   * @param connectFailures failed backend connects (each reported to the pool)
   * @param redispatches requests sent again through {@code BackendPool.retry} after a connect failure
   * @param staleConnectionRetries requests re-sent on a fresh connection because a reused keep-alive connection
   *     closed before any response byte (not a server failure)
   * @param transportErrors backend connections lost after connect and before a response
   * @param noServer 503 answers: no usable server, or retries exhausted
   * @param badGateway 502 answers
   * @param gatewayTimeout 504 answers
   * @param webSocketSessions WebSocket sessions established (101 relayed)
   * @param sessionsShutDownByPool sessions the pool closed because their server was marked DOWN
   * @param sessionsBackendLost sessions closed because the backend connection dropped
   */
  public record Snapshot(long clientConnections, long requests, long connectFailures, long redispatches,
      long staleConnectionRetries, long transportErrors, long noServer, long badGateway, long gatewayTimeout,
      long webSocketSessions, long sessionsShutDownByPool, long sessionsBackendLost) {}

  Snapshot snapshot() {
    return new Snapshot(clientConnections.sum(), requests.sum(), connectFailures.sum(), redispatches.sum(),
        staleConnectionRetries.sum(), transportErrors.sum(), noServer.sum(), badGateway.sum(),
        gatewayTimeout.sum(), webSocketSessions.sum(), sessionsShutDownByPool.sum(), sessionsBackendLost.sum());
  }
}
