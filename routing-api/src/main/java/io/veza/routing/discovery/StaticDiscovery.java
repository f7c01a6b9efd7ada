package io.veza.routing.discovery;

import io.veza.routing.ServerSpec;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Membership set by code: {@link #set(List)} delivers a new list at once (on the calling thread). For
 * configuration-driven pools, inventories pushed by another system, and tests.
 */
public final class StaticDiscovery implements Discovery {
  private final Object lock = new Object();
  private List<ServerSpec> current; // guarded by lock
  private @Nullable Consumer<List<ServerSpec>> sink; // guarded by lock
  private boolean closed; // guarded by lock

  private StaticDiscovery(List<ServerSpec> initial) {
    this.current = List.copyOf(initial);
  }

  /**
   * A source that starts with {@code servers}.
   *
   * @param servers the initial membership (copied), delivered first when the source starts
   * @return a new source, not started
   */
  public static StaticDiscovery of(List<ServerSpec> servers) {
    return new StaticDiscovery(Objects.requireNonNull(servers, "servers"));
  }

  @Override
  public void start(Consumer<List<ServerSpec>> newSink) {
    Objects.requireNonNull(newSink, "sink");
    synchronized (lock) {
      if (closed || sink != null) {
        throw new IllegalStateException("discovery already started or closed");
      }
      sink = newSink;
      deliver();
    }
  }

  /**
   * Replaces the membership and delivers it (if started).
   *
   * @param servers the new complete membership
   */
  public void set(List<ServerSpec> servers) {
    List<ServerSpec> copy = List.copyOf(servers);
    synchronized (lock) {
      current = copy;
      if (sink != null && !closed) {
        deliver();
      }
    }
  }

  /**
   * The last membership set.
   *
   * @return the servers given to {@link #of} or to the last {@link #set}, an unmodifiable list
   */
  public List<ServerSpec> current() {
    synchronized (lock) {
      return current;
    }
  }

  private void deliver() {
    Consumer<List<ServerSpec>> s = sink;
    if (s != null) {
      s.accept(current);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      sink = null;
    }
  }
}
