package io.veza.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Long-lived sessions per server, for HAProxy's {@code on-marked-down shutdown-sessions} and
 * {@code on-marked-up shutdown-backup-sessions}, and the session counters of {@code show stat}
 * ({@code scur}, {@code smax}, {@code stot}).
 *
 * <p>Each server has a concurrent set of registrations: register and unregister are O(1). A registration moves once
 * from REGISTERED to CLOSED or SHUT_DOWN by CAS, so a close callback runs at most once even when the gateway closes a
 * session while the pool shuts it down. Shutdown marks the server's registrations (no lock held, no user code run)
 * and hands each callback to the close executor, so it can run under the health machinery's locks without waiting
 * for user code; a callback's exception goes to the error handler and does not stop the others.
 */
final class SessionRegistry {
  private static final int REGISTERED = 0;
  private static final int CLOSED = 1;
  private static final int SHUT_DOWN = 2;

  /** The sessions of one server and its counters. */
  static final class Sessions {
    final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicLong total = new AtomicLong();
  }

  private final Executor closeExecutor;
  private final BiConsumer<Server, Throwable> errorHandler;

  SessionRegistry(Executor closeExecutor, BiConsumer<Server, Throwable> errorHandler) {
    this.closeExecutor = closeExecutor;
    this.errorHandler = errorHandler;
  }

  Registration register(Server server, Runnable close) {
    Registration r = new Registration(server, close);
    Sessions s = server.sessions;
    s.registrations.add(r);
    int now = s.current.incrementAndGet();
    s.max.accumulateAndGet(now, Math::max);
    s.total.incrementAndGet();
    return r;
  }

  /** Closes every session registered on {@code server}; returns how many this call shut down. */
  int shutdown(Server server) {
    int n = 0;
    for (Registration r : server.sessions.registrations) {
      if (r.shutDown()) {
        n++;
      }
    }
    return n;
  }

  /** Closes {@code r} if it is still registered (used when a session registers on a server already down). */
  void shutdown(Registration r) {
    r.shutDown();
  }

  final class Registration implements SessionRegistration {
    private final Server server;
    private final Runnable close;
    private final AtomicInteger state = new AtomicInteger(REGISTERED);

    Registration(Server server, Runnable close) {
      this.server = server;
      this.close = close;
    }

    @Override
    public Server server() {
      return server;
    }

    @Override
    public boolean isRegistered() {
      return state.get() == REGISTERED;
    }

    @Override
    public void close() {
      if (state.compareAndSet(REGISTERED, CLOSED)) {
        unregister();
      }
    }

    private void unregister() {
      if (server.sessions.registrations.remove(this)) {
        server.sessions.current.decrementAndGet();
      }
    }

    boolean shutDown() {
      if (!state.compareAndSet(REGISTERED, SHUT_DOWN)) {
        return false;
      }
      unregister();
      try {
        closeExecutor.execute(this::runClose);
      } catch (RuntimeException e) {
        errorHandler.accept(server, e); // a rejecting executor must not stop the shutdown of the others
      }
      return true;
    }

    private void runClose() {
      try {
        close.run();
      } catch (Throwable t) { // user code: nothing it throws may stop the other sessions' shutdown
        errorHandler.accept(server, t);
      }
    }

    @Override
    public String toString() {
      return "SessionRegistration{" + server.id() + ", " + (isRegistered() ? "registered" : "closed") + '}';
    }
  }
}
