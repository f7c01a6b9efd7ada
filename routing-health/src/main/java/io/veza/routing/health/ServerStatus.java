package io.veza.routing.health;

/**
 * Immutable view of one server's health at one instant.
 *
 * @param index dense server index (declaration order)
 * @param id server id as declared
 * @param up whether the server is UP: health counter {@code >= rise} and not in MAINT
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
    int index,
    String id,
    boolean up,
    int health,
    int rise,
    int fall,
    AdminState admin,
    int weight,
    double effectiveWeight,
    boolean slowStarting,
    int consecutiveErrors,
    boolean fastInterForced) {

  /** Eligible for load balancing: UP, READY (not DRAIN/MAINT) and effective weight &gt; 0. */
  public boolean isBalanceable() {
    return up && admin == AdminState.READY && effectiveWeight > 0;
  }

  /** Eligible for cookie persistence: not DOWN and not MAINT (DRAIN and weight 0 still serve sticky clients). */
  public boolean isCookieEligible() {
    return up && admin != AdminState.MAINT;
  }

  /** Full health: {@code h == rise+fall-1}. */
  public boolean isFullHealth() {
    return health == rise + fall - 1;
  }
}
