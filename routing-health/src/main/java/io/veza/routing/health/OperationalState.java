package io.veza.routing.health;

/**
 * What the health checks (or an operator's {@code set server ... health}) say of a server, apart from its
 * administrative state: HAProxy's {@code SRV_ST_STOPPED}, {@code SRV_ST_RUNNING} (and {@code STARTING}, which is
 * UP during slow start) and {@code SRV_ST_STOPPING}.
 */
public enum OperationalState {
  /** Not usable: the health counter is below {@code rise} (HAProxy {@code STOPPED}, shown as DOWN). */
  DOWN,
  /** Usable: the health counter is at least {@code rise} (HAProxy {@code RUNNING} or {@code STARTING}). */
  UP,
  /**
   * Soft-stopping (HAProxy {@code STOPPING}, shown as NOLB): UP for persistent clients (cookie, stick table) but
   * taking no new load-balanced traffic, like DRAIN. Entered by {@code set server ... health stopping}; the next
   * passed check makes the server fully UP again (HAProxy {@code check_notify_success} calls
   * {@code srv_set_running}); failed checks take it DOWN as usual.
   */
  STOPPING
}
