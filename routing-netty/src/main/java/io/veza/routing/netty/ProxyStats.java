package io.veza.routing.netty;

import java.util.concurrent.atomic.LongAdder;

/** Counters of a {@link RoutingProxy} since it started. Thread-safe; {@link #snapshot()} reads them. */
public final class ProxyStats {
  final LongAdder clientConnections = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder badRequests = new LongAdder();
  final LongAdder notFound = new LongAdder();
  final LongAdder backendConnects = new LongAdder();
  final LongAdder reusedConnections = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder redispatches = new LongAdder();
  final LongAdder staleConnectionRetries = new LongAdder();
  final LongAdder transportErrors = new LongAdder();
  final LongAdder noServer = new LongAdder();
  final LongAdder badGateway = new LongAdder();
  final LongAdder gatewayTimeout = new LongAdder();
  final LongAdder idleTimeouts = new LongAdder();
  final LongAdder webSocketSessions = new LongAdder();
  final LongAdder sessionsShutDownByPool = new LongAdder();
  final LongAdder sessionsBackendLost = new LongAdder();

  ProxyStats() {}

  /**
   * The counters at one moment.
   *
   * @param clientConnections client connections accepted
   * @param requests client requests received (HTTP and WebSocket upgrades)
   * @param badRequests 400 answers (malformed request, rejected request-target)
   * @param notFound 404 answers (no route for the path)
   * @param backendConnects backend connections opened
   * @param reusedConnections requests sent on a parked keep-alive backend connection
   * @param connectFailures failed backend connects (each reported to the pool)
   * @param redispatches requests sent again to another server through {@code BackendPool.retry}
   * @param staleConnectionRetries requests re-sent on a fresh connection because a reused keep-alive connection
   *     closed before any response byte (not a server failure)
   * @param transportErrors backend connections lost after connect and before a complete response
   * @param noServer 503 answers: no usable server, or retries exhausted
   * @param badGateway 502 answers
   * @param gatewayTimeout 504 answers
   * @param idleTimeouts parked keep-alive backend connections closed after the idle timeout
   * @param webSocketSessions WebSocket sessions established (101 relayed)
   * @param sessionsShutDownByPool sessions the pool closed (server marked DOWN, MAINT, or removed)
   * @param sessionsBackendLost sessions closed because the backend connection dropped
   */
  public record Snapshot(long clientConnections, long requests, long badRequests, long notFound,
      long backendConnects, long reusedConnections, long connectFailures, long redispatches,
      long staleConnectionRetries, long transportErrors, long noServer, long badGateway, long gatewayTimeout,
      long idleTimeouts, long webSocketSessions, long sessionsShutDownByPool, long sessionsBackendLost) {}

  /**
   * Reads every counter.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    return new Snapshot(clientConnections.sum(), requests.sum(), badRequests.sum(), notFound.sum(),
        backendConnects.sum(), reusedConnections.sum(), connectFailures.sum(), redispatches.sum(),
        staleConnectionRetries.sum(), transportErrors.sum(), noServer.sum(), badGateway.sum(), gatewayTimeout.sum(),
        idleTimeouts.sum(), webSocketSessions.sum(), sessionsShutDownByPool.sum(), sessionsBackendLost.sum());
  }
}
