package io.veza.routing.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.veza.routing.BackendPool;
import io.veza.routing.RequestEdits;
import io.veza.routing.ResponseEdits;
import io.veza.routing.RouteDecision;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The request and response phases of a routed exchange applied to Netty headers, for gateways that write their own
 * handlers ({@link RoutingProxy} uses exactly these).
 *
 * <p><b>Unambiguous cookies.</b> HAProxy's cookie grammar (which the pool uses to find and, with {@code indirect},
 * remove the persistence cookie) lets a double quote hide delimiters: {@code q="x; SERVERID=api1} is one cookie
 * {@code q} for HAProxy, so {@code indirect} leaves it, but a backend whose decoder splits on every {@code ';'}
 * (Netty's, Tomcat's, Go's) or on whitespace (Python's {@code SimpleCookie}) reads a {@code SERVERID} it was never
 * meant to see. HAProxy itself forwards such headers as they are. So, for pools with a persistence cookie, the
 * forwarded {@code Cookie} headers keep only the cookie-pairs that RFC 6265 (4.2.1) parses as exactly one pair
 * ({@link #unambiguousCookieHeader}); the kept pairs are the ones HAProxy's grammar found, joined by {@code "; "}.
 * A header that is already conforming is forwarded as the same instance.
 */
public final class RoutingPhases {
  private static final String COOKIE = "Cookie";

  private RoutingPhases() {}

  /**
   * The request phase: replaces the {@code Cookie} headers in {@code headers} with what {@link
   * BackendPool#editRequest} says (persistence cookie removed with {@code indirect}, prefix stripped...), then, for a
   * pool with a persistence cookie, keeps only unambiguous cookie-pairs. Invalidates the view's header index when
   * it changes the headers.
   *
   * @param pool the pool that routed the request
   * @param decision the decision
   * @param view the view the request was routed with (over the request whose headers are {@code headers})
   * @param headers the headers to forward, edited in place
   * @return whether the headers changed
   */
  public static boolean applyRequestPhase(BackendPool pool, RouteDecision decision, NettyRequestView view,
      HttpHeaders headers) {
    return applyRequestPhase(pool, decision, view, headers, pool.cookie().isPresent());
  }

  static boolean applyRequestPhase(BackendPool pool, RouteDecision decision, NettyRequestView view,
      HttpHeaders headers, boolean strict) {
    RequestEdits edits = pool.editRequest(decision, view);
    if (edits.replacesCookies()) {
      headers.remove(HttpHeaderNames.COOKIE);
      for (String c : edits.cookieHeaders()) {
        CharSequence s = strict ? unambiguousCookieHeader(c) : c;
        if (s != null) {
          headers.add(HttpHeaderNames.COOKIE, s);
        }
      }
      view.invalidate();
      return true;
    }
    if (!strict) {
      return false;
    }
    int n = view.headerCount(COOKIE);
    int firstChange = -1;
    for (int i = 0; i < n; i++) {
      CharSequence h = view.header(COOKIE, i);
      if (h != null && unambiguousCookieHeader(h) != h) {
        firstChange = i;
        break;
      }
    }
    if (firstChange < 0) {
      return false;
    }
    List<CharSequence> kept = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      CharSequence h = view.header(COOKIE, i);
      CharSequence s = h == null ? null : i < firstChange ? h : unambiguousCookieHeader(h);
      if (s != null) {
        kept.add(s);
      }
    }
    headers.remove(HttpHeaderNames.COOKIE);
    for (CharSequence s : kept) {
      headers.add(HttpHeaderNames.COOKIE, s);
    }
    view.invalidate();
    return true;
  }

  /**
   * The response phase: applies {@link BackendPool#editResponse} to a backend response's headers in place (the
   * backend's {@code Set-Cookie} headers rewritten or dropped, the persistence cookie inserted,
   * {@code Cache-Control: private} added under {@code nocache}).
   *
   * @param pool the pool that routed the request
   * @param decision the decision
   * @param view a view over the response whose headers are {@code headers}
   * @param headers the response headers, edited in place
   * @return whether the headers changed
   */
  public static boolean applyResponsePhase(BackendPool pool, RouteDecision decision, NettyResponseView view,
      HttpHeaders headers) {
    ResponseEdits edits = pool.editResponse(decision, view);
    if (edits.isEmpty()) {
      return false;
    }
    if (edits.replacesSetCookies()) {
      headers.remove(HttpHeaderNames.SET_COOKIE);
      for (String s : edits.setCookies()) {
        headers.add(HttpHeaderNames.SET_COOKIE, s);
      }
    }
    String cacheControl = edits.cacheControl();
    if (cacheControl != null) {
      headers.add(HttpHeaderNames.CACHE_CONTROL, cacheControl);
    }
    return true;
  }

  /**
   * A {@code Cookie} header value reduced to the cookie-pairs every common decoder reads the same way: the header is
   * split with HAProxy's grammar (pairs end at the first {@code ';'} or {@code ','} outside double quotes; spaces
   * and tabs around names and values ignored), and a pair is kept only when RFC 6265 4.2.1 accepts it as one
   * {@code cookie-pair}: a non-empty token name, {@code '='}, and a value of {@code cookie-octet}s, optionally
   * wrapped in one pair of double quotes (so no quote, whitespace, comma, semicolon, backslash, control or
   * non-ASCII character inside). A pair without {@code '='} is kept when its name is a token (HAProxy skips it and
   * so do decoders). Kept pairs are joined with {@code "; "}.
   *
   * @param header one {@code Cookie} header value
   * @return {@code header} itself when every pair is kept and separated by {@code ';'} (no allocation), null when
   *     no pair is kept, else the reduced value
   */
  public static @Nullable CharSequence unambiguousCookieHeader(CharSequence header) {
    if (conforming(header)) {
      return header;
    }
    StringBuilder out = new StringBuilder(header.length());
    int end = header.length();
    int prev = 0;
    boolean first = true;
    while (prev < end) {
      int attBeg = skipSpht(header, first ? prev : prev + 1, end);
      first = false;
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < end) {
        char c = header.charAt(equal);
        if (c == '=' || c == ';' || c == ',') {
          break;
        }
        equal++;
        if (c != ' ' && c != '\t') {
          attEnd = equal;
        }
      }
      int valBeg = equal;
      int next = equal;
      if (equal < end && header.charAt(equal) == '=') {
        valBeg = skipSpht(header, equal + 1, end);
        next = valueEnd(header, valBeg, end);
      }
      int valEnd = next;
      while (valEnd > valBeg && (header.charAt(valEnd - 1) == ' ' || header.charAt(valEnd - 1) == '\t')) {
        valEnd--;
      }
      prev = next;
      if (attEnd == attBeg || !token(header, attBeg, attEnd)) {
        continue;
      }
      boolean hasValue = equal < end && header.charAt(equal) == '=';
      if (hasValue && !cookieValue(header, valBeg, valEnd)) {
        continue;
      }
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(header, attBeg, attEnd);
      if (hasValue) {
        out.append('=').append(header, valBeg, valEnd);
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** The common case, checked without allocating: {@code name=value(; name=value)*} with conforming parts. */
  private static boolean conforming(CharSequence h) {
    int end = h.length();
    int i = 0;
    while (true) {
      while (i < end && (h.charAt(i) == ' ' || h.charAt(i) == '\t')) {
        i++;
      }
      int nameBeg = i;
      while (i < end && isTchar(h.charAt(i))) {
        i++;
      }
      if (i == nameBeg || i == end || h.charAt(i) != '=') {
        return false;
      }
      int valBeg = ++i;
      while (i < end && h.charAt(i) != ';') {
        i++;
      }
      int valEnd = i;
      while (valEnd > valBeg && (h.charAt(valEnd - 1) == ' ' || h.charAt(valEnd - 1) == '\t')) {
        valEnd--;
      }
      if (!cookieValue(h, valBeg, valEnd)) {
        return false;
      }
      if (i == end) {
        return true;
      }
      i++; // ';'
    }
  }

  /** HAProxy {@code http_find_cookie_value_end}: the first unquoted ';' or ','; a backslash escapes inside quotes. */
  private static int valueEnd(CharSequence h, int s, int e) {
    boolean quoted = false;
    boolean escaped = false;
    for (; s < e; s++) {
      char c = h.charAt(s);
      if (escaped) {
        escaped = false;
      } else if (quoted) {
        if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',' || c == ';') {
        return s;
      }
    }
    return s;
  }

  private static int skipSpht(CharSequence h, int i, int end) {
    while (i < end && (h.charAt(i) == ' ' || h.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean token(CharSequence h, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isTchar(h.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 tchar. */
  static boolean isTchar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** RFC 6265 cookie-value: *cookie-octet or DQUOTE *cookie-octet DQUOTE. */
  private static boolean cookieValue(CharSequence h, int from, int to) {
    if (to - from >= 2 && h.charAt(from) == '"' && h.charAt(to - 1) == '"') {
      from++;
      to--;
    }
    for (int i = from; i < to; i++) {
      char c = h.charAt(i);
      // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
      if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
