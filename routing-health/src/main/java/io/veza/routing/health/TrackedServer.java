package io.veza.routing.health;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One server as its {@link HealthTracker} sees it: HAProxy's health state machine (src/check.c
 * {@code set_server_check_status}, {@code __health_adjust}, {@code srv_getinter}; src/server.c admin and
 * {@code set server ... health} handling), its admin state, weight, slow start and check counters.
 *
 * <h2>Health counter</h2>
 * {@code h} lives in {@code [0, rise+fall-1]}; the server is UP iff {@code h >= rise} and it is not in MAINT. A
 * failed check: if {@code h > 0}, {@code h--}, and if now {@code h < rise}, {@code h = 0}. A passed check: if
 * {@code h < rise+fall-1}, {@code h++}, and if now {@code h >= rise}, {@code h = rise+fall-1}. A passed check also
 * ends {@link OperationalState#STOPPING}.
 *
 * <h2>Thread-safety and publication</h2>
 * Every method is thread-safe. Mutations of one server serialize on that server's monitor. When a mutation changes
 * what routing sees ({@link State}) the new state is published with one volatile write and the tracker's
 * synchronous {@link HealthTracker.StateHook} runs, still under the monitor, before the call returns; events are
 * then queued for the listeners, which run apart (see {@link HealthListener}). A call that changes nothing
 * routing-visible (a passed check at full health, a failed check at {@code h = 0}, a 2xx observation, an error
 * below {@code error-limit}) takes the uncontended monitor and allocates nothing.
 *
 * <h2>Removal</h2>
 * After {@link HealthTracker#remove(TrackedServer)} every mutation is ignored without error, so results of checks
 * and requests that were in flight can still be reported.
 */
public final class TrackedServer {

  /**
   * What routing needs to know of a server, published with one volatile write on every change. Immutable.
   *
   * @param operational DOWN, UP or STOPPING (MAINT reads as DOWN)
   * @param admin the administrative state
   * @param weight the configured weight, 0..256
   * @param effectiveWeight the weight with slow start applied; 0 while DOWN
   */
  public record State(OperationalState operational, AdminState admin, int weight, double effectiveWeight) {

    /**
     * Whether the server is UP or STOPPING (health counter at least {@code rise}, not in MAINT).
     *
     * @return whether it is up
     */
    public boolean isUp() {
      return operational != OperationalState.DOWN;
    }

    /**
     * Load-balancing eligibility: UP (not STOPPING), READY and effective weight &gt; 0.
     *
     * @return whether balancing may choose the server
     */
    public boolean isBalanceable() {
      return operational == OperationalState.UP && admin == AdminState.READY && effectiveWeight > 0;
    }

    /**
     * Persistence eligibility (cookie, stick table): not DOWN and not MAINT; DRAIN, STOPPING and weight 0 still
     * serve their sticky clients.
     *
     * @return whether a persistence cookie may choose the server
     */
    public boolean isCookieEligible() {
      return operational != OperationalState.DOWN;
    }
  }

  /** Outcome of a passive observation once classified for the server's {@code observe} mode. */
  enum Observation { SUCCESS, ERROR, IGNORED }

  private static final CheckResult INITIAL_CHECK = CheckResult.of(CheckStatus.INITIALIZING, 0, "", -1);

  private final HealthTracker tracker;
  private final String id;
  private final HealthPolicy policy;
  private final int rise;
  private final int maxHealth;
  private volatile @Nullable InetSocketAddress address;
  private volatile State state;

  // ---- guarded by this
  private int health;
  private AdminState admin = AdminState.READY;
  private int weight;
  private boolean stopping;
  private boolean slowStarting;
  private long slowStartBeginNanos;
  private int consecutiveErrors;
  private boolean fastInterForced;
  private boolean removed;
  private boolean queuedInPrepare;
  private @Nullable Future<?> slowStartTick;
  private final Runnable slowStartTask = this::slowStartTick;
  // check counters (HAProxy show stat: chkfail, chkdown, lastchg, downtime, hanafail, check_status...)
  private long checksFailed;
  private long downTransitions;
  private long observedFailures;
  private long lastChangeNanos;
  private long downtimeNanos;
  private long downSinceNanos; // meaningful while the published state is DOWN
  private CheckResult lastCheck = INITIAL_CHECK;
  private long lastCheckNanos; // meaningful once checked
  private boolean checked;

  // The state before the current operation, in fields so that an operation that changes nothing allocates nothing.
  private int markedHealth;
  private AdminState markedAdmin = AdminState.READY;
  private int markedWeight;
  private boolean markedStopping;
  private boolean markedSlowStarting;
  private long markedSlowStartBeginNanos;
  private int markedConsecutiveErrors;
  private boolean markedFastInterForced;

  TrackedServer(HealthTracker tracker, String id, int weight, HealthPolicy policy,
                @Nullable InetSocketAddress address, AdminState initialAdmin, long nowNanos) {
    this.tracker = tracker;
    this.id = id;
    this.policy = policy;
    this.rise = policy.rise();
    this.maxHealth = policy.maxHealth();
    this.weight = weight;
    this.address = address;
    this.health = switch (policy.initialState()) {
      case FULLY_UP -> maxHealth;
      case UP -> rise;
      case DOWN -> rise - 1;
      case FULLY_DOWN -> 0;
    };
    if (initialAdmin == AdminState.MAINT) {
      this.health = 0; // HAProxy resets the counter in maintenance; leaving it sets rise
    }
    this.admin = initialAdmin;
    this.lastChangeNanos = nowNanos;
    this.downSinceNanos = nowNanos;
    this.state = computeState(nowNanos);
  }

  // ------------------------------------------------------------------------------------------------ reads

  /**
   * The server's id, unique in its tracker.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The health policy the server was added with.
   *
   * @return the policy
   */
  public HealthPolicy policy() {
    return policy;
  }

  /**
   * The address checks connect to, or null if none was given.
   *
   * @return the address, or null
   */
  public @Nullable InetSocketAddress address() {
    return address;
  }

  /**
   * The routing-visible state: one volatile read, no allocation.
   *
   * @return the current state
   */
  public State state() {
    return state;
  }

  /**
   * Whether the server was removed from its tracker (mutations are then ignored).
   *
   * @return whether it was removed
   */
  public boolean isRemoved() {
    synchronized (this) {
      return removed;
    }
  }

  /**
   * The full status of the server, effective weight as of now. Allocates.
   *
   * @return a new status
   */
  public ServerStatus status() {
    synchronized (this) {
      return status(tracker.ticker().read());
    }
  }

  /**
   * The check counters of the server (what HAProxy's {@code show stat} reports about checks). Allocates.
   *
   * @return a new counters record, downtime including the current DOWN period
   */
  public CheckCounters counters() {
    synchronized (this) {
      long now = tracker.ticker().read();
      long downtime = downtimeNanos + (state.isUp() ? 0 : now - downSinceNanos);
      return new CheckCounters(checksFailed, downTransitions, observedFailures, now - lastChangeNanos, downtime,
          lastCheck, checked ? now - lastCheckNanos : -1);
    }
  }

  /**
   * Interval before the next active check (HAProxy {@code srv_getinter}): at full health {@code inter}; DOWN with
   * {@code h == 0} {@code downinter}; otherwise {@code fastinter}; and {@code fastinter} for the next check after an
   * {@code on-error} action. Spread jitter is the scheduler's.
   *
   * @return the interval
   */
  public Duration checkInterval() {
    return Duration.ofNanos(checkIntervalNanos());
  }

  long checkIntervalNanos() {
    synchronized (this) {
      if (!fastInterForced && health == maxHealth) {
        return policy.interNanos();
      }
      if (!up() && health == 0) {
        return policy.downInterNanos();
      }
      return policy.fastInterNanos();
    }
  }

  boolean fastInterForced() {
    synchronized (this) {
      return fastInterForced;
    }
  }

  boolean inMaintenance() {
    synchronized (this) {
      return admin == AdminState.MAINT;
    }
  }

  HealthTracker tracker() {
    return tracker;
  }

  // ------------------------------------------------------------------------------------------------ mutations

  /**
   * Records one active check result (HAProxy {@code set_server_check_status}). Ignored while in MAINT (checks are
   * paused there) apart from being remembered as the last check.
   *
   * @param result the result
   */
  public void recordCheck(CheckResult result) {
    Objects.requireNonNull(result, "result");
    boolean events;
    synchronized (this) {
      if (removed) {
        return;
      }
      long now = tracker.ticker().read();
      prepare(now);
      lastCheck = result;
      lastCheckNanos = now;
      checked = true;
      if (admin != AdminState.MAINT) {
        fastInterForced = false; // HAProxy clears CHK_ST_FASTINTER when the next check starts
        if (result.passed()) {
          if (policy.observe() != ObserveMode.NONE) {
            consecutiveErrors = 0; // HAProxy: a passed check clears consecutive_errors when observing
          }
          passCheck(now);
        } else {
          failCheck();
        }
      }
      events = finish(now, HealthEvent.Cause.CHECK_FAILURES, result);
    }
    tracker.afterMutation(events);
  }

  /**
   * Records one active check that only knows pass or fail.
   *
   * @param passed whether the check passed
   */
  public void recordCheck(boolean passed) {
    recordCheck(CheckResult.of(passed));
  }

  /**
   * Reports the outcome of a connection attempt (HAProxy {@code observe layer4}; with {@code layer7} only failures
   * count).
   *
   * @param connected whether the connection was established
   */
  public void observeConnect(boolean connected) {
    Observation o = switch (policy.observe()) {
      case NONE -> Observation.IGNORED;
      case LAYER4 -> connected ? Observation.SUCCESS : Observation.ERROR;
      case LAYER7 -> connected ? Observation.IGNORED : Observation.ERROR;
    };
    observe(o, connected ? "L4 successful connection" : "L4 unsuccessful connection");
  }

  /**
   * Reports the HTTP status the server answered with (counts only with {@code observe layer7}): 100-499, 501 and
   * 505 are fine, every other status is an error.
   *
   * @param status the HTTP status
   */
  public void observeHttpStatus(int status) {
    if (policy.observe() != ObserveMode.LAYER7) {
      return;
    }
    boolean ok = isHealthyHttpStatus(status);
    observe(ok ? Observation.SUCCESS : Observation.ERROR, ok ? "Correct http response" : "Wrong http response");
  }

  /** Reports a transport error after connect: read error, timeout, close (counts only with {@code observe layer7}). */
  public void observeTransportError() {
    if (policy.observe() != ObserveMode.LAYER7) {
      return;
    }
    observe(Observation.ERROR, "Read error (http)");
  }

  /** HAProxy {@code analyze_statuses}: 100..499, 501 and 505 are fine; every other status is an error. */
  static boolean isHealthyHttpStatus(int status) {
    return (status >= 100 && status < 500) || status == 501 || status == 505;
  }

  /**
   * HAProxy {@code __health_adjust}. Errors are counted in MAINT too, as HAProxy does (its {@code health_adjust} does
   * not look at the admin state): an {@code on-error} action there changes the counter and the counters, never the
   * state, and leaving MAINT resets the counter to {@code rise} anyway.
   */
  private void observe(Observation o, String what) {
    if (o == Observation.IGNORED) {
      return;
    }
    boolean limitReached = false;
    boolean events;
    synchronized (this) {
      if (removed) {
        return;
      }
      long now = tracker.ticker().read();
      if (o == Observation.SUCCESS) {
        if (consecutiveErrors == 0 && !slowStartDue(now)) {
          return; // nothing changes: no allocation on the per-request path
        }
        prepare(now);
        consecutiveErrors = 0;
        events = finish(now, HealthEvent.Cause.NONE, null);
      } else {
        prepare(now);
        CheckResult hana = null;
        if (++consecutiveErrors >= policy.errorLimit()) {
          limitReached = true;
          fastInterForced = true; // every mode forces fastinter for the next check
          if (policy.onError() != OnErrorAction.FASTINTER) { // fastinter simulates no check: nothing to report
            hana = CheckResult.of(CheckStatus.HEALTH_ANALYZE, 0,
                "Detected " + consecutiveErrors + " consecutive errors, last one was: " + what, -1);
          }
          switch (policy.onError()) {
            case FASTINTER -> { }
            case SUDDEN_DEATH -> {
              if (health > rise) {
                health = rise + 1;
              }
              failCheck();
            }
            case FAIL_CHECK -> failCheck();
            case MARK_DOWN -> {
              health = rise;
              failCheck();
            }
          }
          if (hana != null) { // the simulated failed check is the last check
            lastCheck = hana;
            lastCheckNanos = now;
            checked = true;
          }
          consecutiveErrors = 0;
          observedFailures++;
        }
        events = finish(now, HealthEvent.Cause.OBSERVED_ERRORS, hana);
      }
    }
    tracker.afterMutation(events);
    if (limitReached) {
      tracker.checkSooner(this);
    }
  }

  /**
   * Sets the administrative state (HAProxy {@code set server ... state}). Entering MAINT takes an UP server DOWN
   * (cause {@code MAINTENANCE}) and pauses its checks; leaving MAINT brings it UP with {@code h = rise} ("start OK but
   * check immediately", src/server.c), through slow start, and asks for an immediate check.
   *
   * @param next the new state
   */
  public void setAdminState(AdminState next) {
    Objects.requireNonNull(next, "admin");
    boolean leftMaint;
    boolean events;
    synchronized (this) {
      if (removed || next == admin) {
        return;
      }
      long now = tracker.ticker().read();
      prepare(now);
      AdminState previous = admin;
      admin = next;
      leftMaint = previous == AdminState.MAINT;
      if (next == AdminState.MAINT) {
        health = 0;
        stopping = false;
        slowStarting = false;
      } else if (leftMaint) {
        health = rise;
        cameUp(now);
      }
      events = finish(now, HealthEvent.Cause.MAINTENANCE, null);
    }
    tracker.afterMutation(events);
    if (leftMaint) {
      tracker.checkSooner(this);
    }
  }

  /**
   * Sets the configured weight (HAProxy {@code set server ... weight}); 0 behaves like DRAIN.
   *
   * @param newWeight 0..{@value HealthTracker#MAX_WEIGHT}
   * @throws IllegalArgumentException if out of range
   */
  public void setWeight(int newWeight) {
    if (newWeight < 0 || newWeight > HealthTracker.MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be in [0, " + HealthTracker.MAX_WEIGHT + "], was " + newWeight
          + " (server " + id + ")");
    }
    boolean events;
    synchronized (this) {
      if (removed || newWeight == weight) {
        return;
      }
      long now = tracker.ticker().read();
      prepare(now);
      weight = newWeight;
      events = finish(now, HealthEvent.Cause.NONE, null);
    }
    tracker.afterMutation(events);
  }

  /**
   * Forces the operational state as HAProxy's {@code set server <b>/<s> health up|stopping|down} does
   * (src/server.c {@code cli_parse_set_server}): {@code UP} sets full health and runs the server (through slow start
   * if it was not running), {@code STOPPING} sets full health and soft-stops it (no new load-balanced traffic,
   * persistent clients still served, until the next passed check), {@code DOWN} sets {@code h = 0}. In MAINT only
   * the counter changes, as in HAProxy, and leaving MAINT sets it to {@code rise} anyway.
   *
   * @param target the state to force
   */
  public void forceHealth(OperationalState target) {
    Objects.requireNonNull(target, "target");
    boolean events;
    synchronized (this) {
      if (removed) {
        return;
      }
      long now = tracker.ticker().read();
      prepare(now);
      boolean wasRunning = up() && !stopping;
      switch (target) {
        case UP -> {
          health = maxHealth;
          if (admin != AdminState.MAINT) {
            stopping = false;
            if (!wasRunning) {
              cameUp(now);
            }
          }
        }
        case STOPPING -> {
          health = maxHealth;
          if (admin != AdminState.MAINT) {
            stopping = true;
            slowStarting = false;
          }
        }
        case DOWN -> {
          health = 0;
          stopping = false;
          slowStarting = false;
        }
      }
      events = finish(now, HealthEvent.Cause.FORCED, null);
    }
    tracker.afterMutation(events);
  }

  /**
   * Changes the address checks connect to (HAProxy {@code set server ... addr}); health state is kept.
   *
   * @param newAddress the new address
   */
  public void setAddress(InetSocketAddress newAddress) {
    this.address = Objects.requireNonNull(newAddress, "address");
  }

  // ------------------------------------------------------------------------------------------------ internals

  private boolean up() {
    return admin != AdminState.MAINT && health >= rise;
  }

  private void passCheck(long now) {
    boolean wasRunning = up() && !stopping;
    if (health < maxHealth) {
      health++;
      if (health >= rise) {
        health = maxHealth;
      }
    }
    if (up()) {
      stopping = false; // check_notify_success: srv_set_running, also from STOPPING
      if (!wasRunning) {
        cameUp(now);
      }
    }
  }

  private void failCheck() {
    if (health > 0) {
      checksFailed++; // HAProxy counts failed_checks only while health > 0
      health--;
      if (health < rise) {
        health = 0;
      }
    }
    if (!up()) {
      stopping = false;
      slowStarting = false;
    }
  }

  /** Slow start begins whenever the server starts running again (HAProxy {@code SRV_ST_STARTING}), never at creation. */
  private void cameUp(long now) {
    if (policy.slowStartNanos() > 0) {
      slowStarting = true;
      slowStartBeginNanos = now;
    }
  }

  private boolean slowStartDue(long now) {
    return slowStarting && now - slowStartBeginNanos >= policy.slowStartNanos();
  }

  private double effectiveWeight(long now) {
    if (!up()) {
      return 0.0;
    }
    if (!slowStarting) {
      return weight;
    }
    return weight * policy.slowStartCurve().factor(now - slowStartBeginNanos, policy.slowStartNanos());
  }

  private OperationalState operational() {
    return !up() ? OperationalState.DOWN : stopping ? OperationalState.STOPPING : OperationalState.UP;
  }

  private State computeState(long now) {
    return new State(operational(), admin, weight, effectiveWeight(now));
  }

  private boolean stateChanged(long now) {
    State s = state;
    return operational() != s.operational() || admin != s.admin() || weight != s.weight()
        || Double.compare(effectiveWeight(now), s.effectiveWeight()) != 0;
  }

  ServerStatus status(long now) {
    return status(health, admin, weight, stopping, slowStarting, slowStartBeginNanos, consecutiveErrors,
        fastInterForced, now);
  }

  private ServerStatus status(int h, AdminState a, int w, boolean stop, boolean ramp, long begin, int errors,
                              boolean fastInter, long now) {
    boolean isUp = a != AdminState.MAINT && h >= rise;
    OperationalState op = !isUp ? OperationalState.DOWN : stop ? OperationalState.STOPPING : OperationalState.UP;
    boolean ramping = isUp && ramp && now - begin < policy.slowStartNanos();
    double eff = !isUp ? 0.0 : !ramp ? w : w * policy.slowStartCurve().factor(now - begin, policy.slowStartNanos());
    return new ServerStatus(id, op, h, rise, policy.fall(), a, w, eff, ramping, errors, fastInter);
  }

  /**
   * Under the monitor: ends a ramp that is due (with its event, which precedes the operation's own) and remembers
   * the state before the operation.
   */
  private void prepare(long now) {
    queuedInPrepare = false;
    if (slowStartDue(now)) {
      ServerStatus finishedAt = status(now); // a due ramp already reads as finished
      ServerStatus ramping = new ServerStatus(id, finishedAt.operational(), finishedAt.health(), rise,
          policy.fall(), finishedAt.admin(), finishedAt.weight(), state.effectiveWeight(), true,
          finishedAt.consecutiveErrors(), finishedAt.fastInterForced());
      slowStarting = false;
      publishIfChanged(now);
      tracker.enqueue(List.of(new HealthEvent(0, this, id, HealthEvent.Kind.SLOW_START_FINISHED,
          HealthEvent.Cause.NONE, ramping, status(now), now, null)));
      queuedInPrepare = true;
    }
    markedHealth = health;
    markedAdmin = admin;
    markedWeight = weight;
    markedStopping = stopping;
    markedSlowStarting = slowStarting;
    markedSlowStartBeginNanos = slowStartBeginNanos;
    markedConsecutiveErrors = consecutiveErrors;
    markedFastInterForced = fastInterForced;
  }

  private void publishIfChanged(long now) {
    if (!stateChanged(now)) {
      return;
    }
    State previous = state;
    State current = computeState(now);
    state = current;
    boolean wasUp = previous.isUp();
    if (wasUp != current.isUp()) {
      lastChangeNanos = now;
      if (wasUp) {
        downTransitions++;
        downSinceNanos = now;
      } else {
        downtimeNanos += now - downSinceNanos;
      }
    } else if (previous.operational() != current.operational()
        || (previous.admin() == AdminState.DRAIN) != (current.admin() == AdminState.DRAIN)) {
      lastChangeNanos = now; // HAProxy srv_update_status also stamps last_change on entering or leaving DRAIN
    }
    tracker.stateChanged(this, previous, current);
  }

  /**
   * Under the monitor: publishes the routing-visible state if it changed, keeps the slow-start timer in step, and
   * queues the transitions between the marked state and now. Returns whether events were queued.
   */
  private boolean finish(long now, HealthEvent.Cause downCause, @Nullable CheckResult check) {
    publishIfChanged(now);
    if (slowStarting && (!markedSlowStarting || markedSlowStartBeginNanos != slowStartBeginNanos)) {
      scheduleSlowStartTick(now);
    } else if (!slowStarting && slowStartTick != null) {
      slowStartTick.cancel(false);
      slowStartTick = null;
    }
    boolean markedUp = markedAdmin != AdminState.MAINT && markedHealth >= rise;
    boolean markedRunning = markedUp && !markedStopping;
    boolean running = up() && !stopping;
    if (admin == markedAdmin && weight == markedWeight && up() == markedUp && running == markedRunning) {
      return queuedInPrepare;
    }
    ServerStatus before = status(markedHealth, markedAdmin, markedWeight, markedStopping, markedSlowStarting,
        markedSlowStartBeginNanos, markedConsecutiveErrors, markedFastInterForced, now);
    ServerStatus after = status(now);
    List<HealthEvent> events = new ArrayList<>(2);
    if (admin != markedAdmin) {
      events.add(event(HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Cause.NONE, before, after, now, null));
    }
    if (weight != markedWeight) {
      events.add(event(HealthEvent.Kind.WEIGHT_CHANGED, HealthEvent.Cause.NONE, before, after, now, null));
    }
    if (markedUp && !up()) {
      events.add(event(HealthEvent.Kind.WENT_DOWN, downCause, before, after, now, check));
    } else if (!markedRunning && running) {
      events.add(event(HealthEvent.Kind.CAME_UP, HealthEvent.Cause.NONE, before, after, now, check));
    } else if (up() && stopping && !(markedUp && markedStopping)) {
      events.add(event(HealthEvent.Kind.STOPPING, HealthEvent.Cause.NONE, before, after, now, check));
    }
    tracker.enqueue(events);
    return true;
  }

  private HealthEvent event(HealthEvent.Kind kind, HealthEvent.Cause cause, ServerStatus before, ServerStatus after,
                            long now, @Nullable CheckResult check) {
    return new HealthEvent(0, this, id, kind, cause, before, after, now, check);
  }

  private void scheduleSlowStartTick(long now) {
    if (slowStartTick != null) {
      slowStartTick.cancel(false);
    }
    long delay = policy.slowStartCurve().nanosUntilNextStep(now - slowStartBeginNanos, policy.slowStartNanos());
    slowStartTick = tracker.scheduler().schedule(slowStartTask, Math.max(1, delay), TimeUnit.NANOSECONDS);
  }

  /** Runs at each slow-start step: publishes the new effective weight, and the end of the ramp. */
  private void slowStartTick() {
    boolean events;
    synchronized (this) {
      if (removed || !slowStarting) {
        return;
      }
      long now = tracker.ticker().read();
      prepare(now);
      events = finish(now, HealthEvent.Cause.NONE, null);
      if (slowStarting) {
        scheduleSlowStartTick(now);
      } else {
        slowStartTick = null;
      }
    }
    tracker.afterMutation(events);
  }

  /** Marks the server removed (under its monitor) and returns its final status, or null if it already was. */
  @Nullable ServerStatus markRemoved() {
    synchronized (this) {
      if (removed) {
        return null;
      }
      removed = true;
      if (slowStartTick != null) {
        slowStartTick.cancel(false);
        slowStartTick = null;
      }
      return status(tracker.ticker().read());
    }
  }

  @Override
  public String toString() {
    return "TrackedServer{" + id + ", " + state + '}';
  }
}
