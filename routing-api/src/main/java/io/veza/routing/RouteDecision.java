package io.veza.routing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link BackendPool#route(RequestView)}: the server that serves the request, why, and what the
 * request carried that the response phase needs (whether the persistence cookie chose this server, its dates, the
 * method). A plain immutable value: it holds no reference to the pool and does nothing by itself. The common
 * decisions are preallocated per server, so routing allocates nothing; compare decisions with
 * {@link #equals(Object)}, not by identity.
 *
 * <p>What a gateway does with one:
 *
 * <ol>
 *   <li>{@link #server()} {@code == null}: answer 503 ({@link Reason#NO_SERVER}).
 *   <li>Request phase: forward the {@code Cookie} headers {@link BackendPool#editRequest} returns (HAProxy
 *       {@code indirect} removes the persistence cookie, {@code prefix} strips {@code SRV~}).
 *   <li>On a failure, ask {@link BackendPool#retry} for the next decision (or none).
 *   <li>Response phase: apply the edits {@link BackendPool#editResponse} returns ({@code Set-Cookie},
 *       {@code Cache-Control}), and report the outcome ({@link BackendPool#reportResponse} ...).
 * </ol>
 */
public final class RouteDecision {

  /** Why a server was chosen (or none). */
  public enum Reason {
    /** The persistence cookie named a cookie-eligible server (HAProxy: {@code --VN} / {@code --VI}). */
    PERSISTED,
    /**
     * The persistence cookie named a server that is DOWN or in maintenance; the request was balanced and a new
     * cookie is issued (HAProxy's {@code D} cookie flag).
     */
    COOKIE_SERVER_DOWN,
    /**
     * The persistence cookie matched no server, failed its signature, or expired ({@code maxidle}/
     * {@code maxlife}); the request was balanced and a new cookie is issued (HAProxy's {@code I}/{@code E}).
     */
    INVALID_COOKIE,
    /** Round robin chose the server (no cookie, or a hash pool whose key was missing). */
    BALANCED,
    /** The hash of the request key chose the server ({@code balance uri / hdr / url_param}, or a key function). */
    HASHED,
    /** A stick-table entry for the request's key chose the server ({@code stick on}). */
    STICK_TABLE,
    /** No active server was usable; a backup server was chosen. */
    BACKUP,
    /** A retry after a failure was sent to a server chosen again, avoiding the failed one ({@code redispatch}). */
    REDISPATCHED,
    /** No server can take the request; the gateway answers 503. {@link #server()} is {@code null}. */
    NO_SERVER
  }

  /**
   * Persistence designated this decision's server: the request's cookie, or a stick-table entry (HAProxy
   * {@code SF_DIRECT}, which both set).
   */
  static final int DIRECT = 1;
  /** The request carried the persistence cookie (any outcome but HAProxy's {@code TX_CK_NONE}). */
  static final int HAD_COOKIE = 2;
  /** The request method was POST (for {@code postonly}). */
  static final int POST = 4;
  /** The request method allows a cacheable response: GET, HEAD, OPTIONS, TRACE (HAProxy {@code TX_CACHEABLE}). */
  static final int CACHEABLE_METHOD = 8;
  static final int FLAG_COMBINATIONS = 16;
  static final int CACHE_SIZE = Reason.values().length * FLAG_COMBINATIONS;
  private static final Reason[] REASONS = Reason.values();

  private final @Nullable Server server;
  private final Reason reason;
  private final int flags;
  /** Cookie LAST date read from the request (HAProxy {@code txn->cookie_last_date}, unsigned seconds), 0 if none. */
  private final int lastDate;
  /** Cookie FIRST date ({@code txn->cookie_first_date}), 0 if none. */
  private final int firstDate;

  RouteDecision(@Nullable Server server, Reason reason, int flags, int lastDate, int firstDate) {
    this.server = server;
    this.reason = reason;
    this.flags = flags;
    this.lastDate = lastDate;
    this.firstDate = firstDate;
  }

  /** The decision for {@code server}: a preallocated one unless dates must be carried. */
  static RouteDecision of(Server server, Reason reason, int flags, int lastDate, int firstDate) {
    if (lastDate != 0 || firstDate != 0) {
      return new RouteDecision(server, reason, flags, lastDate, firstDate);
    }
    int i = reason.ordinal() * FLAG_COMBINATIONS + flags;
    RouteDecision d = server.decisions[i];
    if (d == null) {
      d = new RouteDecision(server, reason, flags, 0, 0);
      server.decisions[i] = d; // a benign race: every thread stores an equal immutable value
    }
    return d;
  }

  static final RouteDecision NO_SERVER = new RouteDecision(null, Reason.NO_SERVER, 0, 0, 0);

  /**
   * The server to forward to.
   *
   * @return the server, or {@code null} when {@link #reason()} is {@link Reason#NO_SERVER}
   */
  public @Nullable Server server() {
    return server;
  }

  /**
   * Why this server was chosen.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  int flags() {
    return flags;
  }

  boolean direct() {
    return (flags & DIRECT) != 0;
  }

  boolean hadCookie() {
    return (flags & HAD_COOKIE) != 0;
  }

  boolean post() {
    return (flags & POST) != 0;
  }

  boolean cacheableMethod() {
    return (flags & CACHEABLE_METHOD) != 0;
  }

  int lastDate() {
    return lastDate;
  }

  int firstDate() {
    return firstDate;
  }

  static Reason reason(int ordinal) {
    return REASONS[ordinal];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteDecision d && d.server == server && d.reason == reason && d.flags == flags
        && d.lastDate == lastDate && d.firstDate == firstDate;
  }

  @Override
  public int hashCode() {
    return Objects.hash(server == null ? null : server.id(), reason, flags, lastDate, firstDate);
  }

  @Override
  public String toString() {
    return "RouteDecision{" + reason + (server == null ? "" : " -> " + server.id())
        + ((flags & DIRECT) != 0 ? ", direct" : (flags & HAD_COOKIE) != 0 ? ", cookie ignored" : "")
        + (lastDate != 0 ? ", last " + Integer.toUnsignedString(lastDate) : "")
        + (firstDate != 0 ? ", first " + Integer.toUnsignedString(firstDate) : "") + '}';
  }
}
