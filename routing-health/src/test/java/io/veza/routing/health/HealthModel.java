package io.veza.routing.health;

import java.util.ArrayList;
import java.util.List;

/**
 * Reference model of one server, written from DESIGN.md "Semantics to match (HAProxy)" and the HAProxy 2.6 sources
 * it cites (src/check.c {@code set_server_check_status}, {@code check_notify_failure/success}, {@code __health_adjust};
 * src/server.c {@code srv_set_running/stopping/stopped}, {@code srv_update_status}, {@code cli_parse_set_server},
 * {@code srv_getinter}), independently of {@link TrackedServer}. It only uses public value types to express its
 * expectations. Times are ticker readings in nanoseconds, compared by difference only.
 *
 * <p>Each operation appends the transitions it causes to {@code events} and every change of the routing-visible state
 * to {@code hooks}, in order.
 */
final class HealthModel {
  /** An expected event. */
  record Ev(String id, HealthEvent.Kind kind, HealthEvent.Cause cause) {}

  /** An expected call of the state hook, at ticker time {@code time}. */
  record Hook(String id, TrackedServer.State previous, TrackedServer.State current, long time) {}

  final String id;
  final int rise;
  final int fall;
  final long slowStart;
  final boolean envoy;
  final double aggression;
  final double minPercent;
  final ObserveMode observe;
  final int errorLimit;
  final OnErrorAction onError;
  final long inter;
  final long fastInter;
  final long downInter;

  int h;
  AdminState admin = AdminState.READY;
  int weight;
  boolean stopping;
  boolean ramping;
  long rampStart;
  int errors;
  boolean fastInterForced;
  boolean removed;

  TrackedServer.State published;
  // show stat
  long chkfail;
  long chkdown;
  long hanafail;
  CheckStatus lastCheck = CheckStatus.INITIALIZING;
  boolean checked;
  long lastCheckAt;
  long lastChange;
  long downtime;
  long downSince;

  final List<Ev> events;
  final List<Hook> hooks;

  HealthModel(String id, HealthPolicy p, int weight, long now, List<Ev> events, List<Hook> hooks) {
    this.id = id;
    this.events = events;
    this.hooks = hooks;
    rise = p.rise();
    fall = p.fall();
    slowStart = p.slowStart().toNanos();
    envoy = p.slowStartCurve().isEnvoy();
    aggression = p.slowStartCurve().aggression();
    minPercent = p.slowStartCurve().minWeightPercent();
    observe = p.observe();
    errorLimit = p.errorLimit();
    onError = p.onError();
    inter = p.inter().toNanos();
    fastInter = p.fastInter().toNanos();
    downInter = p.downInter().toNanos();
    this.weight = weight;
    h = switch (p.initialState()) {
      case FULLY_UP -> max();
      case UP -> rise;
      case DOWN -> rise - 1;
      case FULLY_DOWN -> 0;
    };
    lastChange = now;
    downSince = now;
    published = state(now);
    events.add(new Ev(id, HealthEvent.Kind.ADDED, HealthEvent.Cause.NONE));
  }

  int max() {
    return rise + fall - 1;
  }

  boolean up() {
    return admin != AdminState.MAINT && h >= rise;
  }

  OperationalState operational() {
    return !up() ? OperationalState.DOWN : stopping ? OperationalState.STOPPING : OperationalState.UP;
  }

  boolean rampingAt(long now) {
    return up() && ramping && now - rampStart < slowStart;
  }

  double effective(long now) {
    if (!up()) {
      return 0;
    }
    if (!ramping || now - rampStart >= slowStart) {
      return weight;
    }
    long t = now - rampStart;
    if (!envoy) {
      long k = 16 * t / slowStart; // DESIGN.md: weight * (floor(16t/S) + 1) / 16
      return weight * ((k + 1) / 16.0);
    }
    long k = 64 * t / slowStart; // Envoy's curve, published in 64 steps
    double f = Math.pow(k / 64.0, 1.0 / aggression);
    return weight * Math.max(f, minPercent / 100.0);
  }

  TrackedServer.State state(long now) {
    return new TrackedServer.State(operational(), admin, weight, effective(now));
  }

  ServerStatus status(long now) {
    return new ServerStatus(id, operational(), h, rise, fall, admin, weight, effective(now), rampingAt(now), errors,
        fastInterForced);
  }

  /** srv_getinter, plus the fastinter that an on-error action forces on the next check. */
  long interval() {
    if (!fastInterForced && h == max()) {
      return inter;
    }
    if (!up() && h == 0) {
      return downInter;
    }
    return fastInter;
  }

  long downtimeAt(long now) {
    return downtime + (published.isUp() ? 0 : now - downSince);
  }

  // ------------------------------------------------------------------ time

  /** The next time the slow-start ramp changes (a step, or its end at S), if ramping. */
  long nextRampBoundary(long now) {
    int steps = envoy ? 64 : 16;
    long t = now - rampStart;
    long k = steps * t / slowStart;
    long next = ((k + 1) * slowStart + steps - 1) / steps; // smallest t' with floor(steps t'/S) >= k+1
    return rampStart + Math.min(next, slowStart);
  }

  /**
   * Time passes from {@code from} to {@code target}: every ramp step on the way publishes at its own time, and the
   * end of the ramp is an event.
   */
  void advance(long from, long target) {
    long now = from;
    while (!removed && ramping) {
      long b = nextRampBoundary(now);
      if (b - target > 0) {
        return;
      }
      if (b - rampStart >= slowStart) {
        ramping = false;
        events.add(new Ev(id, HealthEvent.Kind.SLOW_START_FINISHED, HealthEvent.Cause.NONE));
      }
      publish(b);
      now = b;
    }
  }

  // ------------------------------------------------------------------ operations

  /** An active check result ({@code set_server_check_status} + {@code check_notify_success/failure}). */
  void check(CheckResult r, long now) {
    if (removed) {
      return;
    }
    Snapshot before = snapshot();
    lastCheck = r.status();
    checked = true;
    lastCheckAt = now;
    if (admin != AdminState.MAINT) { // checks are paused in MAINT: only the last result is kept
      fastInterForced = false;
      if (r.passed()) {
        if (observe != ObserveMode.NONE) {
          errors = 0;
        }
        if (h < max()) {
          h++;
          if (h >= rise) {
            h = max();
          }
        }
        if (h >= rise) {
          setRunning(now, before);
        }
      } else {
        failedCheck();
      }
    }
    after(before, now, HealthEvent.Cause.CHECK_FAILURES);
  }

  /**
   * A passive observation. kind: 0 connect ok, 1 connect failed, 2 HTTP status, 3 transport error. Counted in MAINT
   * too (HAProxy's health_adjust does not look at the admin state).
   */
  void observation(int kind, int status, long now) {
    Boolean error = classify(kind, status);
    if (removed || error == null) {
      return;
    }
    Snapshot before = snapshot();
    if (!error) {
      errors = 0;
    } else if (++errors >= errorLimit) {
      fastInterForced = true;
      hanafail++;
      switch (onError) {
        case FASTINTER -> { }
        case FAIL_CHECK -> hanaFailedCheck(now);
        case SUDDEN_DEATH -> {
          if (h > rise) {
            h = rise + 1;
          }
          hanaFailedCheck(now);
        }
        case MARK_DOWN -> {
          h = rise;
          hanaFailedCheck(now);
        }
      }
      errors = 0;
    }
    after(before, now, HealthEvent.Cause.OBSERVED_ERRORS);
  }

  /** HAProxy analyze_statuses, columns {layer4, layer7}: TRUE error, FALSE success, null ignored. */
  Boolean classify(int kind, int status) {
    return switch (observe) {
      case NONE -> null;
      case LAYER4 -> kind == 0 ? Boolean.FALSE : kind == 1 ? Boolean.TRUE : null;
      case LAYER7 -> switch (kind) {
        case 0 -> null;
        case 1, 3 -> Boolean.TRUE;
        default -> !((status >= 100 && status <= 499) || status == 501 || status == 505);
      };
    };
  }

  void admin(AdminState next, long now) {
    if (removed || next == admin) {
      return;
    }
    Snapshot before = snapshot();
    AdminState previous = admin;
    admin = next;
    if (next == AdminState.MAINT) {
      h = 0; // srv_update_status: maintenance sets the check's health to 0
      stopping = false;
      ramping = false;
    } else if (previous == AdminState.MAINT) {
      h = rise; // "start OK but check immediately"
      setRunning(now, before);
    }
    after(before, now, HealthEvent.Cause.MAINTENANCE);
  }

  void weight(int w, long now) {
    if (removed || w == weight) {
      return;
    }
    Snapshot before = snapshot();
    weight = w;
    after(before, now, HealthEvent.Cause.NONE);
  }

  /** {@code set server <b>/<s> health up|stopping|down} (cli_parse_set_server). */
  void force(OperationalState target, long now) {
    if (removed) {
      return;
    }
    Snapshot before = snapshot();
    switch (target) {
      case UP -> {
        h = max();
        setRunning(now, before);
      }
      case STOPPING -> {
        h = max();
        if (admin != AdminState.MAINT) { // srv_set_stopping ignores a server in maintenance
          stopping = true;
          ramping = false;
        }
      }
      case DOWN -> {
        h = 0;
        setStopped();
      }
    }
    after(before, now, HealthEvent.Cause.FORCED);
  }

  void remove() {
    if (!removed) {
      removed = true;
      events.add(new Ev(id, HealthEvent.Kind.REMOVED, HealthEvent.Cause.NONE));
    }
  }

  // ------------------------------------------------------------------ HAProxy helpers

  private void failedCheck() {
    if (h > 0) {
      chkfail++;
      h--;
      if (h < rise) {
        h = 0;
      }
    }
    if (h == 0) {
      setStopped();
    }
  }

  private void hanaFailedCheck(long now) {
    lastCheck = CheckStatus.HEALTH_ANALYZE;
    checked = true;
    lastCheckAt = now;
    failedCheck();
  }

  /** srv_set_running: from DOWN or STOPPING to running, through slow start; ignored in MAINT. */
  private void setRunning(long now, Snapshot before) {
    if (admin == AdminState.MAINT || before.op == OperationalState.UP) {
      return;
    }
    stopping = false;
    if (slowStart > 0) {
      ramping = true;
      rampStart = now;
    }
  }

  private void setStopped() {
    stopping = false;
    ramping = false;
  }

  private record Snapshot(AdminState admin, int weight, OperationalState op) {}

  private Snapshot snapshot() {
    return new Snapshot(admin, weight, operational());
  }

  /** Queues the operation's transitions (fixed order) and publishes the routing-visible change. */
  private void after(Snapshot before, long now, HealthEvent.Cause downCause) {
    if (!up()) {
      setStopped();
    }
    OperationalState op = operational();
    if (admin != before.admin) {
      events.add(new Ev(id, HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Cause.NONE));
    }
    if (weight != before.weight) {
      events.add(new Ev(id, HealthEvent.Kind.WEIGHT_CHANGED, HealthEvent.Cause.NONE));
    }
    if (before.op != OperationalState.DOWN && op == OperationalState.DOWN) {
      events.add(new Ev(id, HealthEvent.Kind.WENT_DOWN, downCause));
    } else if (before.op != OperationalState.UP && op == OperationalState.UP) {
      events.add(new Ev(id, HealthEvent.Kind.CAME_UP, HealthEvent.Cause.NONE));
    } else if (before.op != OperationalState.STOPPING && op == OperationalState.STOPPING) {
      events.add(new Ev(id, HealthEvent.Kind.STOPPING, HealthEvent.Cause.NONE));
    }
    publish(now);
  }

  private void publish(long now) {
    TrackedServer.State current = state(now);
    if (current.equals(published)) {
      return;
    }
    TrackedServer.State previous = published;
    if (previous.isUp() && !current.isUp()) {
      chkdown++;
      downSince = now;
      lastChange = now;
    } else if (!previous.isUp() && current.isUp()) {
      downtime += now - downSince;
      lastChange = now;
    } else if (previous.operational() != current.operational()
        || (previous.admin() == AdminState.DRAIN) != (current.admin() == AdminState.DRAIN)) {
      lastChange = now; // HAProxy also stamps last_change on entering or leaving DRAIN
    }
    published = current;
    hooks.add(new Hook(id, previous, current, now));
  }

  static List<Ev> events() {
    return new ArrayList<>();
  }
}
