package io.veza.routing.health;

/**
 * What happens when passive observation reaches {@code error-limit} consecutive errors (HAProxy server keyword
 * {@code on-error}, implemented in {@code __health_adjust}, src/check.c). In every mode the consecutive-error count
 * is reset afterwards, and the next check is scheduled at {@code fastinter} (HAProxy's {@code CHK_ST_FASTINTER}
 * flag, cleared when that next check runs). Recovery is only through passed checks.
 */
public enum OnErrorAction {
  /** {@code on-error fastinter}: only forces the next check to run after {@code fastinter}. */
  FASTINTER,
  /** {@code on-error fail-check} (HAProxy default): counts as one failed check. */
  FAIL_CHECK,
  /**
   * {@code on-error sudden-death}: a "pre-fatal" failed check: if {@code h > rise} then {@code h = rise+1}, then one
   * failed check; the next failure takes the server DOWN.
   */
  SUDDEN_DEATH,
  /** {@code on-error mark-down}: {@code h = rise} then one failed check, so the server is DOWN at once with {@code h = 0}. */
  MARK_DOWN
}
