package io.veza.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of {@link BackendPool#route(RequestView)}: the server that serves the request, why, and what the
 * gateway must do with cookies. Immutable and thread-safe. The common decisions (a cookie hit, a balanced or
 * hashed request that needs no new cookie) are preallocated per server and reason, so routing allocates
 * nothing; compare decisions by their fields, not by identity.
 *
 * <p>Gateway checklist for one request:
 *
 * <ol>
 *   <li>{@link #server()} {@code == null}: answer 503 ({@link Reason#NO_SERVER}).
 *   <li>{@link #rewriteRequestCookies()}: replace the request's {@code Cookie} headers by
 *       {@link #requestCookieHeaders(RequestView)} (HAProxy {@code indirect} removes the persistence cookie,
 *       {@code prefix} strips the {@code SRV~} prefix) before forwarding.
 *   <li>On the response: {@link #setCookie()} {@code != null} adds a {@code Set-Cookie} header with that value,
 *       and {@link #cacheControlPrivate()} adds {@code Cache-Control: private} ({@code nocache});
 *       backend {@code Set-Cookie} headers go through
 *       {@link BackendPool#rewriteResponseSetCookie(RouteDecision, String)} ({@link #responseCookieAction()}).
 *   <li>Report the outcome ({@link BackendPool#reportConnected}, {@link BackendPool#reportConnectFailure},
 *       {@link BackendPool#reportResponse}); on a connect failure ask {@link BackendPool#retry}.
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

  /** Rewrites the request's {@code Cookie} headers for the backend; supplied by the pool's cookie stage. */
  interface RequestCookieRewriter {
    List<String> rewrite(RequestView request, RouteDecision decision);
  }

  private final Server server;
  private final Reason reason;
  private final String setCookie;
  private final boolean cacheControlPrivate;
  private final RequestCookieRewriter requestCookieRewriter;
  private final ResponseCookieAction responseCookieAction;

  RouteDecision(Server server, Reason reason, String setCookie, boolean cacheControlPrivate,
                RequestCookieRewriter requestCookieRewriter, ResponseCookieAction responseCookieAction) {
    this.server = server;
    this.reason = reason;
    this.setCookie = setCookie;
    this.cacheControlPrivate = cacheControlPrivate;
    this.requestCookieRewriter = requestCookieRewriter;
    this.responseCookieAction = responseCookieAction;
  }

  /** A decision that touches no cookie. */
  static RouteDecision plain(Server server, Reason reason) {
    return new RouteDecision(server, reason, null, false, null, ResponseCookieAction.NONE);
  }

  /** The server to forward to, or {@code null} when {@link #reason()} is {@link Reason#NO_SERVER}. */
  public Server server() {
    return server;
  }

  /** Why this server was chosen. */
  public Reason reason() {
    return reason;
  }

  /**
   * The value of a {@code Set-Cookie} header to add to the response (for example
   * {@code SERVERID=api1; path=/}), or {@code null} when no cookie is to be set.
   */
  public String setCookie() {
    return setCookie;
  }

  /**
   * Whether to add {@code Cache-Control: private} to the response ({@code nocache}); true only together with a
   * non-null {@link #setCookie()}, so that shared caches do not store a response carrying a persistence cookie.
   */
  public boolean cacheControlPrivate() {
    return cacheControlPrivate;
  }

  /**
   * Whether the request's {@code Cookie} headers must be replaced by {@link #requestCookieHeaders(RequestView)}
   * before forwarding ({@code indirect} and {@code prefix} modes, when the request carries the cookie).
   */
  public boolean rewriteRequestCookies() {
    return requestCookieRewriter != null;
  }

  /**
   * The {@code Cookie} header values to forward instead of the request's own, in order; an empty list means
   * "remove every {@code Cookie} header". Computed on demand from the same request view that was routed (so
   * routing itself allocates nothing); returns the request's headers unchanged when
   * {@link #rewriteRequestCookies()} is false.
   */
  public List<String> requestCookieHeaders(RequestView request) {
    if (requestCookieRewriter != null) {
      return requestCookieRewriter.rewrite(request, this);
    }
    return copyCookieHeaders(request);
  }

  /** How the backend's own {@code Set-Cookie} for the persistence cookie is to be treated. */
  public ResponseCookieAction responseCookieAction() {
    return responseCookieAction;
  }

  /** The request's {@code Cookie} header values as strings, in order; never throws on a misbehaving view. */
  static List<String> copyCookieHeaders(RequestView request) {
    List<String> out = new ArrayList<>();
    if (request == null) {
      return out;
    }
    try {
      int n = request.headerCount("Cookie");
      for (int i = 0; i < n; i++) {
        CharSequence v = request.header("Cookie", i);
        if (v != null) {
          out.add(v.toString());
        }
      }
    } catch (RuntimeException e) {
      // a broken view is treated as carrying no cookie
    }
    return out;
  }

  @Override
  public String toString() {
    return "RouteDecision{" + reason + (server == null ? "" : " -> " + server.id())
        + (setCookie == null ? "" : ", Set-Cookie: " + setCookie)
        + (cacheControlPrivate ? ", Cache-Control: private" : "")
        + (requestCookieRewriter == null ? "" : ", rewrite request cookies")
        + (responseCookieAction == ResponseCookieAction.NONE ? "" : ", response cookie " + responseCookieAction)
        + '}';
  }
}
