package io.veza.routing.health;

/**
 * Health state a server starts in (HAProxy server keyword {@code init-state}). The health counter {@code h} lives in
 * {@code [0, rise+fall-1]} and the server is UP iff {@code h >= rise}.
 */
public enum InitialState {
  /** UP with full health, {@code h = rise+fall-1}: it takes {@code fall} failed checks to go DOWN
   * (HAProxy {@code init-state fully-up}). */
  FULLY_UP,
  /** UP with {@code h = rise}: the first failed check takes it DOWN (HAProxy default, {@code init-state up}). */
  UP,
  /** DOWN with {@code h = rise-1}: the first passed check brings it UP (HAProxy {@code init-state down}). */
  DOWN,
  /** DOWN with {@code h = 0}: it takes {@code rise} passed checks to come UP (HAProxy {@code init-state fully-down}). */
  FULLY_DOWN
}
