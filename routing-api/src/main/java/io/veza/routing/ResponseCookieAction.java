package io.veza.routing;

/**
 * What the gateway does with a {@code Set-Cookie} for the persistence cookie that the backend itself sends
 * (HAProxy's handling of the server's own cookie per mode). Apply it with
 * {@link BackendPool#rewriteResponseSetCookie(RouteDecision, String)}.
 */
public enum ResponseCookieAction {
  /** No persistence cookie configured, or passive mode: forward the backend's {@code Set-Cookie} unchanged. */
  NONE,
  /** {@code insert preserve}: the backend's own cookie is forwarded unchanged and no cookie is inserted. */
  PRESERVE,
  /** {@code insert} without {@code preserve}: the backend's cookie of that name is removed (ours replaces it). */
  DELETE,
  /** {@code rewrite}: the backend's cookie value is replaced by the server's cookie value. */
  REWRITE,
  /** {@code prefix}: the server's cookie value and {@code ~} are prepended to the backend's cookie value. */
  PREFIX
}
