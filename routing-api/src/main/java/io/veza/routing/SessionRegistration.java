package io.veza.routing;

/**
 * A long-lived session (WebSocket, HTTP stream) registered on a server with
 * {@link BackendPool#registerSession(Server, Runnable)}. Closing the registration unregisters the session
 * without running its close callback; it is idempotent, O(1) and thread-safe.
 */
public interface SessionRegistration extends AutoCloseable {
  /** The server the session is registered on. */
  Server server();

  /** Whether the session is still registered: neither {@link #close() closed} nor shut down by the pool. */
  boolean isRegistered();

  /** Unregisters the session (the gateway calls it when the session ends by itself). Never throws. */
  @Override
  void close();
}
