package io.veza.routing;

/**
 * A long-lived session (WebSocket, HTTP stream) registered on a server with
 * {@link BackendPool#registerSession(Server, Runnable)}. Closing the registration unregisters the session
 * without running its close callback; it is idempotent, O(1) and thread-safe.
 */
public interface SessionRegistration extends AutoCloseable {
  /**
   * The server the session is registered on.
   *
   * @return the server given to {@link BackendPool#registerSession(Server, Runnable)}
   */
  Server server();

  /**
   * Whether the session is still registered: neither {@link #close() closed} nor shut down by the pool.
   *
   * @return {@code true} until the registration is closed or the pool shuts the session down
   */
  boolean isRegistered();

  /** Unregisters the session (the gateway calls it when the session ends by itself). Never throws. */
  @Override
  void close();
}
