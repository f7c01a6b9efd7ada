package io.veza.routing.health;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The health of a live set of servers, following HAProxy's rules exactly (see {@link TrackedServer}).
 *
 * <h2>Membership</h2>
 * Servers join with {@link #add} and leave with {@link #remove}, at any time, from any thread. A server is addressed
 * through the {@link TrackedServer} handle {@link #add} returns (or {@link #server(String)}), never by position.
 *
 * <h2>Propagation</h2>
 * A change that routing must see (UP/DOWN/STOPPING, admin state, weight, effective weight) is published by the
 * server with one volatile write and handed to the {@link StateHook} synchronously, before the mutating call
 * returns. Listeners and everything else a user supplies run apart, on their own queues (see
 * {@link HealthListener}), so no listener can delay, lose or reorder what routing sees.
 *
 * <h2>Slow start runs by itself</h2>
 * When a server starts running again with a {@code slowstart} window, the tracker schedules one task per ramp step on
 * its {@link Scheduler} (default {@link Scheduler#systemScheduler()}); each step is published when it is due,
 * with no caller action. The lag is the scheduler's (the JDK timer's on the system scheduler, typically under a
 * millisecond); any health call on the server also brings its ramp up to date first.
 *
 * <h2>Time</h2>
 * Every timed decision reads the injected {@link Ticker}; the {@link Scheduler} only decides when a step is looked
 * at, so a test with a manual ticker and a manual scheduler controls both.
 *
 * <p>Thread-safe.
 */
public final class HealthTracker {
  private static final System.Logger LOG = System.getLogger(HealthTracker.class.getName());

  /** Largest configurable weight (HAProxy {@code weight} is 0..256). */
  public static final int MAX_WEIGHT = 256;

  /** Undelivered events a listener may have queued before newer ones are dropped for it (and logged). */
  public static final int LISTENER_QUEUE_CAPACITY = 100_000;

  /**
   * Told synchronously of every routing-visible change of a server: for routers that must see a change before the
   * call that made it returns. It runs under the server's monitor, in the order of that server's changes: it must be
   * quick (O(log n)), must not block, and must not call back into the tracker. What it throws is logged and does not
   * undo the change.
   */
  @FunctionalInterface
  public interface StateHook {
    /**
     * Called after {@code server}'s state changed from {@code previous} to {@code current}.
     *
     * @param server the server
     * @param previous its state before
     * @param current its state now (equal to {@code server.state()})
     */
    void stateChanged(TrackedServer server, TrackedServer.State previous, TrackedServer.State current);
  }

  /** Internal membership hook for the active checker. */
  interface MembershipHook {
    void added(TrackedServer server);

    void removed(TrackedServer server);
  }

  private final Ticker ticker;
  private final Scheduler scheduler;
  private final @Nullable StateHook stateHook;
  private final EventDispatcher dispatcher;
  private final Map<String, TrackedServer> byId = new ConcurrentHashMap<>();
  private final Object membershipLock = new Object();
  private final CopyOnWriteArrayList<MembershipHook> membershipHooks = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<TrackedServer>> checkSoonerHooks = new CopyOnWriteArrayList<>();

  private HealthTracker(Builder b) {
    this.ticker = b.ticker;
    this.scheduler = b.scheduler;
    this.stateHook = b.stateHook;
    this.dispatcher = new EventDispatcher(b.listenerExecutor);
    for (HealthListener l : b.listeners) {
      dispatcher.add(l);
    }
  }

  /**
   * A builder of an empty tracker.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds a server in its policy's {@link InitialState}, READY, without slow start.
   *
   * @param id unique, non-empty id
   * @param weight HAProxy {@code weight}, 0..{@value #MAX_WEIGHT}
   * @param policy its health policy
   * @param address where its checks connect, or null
   * @return the new server
   * @throws IllegalArgumentException on an empty or duplicate id or a weight out of range
   */
  public TrackedServer add(String id, int weight, HealthPolicy policy, @Nullable InetSocketAddress address) {
    return add(id, weight, policy, address, AdminState.READY);
  }

  /**
   * Adds a server in its policy's {@link InitialState} and the given admin state, without slow start. A server added
   * in {@link AdminState#MAINT} (HAProxy's {@code disabled} keyword, and every server created by {@code add server})
   * starts DOWN with its checks paused and its health counter at 0; leaving MAINT brings it UP as usual. No
   * {@link HealthEvent.Kind#WENT_DOWN} or admin event is emitted for the initial state: it is the server's state
   * from its first instant, as {@link HealthEvent.Kind#ADDED} reports.
   *
   * @param id unique, non-empty id
   * @param weight HAProxy {@code weight}, 0..{@value #MAX_WEIGHT}
   * @param policy its health policy
   * @param address where its checks connect, or null
   * @param initialAdmin the admin state it starts in
   * @return the new server
   * @throws IllegalArgumentException on an empty or duplicate id or a weight out of range
   */
  public TrackedServer add(String id, int weight, HealthPolicy policy, @Nullable InetSocketAddress address,
                           AdminState initialAdmin) {
    Objects.requireNonNull(initialAdmin, "initialAdmin");
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id must be non-empty, was " + (id == null ? "null" : "\"\""));
    }
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be in [0, " + MAX_WEIGHT + "], was " + weight + " (server " + id + ")");
    }
    Objects.requireNonNull(policy, "policy");
    TrackedServer s;
    synchronized (membershipLock) {
      if (byId.containsKey(id)) {
        throw new IllegalArgumentException("id must be unique, was duplicate \"" + id + "\"");
      }
      s = new TrackedServer(this, id, weight, policy, address, initialAdmin, ticker.read());
      ServerStatus st = s.status();
      // queued before the server can be found, so that no event of it (from another thread) precedes ADDED
      enqueue(List.of(new HealthEvent(0, s, id, HealthEvent.Kind.ADDED, HealthEvent.Cause.NONE, st, st,
          ticker.read(), null)));
      byId.put(id, s);
    }
    for (MembershipHook h : membershipHooks) {
      try {
        h.added(s);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "membership hook failed on " + id, e);
      }
    }
    dispatcher.kick();
    return s;
  }

  /**
   * Adds a server without a check address.
   *
   * @param id unique, non-empty id
   * @param weight 0..{@value #MAX_WEIGHT}
   * @param policy its health policy
   * @return the new server
   */
  public TrackedServer add(String id, int weight, HealthPolicy policy) {
    return add(id, weight, policy, null);
  }

  /**
   * Removes a server: later mutations of it are ignored, its slow-start timer is cancelled, listeners get
   * {@link HealthEvent.Kind#REMOVED}. Idempotent.
   *
   * @param server a server of this tracker
   * @return whether this call removed it
   */
  public boolean remove(TrackedServer server) {
    Objects.requireNonNull(server, "server");
    if (server.tracker() != this) {
      return false;
    }
    ServerStatus last;
    synchronized (membershipLock) {
      last = server.markRemoved();
      if (last == null) {
        return false;
      }
      byId.remove(server.id(), server);
      enqueue(List.of(new HealthEvent(0, server, server.id(), HealthEvent.Kind.REMOVED, HealthEvent.Cause.NONE,
          last, last, ticker.read(), null)));
    }
    for (MembershipHook h : membershipHooks) {
      try {
        h.removed(server);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "membership hook failed on " + server.id(), e);
      }
    }
    dispatcher.kick();
    return true;
  }

  /**
   * The server with this id, if present.
   *
   * @param id a server id
   * @return the server, or empty
   */
  public Optional<TrackedServer> server(String id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /**
   * The current servers, in no particular order. Allocates a copy.
   *
   * @return the servers
   */
  public List<TrackedServer> servers() {
    return List.copyOf(byId.values());
  }

  /**
   * The number of servers.
   *
   * @return the count
   */
  public int size() {
    return byId.size();
  }

  /**
   * The ticker every timed decision reads.
   *
   * @return the ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * The scheduler of slow-start steps.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  // ---------------------------------------------------------------- listeners

  /**
   * Adds an event listener (at any time); it receives the events queued from now on.
   *
   * @param listener the listener
   */
  public void addListener(HealthListener listener) {
    dispatcher.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes an event listener; events already queued for it are dropped.
   *
   * @param listener the listener
   */
  public void removeListener(HealthListener listener) {
    dispatcher.remove(listener);
  }

  void addMembershipHook(MembershipHook hook) {
    membershipHooks.add(hook);
  }

  void removeMembershipHook(MembershipHook hook) {
    membershipHooks.remove(hook);
  }

  void addCheckSoonerHook(Consumer<TrackedServer> hook) {
    checkSoonerHooks.add(hook);
  }

  void removeCheckSoonerHook(Consumer<TrackedServer> hook) {
    checkSoonerHooks.remove(hook);
  }

  /** Asks the active checkers to check {@code server} soon (leaving MAINT, on-error). Outside locks. */
  void checkSooner(TrackedServer server) {
    if (checkSoonerHooks.isEmpty()) {
      return; // no checker to tell: and no iterator allocated on the observation path
    }
    for (Consumer<TrackedServer> hook : checkSoonerHooks) {
      try {
        hook.accept(server);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "check scheduling hook failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- called by servers under their monitor

  void stateChanged(TrackedServer server, TrackedServer.State previous, TrackedServer.State current) {
    if (stateHook == null) {
      return;
    }
    try {
      stateHook.stateChanged(server, previous, current);
    } catch (Throwable t) { // a router bug must not leave the server half-updated
      LOG.log(System.Logger.Level.ERROR, "state hook failed on " + server.id() + " " + previous + " -> " + current, t);
    }
  }

  /** Numbers the events and appends them to every listener's queue (sequence order = queue order). */
  void enqueue(Collection<HealthEvent> events) {
    dispatcher.enqueue(events);
  }

  /** After a mutation released the server's monitor: starts delivery if it queued events. */
  void afterMutation(boolean queuedEvents) {
    if (queuedEvents) {
      dispatcher.kick();
    }
  }

  /** Builder of {@link HealthTracker}; not thread-safe. */
  public static final class Builder {
    private Ticker ticker = Ticker.systemTicker();
    private Scheduler scheduler = Scheduler.systemScheduler();
    private @Nullable Executor listenerExecutor;
    private @Nullable StateHook stateHook;
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Time source for every timed decision (default {@link Ticker#systemTicker()}).
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Where slow-start steps are scheduled (default {@link Scheduler#systemScheduler()}).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where listeners run (default: a shared pool of daemon threads). {@code Runnable::run} delivers on the thread
     * that caused the transition, after it released every lock: deterministic for tests, but then a slow listener
     * slows that thread.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "listenerExecutor");
      return this;
    }

    /**
     * The synchronous hook a router uses to see every routing-visible change before the call returns.
     *
     * @param hook the hook
     * @return this builder
     */
    public Builder stateHook(StateHook hook) {
      this.stateHook = Objects.requireNonNull(hook, "stateHook");
      return this;
    }

    /**
     * Adds an event listener.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(HealthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds an empty tracker.
     *
     * @return the tracker
     */
    public HealthTracker build() {
      return new HealthTracker(this);
    }
  }
}
