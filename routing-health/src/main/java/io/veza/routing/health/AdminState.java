package io.veza.routing.health;

/**
 * Administrative state of a server, set by an operator (HAProxy {@code set server ... state ready|drain|maint},
 * {@code enable server} / {@code disable server}).
 *
 * <ul>
 *   <li>{@link #READY}: normal operation.
 *   <li>{@link #DRAIN}: no new load-balanced traffic, but clients pinned by a persistence cookie are still served
 *       and health checks go on. A configured weight of 0 behaves the same way.
 *   <li>{@link #MAINT}: maintenance. Health checks are paused and the server is treated as DOWN (HAProxy resets its
 *       health counter to 0 on entry). Leaving MAINT sets the counter to {@code rise} and the server comes UP at
 *       once ("start OK but check immediately", HAProxy {@code srv_update_status}), through slow start when
 *       configured.
 * </ul>
 */
public enum AdminState {
  /** Normal operation (HAProxy {@code state ready}). */
  READY,
  /** Persistent traffic only (HAProxy {@code state drain}). */
  DRAIN,
  /** Maintenance: checks paused, treated as DOWN (HAProxy {@code state maint} / {@code disable server}). */
  MAINT
}
