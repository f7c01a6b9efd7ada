package io.veza.routing;

import org.jspecify.annotations.Nullable;

/**
 * Mutable, reusable result of reading the persistence cookie from a request: HAProxy's transaction state
 * {@code txn->flags & TX_CK_MASK}, {@code s->target} (with {@code SF_DIRECT | SF_ASSIGNED}),
 * {@code txn->cookie_last_date} and {@code txn->cookie_first_date}.
 *
 * <p>{@link #reset()} it, then feed every {@code Cookie} header of the request in order to
 * {@link CookieStage#match}; afterwards {@link #server()} is the cookie-designated server (or null) and
 * {@link #status()} explains the outcome. Keep one per thread or per decision: it allocates nothing after
 * construction. Not thread-safe.
 */
final class CookieMatch {

  /** No persistence cookie in the request (HAProxy {@code TX_CK_NONE}). */
  static final int NONE = 0;
  /** A cookie whose value designates no server, is empty, or whose signature fails ({@code TX_CK_INVALID}). */
  static final int INVALID = 1;
  /** The designated server is DOWN/MAINT ({@code TX_CK_DOWN}); assigned anyway only with {@code persist}. */
  static final int DOWN = 2;
  /** The designated server is usable and was assigned ({@code TX_CK_VALID}). */
  static final int VALID = 3;
  /** The LAST date is older than {@code maxidle} or more than a day ahead ({@code TX_CK_EXPIRED}). */
  static final int EXPIRED = 4;
  /** The FIRST date is older than {@code maxlife} or more than a day ahead ({@code TX_CK_OLD}). */
  static final int OLD = 5;
  /** Another occurrence after a server was already assigned ({@code TX_CK_UNUSED}). */
  static final int UNUSED = 6;

  int status;
  @Nullable Server server;
  /** Seconds since the epoch as HAProxy stores it: {@code b64tos30(..) << 2} in 32 bits (unsigned), 0 = none. */
  int lastDate;
  /** Same encoding as {@link #lastDate}. */
  int firstDate;

  /** Clears the state before a new request. */
  CookieMatch reset() {
    status = NONE;
    server = null;
    lastDate = 0;
    firstDate = 0;
    return this;
  }

  /** HAProxy {@code TX_CK_*} outcome, one of the constants above. */
  int status() {
    return status;
  }

  /** The server assigned by the cookie (HAProxy {@code SF_DIRECT}), or null. */
  @Nullable Server server() {
    return server;
  }

  /** Whether a server was assigned by the cookie. */
  boolean assigned() {
    return server != null;
  }

  /** The LAST date of the accepted cookie in seconds (unsigned 32 bits), 0 if none. */
  long lastDateSeconds() {
    return lastDate & 0xFFFFFFFFL;
  }

  /** The FIRST date of the accepted cookie in seconds (unsigned 32 bits), 0 if none. */
  long firstDateSeconds() {
    return firstDate & 0xFFFFFFFFL;
  }

  static String statusName(int status) {
    return switch (status) {
      case NONE -> "NONE";
      case INVALID -> "INVALID";
      case DOWN -> "DOWN";
      case VALID -> "VALID";
      case EXPIRED -> "EXPIRED";
      case OLD -> "OLD";
      case UNUSED -> "UNUSED";
      default -> "?" + status;
    };
  }

  @Override
  public String toString() {
    return "CookieMatch[" + statusName(status) + ", server=" + (server == null ? "-" : server.id()) + ", last=" + lastDateSeconds() + ", first="
        + firstDateSeconds() + "]";
  }
}
