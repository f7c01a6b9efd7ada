package io.veza.routing.health;

/**
 * One transition of one server, told to every {@link HealthListener} exactly once.
 *
 * <p>One operation can cause several transitions; they are delivered in this order, each with the same
 * {@code previous}/{@code current} pair: {@link Kind#SLOW_START_FINISHED} (with its own pair, since it is due
 * before the operation applies), then {@link Kind#ADMIN_STATE_CHANGED}, {@link Kind#WEIGHT_CHANGED},
 * {@link Kind#WENT_DOWN} / {@link Kind#CAME_UP}.
 *
 * @param sequence tracker-wide delivery sequence number, 1, 2, 3, ... (transitions of one server are numbered in
 *     the order they happened)
 * @param server dense server index
 * @param serverId server id
 * @param kind what changed
 * @param cause why the server went DOWN, {@link Cause#NONE} for any other kind
 * @param previous status just before the transition
 * @param current status just after the transition
 * @param timeNanos tracker ticker time of the transition
 */
public record HealthEvent(
    long sequence,
    int server,
    String serverId,
    Kind kind,
    Cause cause,
    ServerStatus previous,
    ServerStatus current,
    long timeNanos) {

  /** What changed. */
  public enum Kind {
    /** UP to DOWN (failed checks, observed errors, or entering MAINT). */
    WENT_DOWN,
    /** DOWN to UP (passed checks, or leaving MAINT). */
    CAME_UP,
    /** The slow-start ramp reached full weight. */
    SLOW_START_FINISHED,
    /** The administrative state changed. */
    ADMIN_STATE_CHANGED,
    /** The configured weight changed. */
    WEIGHT_CHANGED
  }

  /** Why a server went DOWN. */
  public enum Cause {
    /** Not a {@link Kind#WENT_DOWN} event. */
    NONE,
    /** Active health checks failed ({@code fall} times, or the first failure of a server at {@code h = rise}). */
    CHECK_FAILURES,
    /** Passive observation reached {@code error-limit} and its {@code on-error} action took the server down. */
    OBSERVED_ERRORS,
    /** The server was put in maintenance. */
    MAINTENANCE
  }
}
