package io.veza.routing.health;

import com.google.common.base.Preconditions;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Health of a fixed list of servers, following HAProxy's rules exactly, and the {@link HealthSnapshot} that routing
 * reads.
 *
 * <h2>Health counter</h2>
 * Each server has HAProxy's counter {@code h} in {@code [0, rise+fall-1]} and is UP iff {@code h >= rise} (and not
 * in MAINT). A failed check: if {@code h > 0}, {@code h--}, and if now {@code h < rise}, {@code h = 0}. A passed
 * check: if {@code h < rise+fall-1}, {@code h++}, and if now {@code h >= rise}, {@code h = rise+fall-1}. So from
 * full health exactly {@code fall} failures take it DOWN, from 0 exactly {@code rise} successes bring it UP, one
 * success while going down restores full health and one failure while going up resets to 0.
 *
 * <h2>Passive observation, admin states, slow start</h2>
 * See {@link ObserveMode}, {@link OnErrorAction}, {@link AdminState}, {@link SlowStartCurve}. Slow start runs when a
 * server comes UP from DOWN or from MAINT, never at startup. {@link #recordCheck} and the observations are ignored
 * while a server is in MAINT (HAProxy pauses its checks).
 *
 * <h2>Thread-safety and publication</h2>
 * All methods are thread-safe. Mutations of one server serialize on a per-server monitor; when a mutation changes
 * what routing sees (UP/DOWN, admin state, weight, effective weight) a new immutable snapshot is published by
 * copy-on-write with one volatile write, before the mutation's events are queued, so a listener always sees a
 * snapshot at least as new as its event. {@link #snapshot()} is one volatile read. Publication costs O(n) and
 * happens only on changes; a check or observation that changes nothing routing-visible (only the health counter,
 * the consecutive-error count or the fastinter flag, or nothing at all) takes one uncontended monitor and allocates
 * nothing: the state before the operation is remembered in primitive fields and statuses are built only for events.
 *
 * <h2>Events</h2>
 * Every transition is detected under the server's monitor (so exactly once, even under concurrency), numbered and
 * queued under one queue lock, and delivered outside the server monitors in queue order, one event at a time, by
 * whichever calling thread is draining the queue (see {@link HealthListener}). Snapshot listeners are called from
 * the same queue, in order, with each newer snapshot (a burst of publications may be coalesced to the latest).
 *
 * <h2>Time</h2>
 * Every timed decision reads the injected {@link Ticker} (default {@link Ticker#systemTicker()}). Slow-start
 * progress is time-dependent: call {@link #refresh()} (the {@link ActiveChecker} does) to publish ramp steps.
 */
public final class HealthTracker {
  private static final System.Logger LOG = System.getLogger(HealthTracker.class.getName());
  private static final Object SNAPSHOT_MARKER = new Object();

  /** Largest configurable weight (HAProxy {@code weight} is 0..256). */
  public static final int MAX_WEIGHT = 256;

  private final Ticker ticker;
  private final ServerHealth[] servers;
  private final ImmutableList<String> ids;
  private final ImmutableMap<String, Integer> indexById;

  private final Object publishLock = new Object();
  private volatile HealthSnapshot current;

  private final Object queueLock = new Object();
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // guarded by queueLock
  private long nextSequence; // guarded by queueLock
  private final AtomicBoolean delivering = new AtomicBoolean();
  private long lastDeliveredVersion; // only touched by the delivering thread

  private final CopyOnWriteArrayList<HealthListener> listeners = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<HealthSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
  // copy-on-write array rather than a CopyOnWriteArrayList: iterating it allocates no iterator (on-error path)
  private final Object hooksLock = new Object();
  private volatile IntConsumer[] checkNowHooks = new IntConsumer[0];

  private HealthTracker(Builder b) {
    this.ticker = b.ticker;
    long now = ticker.read();
    int n = b.ids.size();
    this.servers = new ServerHealth[n];
    for (int i = 0; i < n; i++) {
      servers[i] = new ServerHealth(i, b.ids.get(i), b.weights.get(i), b.policies.get(i), now);
    }
    this.ids = ImmutableList.copyOf(b.ids);
    this.indexById = ImmutableMap.copyOf(b.indexById);
    this.listeners.addAll(b.listeners);
    this.current = buildSnapshot(0, now);
  }

  /** A builder; servers get indexes 0..n-1 in the order they are added. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- reads

  /** The current snapshot: one volatile read, no allocation. */
  public HealthSnapshot snapshot() {
    return current;
  }

  /** Number of servers. */
  public int size() {
    return servers.length;
  }

  /** Server ids in index order. */
  public ImmutableList<String> ids() {
    return ids;
  }

  /** Index of the server with this id, or -1 if none. */
  public int indexOf(String id) {
    Integer i = indexById.get(id);
    return i == null ? -1 : i;
  }

  /** The policy of server {@code server}. */
  public HealthPolicy policy(int server) {
    return server(server).policy;
  }

  /** The ticker all timed decisions use. */
  public Ticker ticker() {
    return ticker;
  }

  /** Current status of one server (effective weight as of now). */
  public ServerStatus status(int server) {
    ServerHealth s = server(server);
    synchronized (s) {
      return s.status(ticker.read());
    }
  }

  /**
   * Interval before the next active check of this server (HAProxy {@code srv_getinter}): at full health
   * {@code inter}; DOWN with {@code h == 0} {@code downinter}; otherwise {@code fastinter}; and {@code fastinter}
   * for the next check after an {@code on-error} action. Spread jitter is applied by the scheduler, not here.
   */
  public Duration checkInterval(int server) {
    return Duration.ofNanos(checkIntervalNanos(server));
  }

  /** {@link #checkInterval(int)} in nanoseconds. */
  public long checkIntervalNanos(int server) {
    ServerHealth s = server(server);
    synchronized (s) {
      return s.checkIntervalNanos();
    }
  }

  // ---------------------------------------------------------------- listeners

  /** Adds an event listener (may be called at any time). */
  public void addListener(HealthListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes an event listener. */
  public void removeListener(HealthListener listener) {
    listeners.remove(listener);
  }

  /**
   * Adds a listener told of each newer published snapshot (versions strictly increase; a burst may be coalesced to
   * the latest). It is not called with the snapshot current at registration: read {@link #snapshot()} after adding.
   */
  public void addSnapshotListener(Consumer<HealthSnapshot> listener) {
    snapshotListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a snapshot listener. */
  public void removeSnapshotListener(Consumer<HealthSnapshot> listener) {
    snapshotListeners.remove(listener);
  }

  /** For {@link ActiveChecker}: told (outside locks) when a server's next check should run now / sooner. */
  void addCheckNowHook(IntConsumer hook) {
    Objects.requireNonNull(hook, "hook");
    synchronized (hooksLock) {
      IntConsumer[] hooks = Arrays.copyOf(checkNowHooks, checkNowHooks.length + 1);
      hooks[hooks.length - 1] = hook;
      checkNowHooks = hooks;
    }
  }

  void removeCheckNowHook(IntConsumer hook) {
    synchronized (hooksLock) {
      IntConsumer[] hooks = checkNowHooks;
      for (int i = 0; i < hooks.length; i++) {
        if (hooks[i].equals(hook)) {
          IntConsumer[] fewer = new IntConsumer[hooks.length - 1];
          System.arraycopy(hooks, 0, fewer, 0, i);
          System.arraycopy(hooks, i + 1, fewer, i, hooks.length - i - 1);
          checkNowHooks = fewer;
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------- mutations

  /** Records one active health-check result. Ignored while the server is in MAINT (checks are paused). */
  public void recordCheck(int server, boolean passed) {
    ServerHealth s = server(server);
    synchronized (s) {
      long now = ticker.read();
      prepare(s, now);
      s.recordCheck(passed, now);
      finish(s, now, HealthEvent.Cause.CHECK_FAILURES);
    }
    drain();
  }

  /** Reports the outcome of a connection attempt to the server (HAProxy {@code observe layer4}/{@code layer7}). */
  public void observeConnect(int server, boolean connected) {
    ServerHealth s = server(server);
    observe(s, s.classifyConnect(connected));
  }

  /** Reports the HTTP status a server answered with (counts only with {@code observe layer7}). */
  public void observeHttpStatus(int server, int status) {
    ServerHealth s = server(server);
    observe(s, s.classifyHttpStatus(status));
  }

  /** Reports a transport error after connect: read error, timeout, close (counts only with {@code observe layer7}). */
  public void observeTransportError(int server) {
    ServerHealth s = server(server);
    observe(s, s.classifyTransportError());
  }

  private void observe(ServerHealth s, ServerHealth.Observation o) {
    if (o == ServerHealth.Observation.IGNORED) {
      return;
    }
    int outcome;
    synchronized (s) {
      long now = ticker.read();
      if (o == ServerHealth.Observation.SUCCESS && s.consecutiveErrors() == 0 && !s.slowStartDue(now)) {
        return; // nothing changes: no allocation on the per-request path
      }
      prepare(s, now);
      outcome = s.observe(o, now);
      finish(s, now, HealthEvent.Cause.OBSERVED_ERRORS);
    }
    drain();
    if (outcome == ServerHealth.ERROR_LIMIT_REACHED) {
      fireCheckNow(s.index);
    }
  }

  /**
   * Sets the administrative state. Entering MAINT takes an UP server DOWN (cause {@code MAINTENANCE}) and pauses its
   * checks; leaving MAINT brings it UP with {@code h = rise} (through slow start) and asks for an immediate check.
   */
  public void setAdminState(int server, AdminState admin) {
    Objects.requireNonNull(admin, "admin");
    ServerHealth s = server(server);
    boolean leftMaint;
    synchronized (s) {
      long now = ticker.read();
      leftMaint = s.admin() == AdminState.MAINT && admin != AdminState.MAINT;
      prepare(s, now);
      s.setAdmin(admin, now);
      finish(s, now, HealthEvent.Cause.MAINTENANCE);
    }
    drain();
    if (leftMaint) {
      fireCheckNow(s.index);
    }
  }

  /**
   * Sets the configured weight (HAProxy {@code set weight}). 0 behaves like DRAIN.
   *
   * @throws IllegalArgumentException if {@code weight} is outside 0..256
   */
  public void setWeight(int server, int weight) {
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be in [0, 256], was " + weight);
    }
    ServerHealth s = server(server);
    synchronized (s) {
      long now = ticker.read();
      prepare(s, now);
      s.setWeight(weight);
      finish(s, now, HealthEvent.Cause.NONE);
    }
    drain();
  }

  /**
   * Re-evaluates time-dependent state (slow-start progress) of every server: publishes a snapshot if an effective
   * weight changed and emits {@code SLOW_START_FINISHED} for ramps that reached their end.
   *
   * @return nanoseconds until the next slow-start step of any server, or -1 if no server is ramping
   */
  public long refresh() {
    long next = -1;
    for (ServerHealth s : servers) {
      synchronized (s) {
        long now = ticker.read();
        prepare(s, now);
        finish(s, now, HealthEvent.Cause.NONE);
        long n = s.nanosUntilNextStep(now);
        if (n > 0 && (next < 0 || n < next)) {
          next = n;
        }
      }
    }
    drain();
    return next;
  }

  // ---------------------------------------------------------------- internals

  private ServerHealth server(int server) {
    Preconditions.checkElementIndex(server, servers.length, "server");
    return servers[server];
  }

  /**
   * Under s's monitor: finishes a due slow start (with its event) and marks the state before the operation in
   * {@code s}. Allocates only for that event: the "before" status is built by {@link #finish} only if needed.
   */
  private void prepare(ServerHealth s, long now) {
    if (s.slowStartDue(now)) {
      ServerStatus due = s.status(now);
      // status(now) already reads a due ramp as finished; the event's previous shows it still ramping
      ServerStatus ramping = new ServerStatus(due.index(), due.id(), due.up(), due.health(), due.rise(), due.fall(),
          due.admin(), due.weight(), due.effectiveWeight(), true, due.consecutiveErrors(), due.fastInterForced());
      s.finishSlowStart();
      ServerStatus finished = s.status(now);
      publishIfChanged(s, now);
      enqueue(List.of(new Pending(s, HealthEvent.Kind.SLOW_START_FINISHED, HealthEvent.Cause.NONE, ramping,
          finished, now)));
    }
    s.mark();
  }

  /**
   * Under s's monitor: publishes if the row changed, then queues the transitions between the marked state and now.
   * Only admin state, weight and UP/DOWN changes are events, so statuses are built only when one of them changed;
   * an operation that changed only counters (health, consecutive errors, fastinter flag) allocates nothing.
   */
  private void finish(ServerHealth s, long now, HealthEvent.Cause downCause) {
    publishIfChanged(s, now);
    if (s.admin() == s.markedAdmin() && s.weight() == s.markedWeight() && s.up() == s.markedUp()) {
      return;
    }
    ServerStatus before = s.markedStatus(now);
    ServerStatus after = s.status(now);
    List<Pending> events = new ArrayList<>(2);
    if (after.admin() != before.admin()) {
      events.add(new Pending(s, HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Cause.NONE, before, after, now));
    }
    if (after.weight() != before.weight()) {
      events.add(new Pending(s, HealthEvent.Kind.WEIGHT_CHANGED, HealthEvent.Cause.NONE, before, after, now));
    }
    if (before.up() && !after.up()) {
      HealthEvent.Cause cause = after.admin() == AdminState.MAINT ? HealthEvent.Cause.MAINTENANCE : downCause;
      events.add(new Pending(s, HealthEvent.Kind.WENT_DOWN, cause, before, after, now));
    } else if (!before.up() && after.up()) {
      events.add(new Pending(s, HealthEvent.Kind.CAME_UP, HealthEvent.Cause.NONE, before, after, now));
    }
    if (!events.isEmpty()) {
      enqueue(events);
    }
  }

  private record Pending(ServerHealth s, HealthEvent.Kind kind, HealthEvent.Cause cause, ServerStatus previous,
      ServerStatus current, long timeNanos) {}

  private void publishIfChanged(ServerHealth s, long now) {
    if (!s.rowChanged(now)) {
      return;
    }
    s.row = s.computeRow(now);
    synchronized (publishLock) {
      // every publication reads the latest row of every server, so publication order cannot lose an update
      current = buildSnapshot(current.version() + 1, now);
    }
    synchronized (queueLock) {
      queue.add(SNAPSHOT_MARKER);
    }
  }

  private HealthSnapshot buildSnapshot(long version, long now) {
    int n = servers.length;
    boolean[] up = new boolean[n];
    byte[] admin = new byte[n];
    int[] weight = new int[n];
    double[] eff = new double[n];
    for (int i = 0; i < n; i++) {
      ServerHealth.Row r = servers[i].row;
      up[i] = r.up();
      admin[i] = (byte) r.admin().ordinal();
      weight[i] = r.weight();
      eff[i] = r.effectiveWeight();
    }
    return new HealthSnapshot(version, now, ids, up, admin, weight, eff);
  }

  private void enqueue(List<Pending> events) {
    synchronized (queueLock) {
      for (Pending p : events) {
        queue.add(new HealthEvent(++nextSequence, p.s().index, p.s().id, p.kind(), p.cause(), p.previous(),
            p.current(), p.timeNanos()));
      }
    }
  }

  /** Delivers queued items in order, one at a time; returns at once if another thread is delivering. */
  private void drain() {
    while (delivering.compareAndSet(false, true)) {
      try {
        Object item;
        while ((item = poll()) != null) {
          deliver(item);
        }
      } finally {
        delivering.set(false);
      }
      synchronized (queueLock) {
        if (queue.isEmpty()) {
          return;
        }
      }
    }
  }

  private Object poll() {
    synchronized (queueLock) {
      return queue.poll();
    }
  }

  private void deliver(Object item) {
    if (item == SNAPSHOT_MARKER) {
      HealthSnapshot snap = current;
      if (snap.version() <= lastDeliveredVersion) {
        return;
      }
      lastDeliveredVersion = snap.version();
      for (Consumer<HealthSnapshot> l : snapshotListeners) {
        try {
          l.accept(snap);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "snapshot listener failed", e);
        }
      }
      return;
    }
    HealthEvent event = (HealthEvent) item;
    for (HealthListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "health listener failed on " + event, e);
      }
    }
  }

  private void fireCheckNow(int server) {
    for (IntConsumer hook : checkNowHooks) { // array: no iterator
      try {
        hook.accept(server);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "check scheduling hook failed", e);
      }
    }
  }

  /** Builder of {@link HealthTracker}; not thread-safe. */
  public static final class Builder {
    private Ticker ticker = Ticker.systemTicker();
    private final List<String> ids = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    private final List<HealthPolicy> policies = new ArrayList<>();
    private final Map<String, Integer> indexById = new LinkedHashMap<>();
    private final List<HealthListener> listeners = new ArrayList<>();

    private Builder() {}

    /** Time source for every timed decision (default {@link Ticker#systemTicker()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Adds a server; it gets the next index (0, 1, 2, ... in declaration order).
     *
     * @param id unique, non-empty server id
     * @param weight HAProxy {@code weight}, 0..256
     * @param policy its health policy
     * @throws IllegalArgumentException on a duplicate or empty id or a weight out of range
     */
    public Builder addServer(String id, int weight, HealthPolicy policy) {
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("id must be non-empty, was " + (id == null ? "null" : "\"\""));
      }
      if (indexById.containsKey(id)) {
        throw new IllegalArgumentException("id must be unique, was duplicate \"" + id + "\"");
      }
      if (weight < 0 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException("weight must be in [0, 256], was " + weight + " (server " + id + ")");
      }
      if (policy == null) {
        throw new IllegalArgumentException("policy must not be null, was null (server " + id + ")");
      }
      indexById.put(id, ids.size());
      ids.add(id);
      weights.add(weight);
      policies.add(policy);
      return this;
    }

    /** Adds a server with weight 1 (HAProxy's default) and {@link HealthPolicy#defaults()}. */
    public Builder addServer(String id) {
      return addServer(id, 1, HealthPolicy.defaults());
    }

    /** Number of servers added so far (the index the next server will get). */
    public int size() {
      return ids.size();
    }

    /** Adds an event listener. */
    public Builder listener(HealthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the tracker; servers start in their policy's {@link InitialState}, READY, without slow start. */
    public HealthTracker build() {
      return new HealthTracker(this);
    }
  }
}
