package io.veza.routing.health;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one active health check: passed or not, HAProxy's status class, the HTTP status for layer-7
 * checks, a free-text detail (HAProxy's {@code info}, e.g. {@code "Connection refused"}) and how long it took.
 *
 * @param status the outcome class; {@link CheckStatus#passed()} decides whether the check passed
 * @param code the HTTP status of a layer-7 check, or 0
 * @param info detail for logs and {@code last_chk}, empty if none; never null
 * @param durationNanos how long the check took, or -1 if unknown
 */
public record CheckResult(CheckStatus status, int code, String info, long durationNanos) {

  /**
   * Validates the fields.
   *
   * @param status the outcome class
   * @param code the HTTP status, or 0
   * @param info detail text
   * @param durationNanos duration, or -1
   */
  public CheckResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(info, "info");
  }

  /**
   * Whether the check passed.
   *
   * @return {@code status().passed()}
   */
  public boolean passed() {
    return status.passed();
  }

  /**
   * A result from a probe that only knows pass or fail ({@code PROCOK} / {@code PROCERR}).
   *
   * @param passed whether the check passed
   * @return the result, without code, detail or duration
   */
  public static CheckResult of(boolean passed) {
    return passed ? PASSED : FAILED;
  }

  /**
   * A result with a status and detail.
   *
   * @param status the outcome class
   * @param code the HTTP status, or 0
   * @param info detail text, or null for none
   * @param durationNanos duration, or -1
   * @return the result
   */
  public static CheckResult of(CheckStatus status, int code, @Nullable String info, long durationNanos) {
    return new CheckResult(status, code, info == null ? "" : info, durationNanos);
  }

  private static final CheckResult PASSED = new CheckResult(CheckStatus.PROBE_OK, 0, "", -1);
  private static final CheckResult FAILED = new CheckResult(CheckStatus.PROBE_ERROR, 0, "", -1);
}
