package io.veza.routing.health;

/**
 * Mutable health state machine of one server: HAProxy's rules (src/check.c {@code set_server_check_status},
 * {@code __health_adjust}, {@code srv_getinter}; src/server.c maintenance handling), with time passed in
 * explicitly. Not thread-safe: {@link HealthTracker} calls it under the instance's monitor.
 */
final class ServerHealth {
  /** Outcome of a passive observation once classified for the server's {@code observe} mode. */
  enum Observation { SUCCESS, ERROR, IGNORED }

  /** What an on-error action did, for the caller's bookkeeping. */
  static final int NOTHING = 0;
  static final int ERROR_LIMIT_REACHED = 1;

  final int index;
  final String id;
  final HealthPolicy policy;
  private final int rise;
  private final int maxHealth;

  private int health;
  private AdminState admin = AdminState.READY;
  private int weight;
  private boolean slowStarting;
  private long slowStartBeginNanos;
  private int consecutiveErrors;
  private boolean fastInterForced;

  // The state as of the last mark(): the "before" of an operation, kept in fields (not a ServerStatus) so that an
  // operation that changes nothing routing-visible allocates nothing; the status is built only for an event.
  private int markedHealth;
  private AdminState markedAdmin;
  private int markedWeight;
  private boolean markedSlowStarting;
  private long markedSlowStartBeginNanos;
  private int markedConsecutiveErrors;
  private boolean markedFastInterForced;

  /** Last row this server contributed to a published snapshot (written under this monitor). */
  volatile Row row;

  /** One server's part of a {@link HealthSnapshot}. */
  record Row(boolean up, AdminState admin, int weight, double effectiveWeight) {}

  ServerHealth(int index, String id, int weight, HealthPolicy policy, long nowNanos) {
    this.index = index;
    this.id = id;
    this.policy = policy;
    this.rise = policy.rise();
    this.maxHealth = policy.maxHealth();
    this.weight = weight;
    this.health = switch (policy.initialState()) {
      case FULLY_UP -> maxHealth;
      case UP -> rise;
      case DOWN -> rise - 1;
      case FULLY_DOWN -> 0;
    };
    this.row = computeRow(nowNanos);
  }

  boolean up() {
    return admin != AdminState.MAINT && health >= rise;
  }

  int health() {
    return health;
  }

  AdminState admin() {
    return admin;
  }

  int weight() {
    return weight;
  }

  int consecutiveErrors() {
    return consecutiveErrors;
  }

  /** Whether the ramp is still in progress at {@code now} (a due-but-unfinished ramp reads as finished). */
  boolean slowStarting(long nowNanos) {
    return slowStarting && nowNanos - slowStartBeginNanos < policy.slowStartNanos();
  }

  /** Whether the ramp has reached its end but has not been marked finished yet. */
  boolean slowStartDue(long nowNanos) {
    return slowStarting && nowNanos - slowStartBeginNanos >= policy.slowStartNanos();
  }

  void finishSlowStart() {
    slowStarting = false;
  }

  /** Nanoseconds until this server's effective weight next changes by slow start, or -1 if not ramping. */
  long nanosUntilNextStep(long nowNanos) {
    if (!slowStarting || !up()) {
      return -1;
    }
    return policy.slowStartCurve().nanosUntilNextStep(nowNanos - slowStartBeginNanos, policy.slowStartNanos());
  }

  double effectiveWeight(long nowNanos) {
    return effectiveWeight(up(), weight, slowStarting, slowStartBeginNanos, nowNanos);
  }

  private double effectiveWeight(boolean up, int weight, boolean slowStarting, long beginNanos, long nowNanos) {
    if (!up) {
      return 0.0;
    }
    if (!slowStarting) {
      return weight;
    }
    return weight * policy.slowStartCurve().factor(nowNanos - beginNanos, policy.slowStartNanos());
  }

  Row computeRow(long nowNanos) {
    return new Row(up(), admin, weight, effectiveWeight(nowNanos));
  }

  /** Whether {@link #computeRow} differs from {@link #row} (as {@code Row.equals} decides), without allocating. */
  boolean rowChanged(long nowNanos) {
    Row r = row;
    return up() != r.up() || admin != r.admin() || weight != r.weight()
        || Double.compare(effectiveWeight(nowNanos), r.effectiveWeight()) != 0;
  }

  ServerStatus status(long nowNanos) {
    return status(health, admin, weight, slowStarting, slowStartBeginNanos, consecutiveErrors, fastInterForced,
        nowNanos);
  }

  private ServerStatus status(int health, AdminState admin, int weight, boolean slowStarting, long beginNanos,
      int consecutiveErrors, boolean fastInterForced, long nowNanos) {
    boolean up = admin != AdminState.MAINT && health >= rise;
    boolean ramping = slowStarting && nowNanos - beginNanos < policy.slowStartNanos();
    return new ServerStatus(index, id, up, health, rise, policy.fall(), admin, weight,
        effectiveWeight(up, weight, slowStarting, beginNanos, nowNanos), ramping, consecutiveErrors, fastInterForced);
  }

  /** Remembers the current state as the "before" of an operation (see {@link #markedStatus}). */
  void mark() {
    markedHealth = health;
    markedAdmin = admin;
    markedWeight = weight;
    markedSlowStarting = slowStarting;
    markedSlowStartBeginNanos = slowStartBeginNanos;
    markedConsecutiveErrors = consecutiveErrors;
    markedFastInterForced = fastInterForced;
  }

  /** What {@link #status} returned at {@code nowNanos} when {@link #mark} was called. */
  ServerStatus markedStatus(long nowNanos) {
    return status(markedHealth, markedAdmin, markedWeight, markedSlowStarting, markedSlowStartBeginNanos,
        markedConsecutiveErrors, markedFastInterForced, nowNanos);
  }

  boolean markedUp() {
    return markedAdmin != AdminState.MAINT && markedHealth >= rise;
  }

  AdminState markedAdmin() {
    return markedAdmin;
  }

  int markedWeight() {
    return markedWeight;
  }

  /**
   * One active check result (HAProxy {@code set_server_check_status}). Ignored in MAINT (checks are paused).
   * Clears the on-error fastinter flag (HAProxy clears {@code CHK_ST_FASTINTER} when the next check starts).
   */
  void recordCheck(boolean passed, long nowNanos) {
    if (admin == AdminState.MAINT) {
      return;
    }
    fastInterForced = false;
    if (passed) {
      if (policy.observe() != ObserveMode.NONE) {
        consecutiveErrors = 0; // HAProxy: a passed check clears consecutive_errors when observing
      }
      passCheck(nowNanos);
    } else {
      failCheck();
    }
  }

  private void passCheck(long nowNanos) {
    boolean wasUp = up();
    if (health < maxHealth) {
      health++;
      if (health >= rise) {
        health = maxHealth;
      }
    }
    if (!wasUp && up()) {
      cameUp(nowNanos);
    }
  }

  private void failCheck() {
    if (health > 0) {
      health--;
      if (health < rise) {
        health = 0;
      }
    }
    if (!up()) {
      slowStarting = false;
    }
  }

  private void cameUp(long nowNanos) {
    if (policy.slowStartNanos() > 0) {
      slowStarting = true;
      slowStartBeginNanos = nowNanos;
    }
  }

  /** Classification of a connection outcome (HAProxy {@code HANA_STATUS_L4_OK} / {@code L4_ERR}). */
  Observation classifyConnect(boolean connected) {
    return switch (policy.observe()) {
      case NONE -> Observation.IGNORED;
      case LAYER4 -> connected ? Observation.SUCCESS : Observation.ERROR;
      case LAYER7 -> connected ? Observation.IGNORED : Observation.ERROR;
    };
  }

  /** Classification of an HTTP status (HAProxy {@code HANA_STATUS_HTTP_OK} / {@code HTTP_STS}). */
  Observation classifyHttpStatus(int status) {
    if (policy.observe() != ObserveMode.LAYER7) {
      return Observation.IGNORED;
    }
    return isHealthyHttpStatus(status) ? Observation.SUCCESS : Observation.ERROR;
  }

  /** Classification of a transport error after connect (HAProxy {@code HANA_STATUS_HTTP_READ_ERROR} etc.). */
  Observation classifyTransportError() {
    return policy.observe() == ObserveMode.LAYER7 ? Observation.ERROR : Observation.IGNORED;
  }

  /** HAProxy http_ana.c: 100..499, 501 and 505 are fine; every other status is an error. */
  static boolean isHealthyHttpStatus(int status) {
    return (status >= 100 && status < 500) || status == 501 || status == 505;
  }

  /**
   * One classified observation (HAProxy {@code __health_adjust}). Ignored in MAINT.
   *
   * @return {@link #ERROR_LIMIT_REACHED} if the on-error action ran, else {@link #NOTHING}
   */
  int observe(Observation o, long nowNanos) {
    if (o == Observation.IGNORED || admin == AdminState.MAINT) {
      return NOTHING;
    }
    if (o == Observation.SUCCESS) {
      consecutiveErrors = 0;
      return NOTHING;
    }
    if (++consecutiveErrors < policy.errorLimit()) {
      return NOTHING;
    }
    fastInterForced = true; // every mode forces fastinter for the next check
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
    consecutiveErrors = 0;
    return ERROR_LIMIT_REACHED;
  }

  /**
   * Admin state change (HAProxy src/server.c): entering MAINT pauses checks and sets {@code h = 0}; leaving MAINT
   * sets {@code h = rise} ("start OK but check immediately") so the server comes UP at once, through slow start.
   */
  void setAdmin(AdminState next, long nowNanos) {
    if (next == admin) {
      return;
    }
    AdminState previous = admin;
    admin = next;
    if (next == AdminState.MAINT) {
      health = 0;
      slowStarting = false;
    } else if (previous == AdminState.MAINT) {
      health = rise;
      cameUp(nowNanos);
    }
  }

  void setWeight(int w) {
    weight = w;
  }

  /**
   * HAProxy {@code srv_getinter}: full health and no forced fastinter: inter; DOWN with {@code h == 0}: downinter;
   * otherwise fastinter (each falls back to inter when unset).
   */
  long checkIntervalNanos() {
    if (!fastInterForced && health == maxHealth) {
      return policy.interNanos();
    }
    if (!up() && health == 0) {
      return policy.downInterNanos();
    }
    return policy.fastInterNanos();
  }

  boolean fastInterForced() {
    return fastInterForced;
  }
}
