package io.veza.routing.health;

import java.util.ArrayList;
import java.util.List;

/**
 * Reference model of one server, written directly from DESIGN.md "Semantics to match (HAProxy)" and the HAProxy
 * source it cites, independent of {@link ServerHealth}. Times are in nanoseconds.
 */
final class HealthModel {
  record Ev(HealthEvent.Kind kind, HealthEvent.Cause cause) {}

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
  boolean ramping;
  long rampStart;
  int errors;
  boolean forced;

  HealthModel(HealthPolicy p, int weight) {
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
      case FULLY_UP -> rise + fall - 1;
      case UP -> rise;
      case DOWN -> rise - 1;
      case FULLY_DOWN -> 0;
    };
  }

  boolean up() {
    return admin != AdminState.MAINT && h >= rise;
  }

  boolean rampingAt(long now) {
    return ramping && now - rampStart < slowStart;
  }

  double effective(long now) {
    if (!up()) {
      return 0;
    }
    if (!rampingAt(now)) {
      return weight;
    }
    long t = now - rampStart;
    if (!envoy) {
      // DESIGN.md: weight * (floor(16*t/S) + 1) / 16
      long k = (16 * t) / slowStart;
      return weight * (k + 1) / 16.0;
    }
    long k = (64 * t) / slowStart; // published in 64 steps
    double f = Math.pow(k / 64.0, 1.0 / aggression);
    return weight * Math.max(f, minPercent / 100.0);
  }

  long interval() {
    if (!forced && h == rise + fall - 1) {
      return inter;
    }
    if (!up() && h == 0) {
      return downInter;
    }
    return fastInter;
  }

  /** Due slow-start end, checked before every operation. */
  void tick(long now, List<Ev> out) {
    if (ramping && now - rampStart >= slowStart) {
      ramping = false;
      out.add(new Ev(HealthEvent.Kind.SLOW_START_FINISHED, HealthEvent.Cause.NONE));
    }
  }

  private void failed() {
    if (h > 0) {
      h--;
      if (h < rise) {
        h = 0;
      }
    }
  }

  private void passed() {
    if (h < rise + fall - 1) {
      h++;
      if (h >= rise) {
        h = rise + fall - 1;
      }
    }
  }

  private void transitions(boolean wasUp, long now, HealthEvent.Cause cause, List<Ev> out) {
    if (wasUp && !up()) {
      ramping = false;
      out.add(new Ev(HealthEvent.Kind.WENT_DOWN, cause));
    } else if (!wasUp && up()) {
      if (slowStart > 0) {
        ramping = true;
        rampStart = now;
      }
      out.add(new Ev(HealthEvent.Kind.CAME_UP, HealthEvent.Cause.NONE));
    }
  }

  void check(boolean ok, long now, List<Ev> out) {
    tick(now, out);
    if (admin == AdminState.MAINT) {
      return;
    }
    boolean wasUp = up();
    forced = false;
    if (ok) {
      if (observe != ObserveMode.NONE) {
        errors = 0;
      }
      passed();
    } else {
      failed();
    }
    transitions(wasUp, now, HealthEvent.Cause.CHECK_FAILURES, out);
  }

  /** Whether an observation changes or may change state (an error, or a success resetting a count, or a due ramp end). */
  boolean observationActs(int kind, int status, long now) {
    Boolean error = classify(kind, status);
    return error != null && (error || errors > 0 || (ramping && now - rampStart >= slowStart));
  }

  private Boolean classify(int kind, int status) {
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

  /** kind: 0 connect ok, 1 connect failed, 2 http status, 3 transport error. */
  void observation(int kind, int status, long now, List<Ev> out) {
    Boolean error = classify(kind, status);
    if (error == null) {
      return; // not counted by this observe mode: the operation does nothing at all
    }
    tick(now, out);
    if (admin == AdminState.MAINT) {
      return;
    }
    if (!error) {
      errors = 0;
      return;
    }
    errors++;
    if (errors < errorLimit) {
      return;
    }
    boolean wasUp = up();
    forced = true;
    switch (onError) {
      case FASTINTER -> { }
      case FAIL_CHECK -> failed();
      case SUDDEN_DEATH -> {
        h = Math.min(h, rise + 1);
        failed();
      }
      case MARK_DOWN -> h = 0;
    }
    errors = 0;
    transitions(wasUp, now, HealthEvent.Cause.OBSERVED_ERRORS, out);
  }

  void admin(AdminState next, long now, List<Ev> out) {
    tick(now, out);
    if (next == admin) {
      return;
    }
    boolean wasUp = up();
    AdminState prev = admin;
    admin = next;
    if (next == AdminState.MAINT) {
      h = 0;
    } else if (prev == AdminState.MAINT) {
      h = rise;
    }
    out.add(new Ev(HealthEvent.Kind.ADMIN_STATE_CHANGED, HealthEvent.Cause.NONE));
    transitions(wasUp, now, HealthEvent.Cause.MAINTENANCE, out);
  }

  void weight(int w, long now, List<Ev> out) {
    tick(now, out);
    if (w != weight) {
      weight = w;
      out.add(new Ev(HealthEvent.Kind.WEIGHT_CHANGED, HealthEvent.Cause.NONE));
    }
  }

  static List<Ev> list() {
    return new ArrayList<>();
  }
}
