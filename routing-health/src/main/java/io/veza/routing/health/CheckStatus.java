package io.veza.routing.health;

/**
 * Outcome class of an active health check, with HAProxy's status codes and descriptions ({@code check_statuses} in
 * {@code src/check.c}): what {@code show stat} prints in {@code check_status} and what the health log lines say after
 * {@code reason:}.
 */
public enum CheckStatus {
  /** No check has completed yet ({@code INI}). */
  INITIALIZING("INI", "Initializing", false),
  /** A failure reported by passive observation reaching {@code error-limit} ({@code HANA}). */
  HEALTH_ANALYZE("HANA", "Health analyze", false),
  /** The check could not even start: no address, a socket error ({@code SOCKERR}). */
  SOCKET_ERROR("SOCKERR", "Socket error", false),
  /** TCP connect succeeded ({@code L4OK}). */
  L4_OK("L4OK", "Layer4 check passed", true),
  /** TCP connect timed out ({@code L4TOUT}). */
  L4_TIMEOUT("L4TOUT", "Layer4 timeout", false),
  /** TCP connect failed, e.g. refused ({@code L4CON}). */
  L4_CONNECTION_PROBLEM("L4CON", "Layer4 connection problem", false),
  /** Connected, but no complete response in time ({@code L7TOUT}). */
  L7_TIMEOUT("L7TOUT", "Layer7 timeout", false),
  /** The response could not be parsed ({@code L7RSP}). */
  L7_INVALID_RESPONSE("L7RSP", "Layer7 invalid response", false),
  /** The response had an expected status ({@code L7OK}). */
  L7_OK("L7OK", "Layer7 check passed", true),
  /** The response had an unexpected status ({@code L7STS}). */
  L7_WRONG_STATUS("L7STS", "Layer7 wrong status", false),
  /** A user probe reported success without layer detail ({@code PROCOK}, as HAProxy's external checks). */
  PROBE_OK("PROCOK", "External check passed", true),
  /** A user probe reported failure without layer detail ({@code PROCERR}). */
  PROBE_ERROR("PROCERR", "External check error", false),
  /** A user probe did not complete in time ({@code PROCTOUT}). */
  PROBE_TIMEOUT("PROCTOUT", "External check timeout", false);

  private final String code;
  private final String description;
  private final boolean passed;

  CheckStatus(String code, String description, boolean passed) {
    this.code = code;
    this.description = description;
    this.passed = passed;
  }

  /**
   * HAProxy's short code.
   *
   * @return for example {@code "L4CON"}
   */
  public String code() {
    return code;
  }

  /**
   * HAProxy's description.
   *
   * @return for example {@code "Layer4 connection problem"}
   */
  public String description() {
    return description;
  }

  /**
   * Whether a check with this status passed.
   *
   * @return true for {@code L4OK}, {@code L7OK} and {@code PROCOK}
   */
  public boolean passed() {
    return passed;
  }
}
