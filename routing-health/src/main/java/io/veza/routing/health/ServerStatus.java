package io.veza.routing.health;

/**
 * Immutable view of one server's health at one instant.
 *
 * @param id server id
 * @param operational DOWN, UP or STOPPING (MAINT reads as DOWN)
 * @param health HAProxy's health counter {@code h}, in {@code [0, rise+fall-1]}
 * @param rise the policy's {@code rise}
 * @param fall the policy's {@code fall}
 * @param admin administrative state
 * @param weight configured weight, 0..256
 * @param effectiveWeight weight with slow start applied; 0 while DOWN or in MAINT
 * @param slowStarting whether the slow-start ramp is in progress
 * @param consecutiveErrors passive-observation consecutive-error count, in {@code [0, error-limit)}
 * @param fastInterForced whether an {@code on-error} action forced the next check to use {@code fastinter}
 */
public record ServerStatus(
    String id,
    OperationalState operational,
    int health,
    int rise,
    int fall,
    AdminState admin,
    int weight,
    double effectiveWeight,
    boolean slowStarting,
    int consecutiveErrors,
    boolean fastInterForced) {

  /**
   * Whether the server is UP or STOPPING: health counter {@code >= rise} and not in MAINT.
   *
   * @return whether it is up
   */
  public boolean up() {
    return operational != OperationalState.DOWN;
  }

  /**
   * Eligible for load balancing: UP (not STOPPING), READY (not DRAIN/MAINT) and effective weight &gt; 0.
   *
   * @return whether balancing may choose it
   */
  public boolean isBalanceable() {
    return operational == OperationalState.UP && admin == AdminState.READY && effectiveWeight > 0;
  }

  /**
   * Eligible for cookie persistence: not DOWN and not MAINT (DRAIN, STOPPING and weight 0 still serve sticky
   * clients).
   *
   * @return whether a persistence cookie may choose it
   */
  public boolean isCookieEligible() {
    return operational != OperationalState.DOWN;
  }

  /**
   * Full health: {@code h == rise+fall-1}.
   *
   * @return whether the counter is at its maximum
   */
  public boolean isFullHealth() {
    return health == rise + fall - 1;
  }
}
