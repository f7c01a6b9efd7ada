package io.veza.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Long-lived sessions per server, for HAProxy's {@code on-marked-down shutdown-sessions} and
 * {@code on-marked-up shutdown-backup-sessions}.
 *
 * <p>Each server has a concurrent set of registrations: register and unregister are O(1) and lock-free for
 * practical purposes ({@link ConcurrentHashMap}). A registration moves once from REGISTERED to CLOSED or
 * SHUT_DOWN by CAS, so a close callback runs at most once even when the gateway closes a session while the pool
 * shuts it down. Shutdown iterates the set (weakly consistent, no lock held) and runs the callbacks through the
 * configured executor; an exception from a callback is passed to the error handler and does not stop the others.
 */
final class SessionRegistry {
  private static final int REGISTERED = 0;
  private static final int CLOSED = 1;
  private static final int SHUT_DOWN = 2;

  private final List<Server> servers;
  private final List<Set<Registration>> sessions;
  private final Executor closeExecutor;
  private final BiConsumer<Server, RuntimeException> errorHandler;

  SessionRegistry(List<Server> servers, Executor closeExecutor, BiConsumer<Server, RuntimeException> errorHandler) {
    this.servers = servers;
    this.closeExecutor = closeExecutor;
    this.errorHandler = errorHandler;
    List<Set<Registration>> list = new ArrayList<>(servers.size());
    for (int i = 0; i < servers.size(); i++) {
      list.add(ConcurrentHashMap.newKeySet());
    }
    this.sessions = List.copyOf(list);
  }

  Registration register(Server server, Runnable close) {
    Registration r = new Registration(server, close);
    sessions.get(server.index()).add(r);
    return r;
  }

  /** Number of sessions registered on server {@code index}. */
  int count(int index) {
    return sessions.get(index).size();
  }

  /** Closes every session registered on server {@code index}; returns how many this call shut down. */
  int shutdown(int index) {
    int n = 0;
    for (Registration r : sessions.get(index)) {
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
        sessions.get(server.index()).remove(this);
      }
    }

    boolean shutDown() {
      if (!state.compareAndSet(REGISTERED, SHUT_DOWN)) {
        return false;
      }
      sessions.get(server.index()).remove(this);
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
      } catch (RuntimeException e) {
        errorHandler.accept(server, e);
      }
    }

    @Override
    public String toString() {
      return "SessionRegistration{" + server.id() + ", " + (isRegistered() ? "registered" : "closed") + '}';
    }
  }

  List<Server> servers() {
    return servers;
  }
}
