package io.veza.routing.health;

import org.jspecify.annotations.Nullable;

/**
 * One transition of one server, told to every {@link HealthListener} exactly once.
 *
 * <p>One operation can cause several transitions; they are delivered in this order, each with the same
 * {@code previous}/{@code current} pair: {@link Kind#SLOW_START_FINISHED} (with its own pair, since it is due
 * before the operation applies), then {@link Kind#ADMIN_STATE_CHANGED}, {@link Kind#WEIGHT_CHANGED}, then one of
 * {@link Kind#WENT_DOWN} / {@link Kind#CAME_UP} / {@link Kind#STOPPING}.
 *
 * @param sequence tracker-wide sequence number, 1, 2, 3, ... in the order the transitions happened
 * @param server the server
 * @param serverId its id
 * @param kind what changed
 * @param cause why the server went DOWN, {@link Cause#NONE} for any other kind
 * @param previous status just before the transition
 * @param current status just after the transition
 * @param timeNanos tracker ticker time of the transition
 * @param check the check result that caused it (active check, or the {@code HANA} result of passive
 *     observation), or null
 */
public record HealthEvent(
    long sequence,
    TrackedServer server,
    String serverId,
    Kind kind,
    Cause cause,
    ServerStatus previous,
    ServerStatus current,
    long timeNanos,
    @Nullable CheckResult check) {

  /** What changed. */
  public enum Kind {
    /** UP or STOPPING to DOWN (failed checks, observed errors, MAINT, or forced). */
    WENT_DOWN,
    /** To fully UP: from DOWN (passed checks, leaving MAINT, forced) or from STOPPING (a passed check, forced). */
    CAME_UP,
    /** To STOPPING (HAProxy NOLB): still serves persistent clients, no new load-balanced traffic. */
    STOPPING,
    /** The slow-start ramp reached full weight. */
    SLOW_START_FINISHED,
    /** The administrative state changed. */
    ADMIN_STATE_CHANGED,
    /** The configured weight changed. */
    WEIGHT_CHANGED,
    /** The server joined the tracker. */
    ADDED,
    /** The server left the tracker; no event of it follows. */
    REMOVED
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
    MAINTENANCE,
    /** An operator forced it ({@code set server ... health down}). */
    FORCED
  }
}
