package io.veza.routing.haproxy;

import io.veza.routing.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The key of {@code stick on <expr>} for the sample fetches routing supports, as HAProxy 2.6 extracts them:
 * {@code src} (the client address), {@code req.hdr(name)} / {@code hdr(name)} (the last comma-separated value of the
 * header, trimmed), {@code req.cook(name)} / {@code cookie(name)} (the last occurrence of the cookie),
 * {@code url_param(name)} / {@code urlp(name)} (the first occurrence of the query parameter), {@code path}. String
 * tables keep the first {@code len} characters (32 by default) as HAProxy does. Its {@link #toString()} is the
 * expression. Never throws: a missing value is no key.
 */
final class StickKey implements Function<RequestView, @Nullable CharSequence> {
  enum Kind { SRC, HDR, COOKIE, URL_PARAM, PATH }

  private final Kind kind;
  private final String name;
  private final String expression;
  private final int maxLength;

  StickKey(Kind kind, String name, String expression, int maxLength) {
    this.kind = kind;
    this.name = name;
    this.expression = expression;
    this.maxLength = maxLength;
  }

  /** Parses a supported sample expression, or returns null. */
  static @Nullable StickKey parse(String expr, int maxLength) {
    if (expr.equals("src")) {
      return new StickKey(Kind.SRC, "", expr, maxLength);
    }
    if (expr.equals("path")) {
      return new StickKey(Kind.PATH, "", expr, maxLength);
    }
    int open = expr.indexOf('(');
    if (open < 0 || !expr.endsWith(")")) {
      return null;
    }
    String fetch = expr.substring(0, open);
    String arg = expr.substring(open + 1, expr.length() - 1);
    if (arg.isEmpty() || arg.indexOf(',') >= 0 || arg.indexOf('(') >= 0 || arg.indexOf(')') >= 0) {
      return null;
    }
    Kind kind = switch (fetch) {
      case "req.hdr", "hdr" -> Kind.HDR;
      case "req.cook", "cookie" -> Kind.COOKIE;
      case "url_param", "urlp" -> Kind.URL_PARAM;
      default -> null;
    };
    if (kind == null || (kind == Kind.HDR && !io.veza.routing.syntax.HaproxySyntax.isToken(arg))) {
      return null;
    }
    return new StickKey(kind, arg, expr, maxLength);
  }

  boolean isAddress() {
    return kind == Kind.SRC;
  }

  @Override
  public @Nullable CharSequence apply(RequestView request) {
    try {
      CharSequence key = extract(request);
      if (key == null) {
        return null;
      }
      return maxLength > 0 && key.length() > maxLength ? key.subSequence(0, maxLength) : key;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private @Nullable CharSequence extract(RequestView request) {
    switch (kind) {
      case SRC: {
        InetSocketAddress a = request.clientAddress();
        InetAddress ip = a == null ? null : a.getAddress();
        return ip == null ? null : ip.getHostAddress();
      }
      case HDR:
        return lastHeaderValue(request);
      case COOKIE:
        return lastCookie(request);
      case URL_PARAM:
        return urlParam(request.uri());
      default:
        return path(request.uri());
    }
  }

  private @Nullable CharSequence lastHeaderValue(RequestView request) {
    int n = request.headerCount(name);
    for (int i = n - 1; i >= 0; i--) {
      CharSequence v = request.header(name, i);
      if (v == null) {
        continue;
      }
      int end = v.length();
      int comma = end - 1;
      while (comma >= 0 && v.charAt(comma) != ',') {
        comma--;
      }
      return trim(v, comma + 1, end);
    }
    return null;
  }

  private @Nullable CharSequence lastCookie(RequestView request) {
    int n = request.headerCount("Cookie");
    CharSequence found = null;
    for (int i = 0; i < n; i++) {
      CharSequence h = request.header("Cookie", i);
      if (h == null) {
        continue;
      }
      int p = 0;
      int len = h.length();
      while (p < len) {
        int end = p;
        while (end < len && h.charAt(end) != ';') {
          end++;
        }
        int eq = p;
        while (eq < end && h.charAt(eq) != '=') {
          eq++;
        }
        if (eq < end && trim(h, p, eq).toString().equals(name)) {
          found = trim(h, eq + 1, end);
        }
        p = end + 1;
      }
    }
    return found;
  }

  private @Nullable CharSequence urlParam(@Nullable CharSequence uri) {
    if (uri == null) {
      return null;
    }
    int len = uri.length();
    int q = 0;
    while (q < len && uri.charAt(q) != '?') {
      q++;
    }
    int p = q + 1;
    while (p < len) {
      int end = p;
      while (end < len && uri.charAt(end) != '&' && uri.charAt(end) != '#') {
        end++;
      }
      if (end - p > name.length() && uri.charAt(p + name.length()) == '='
          && uri.subSequence(p, p + name.length()).toString().equals(name)) {
        return uri.subSequence(p + name.length() + 1, end);
      }
      if (end < len && uri.charAt(end) == '#') {
        break;
      }
      p = end + 1;
    }
    return null;
  }

  private static @Nullable CharSequence path(@Nullable CharSequence uri) {
    if (uri == null) {
      return null;
    }
    int len = uri.length();
    int start = 0;
    if (len > 0 && uri.charAt(0) != '/') {
      int scheme = uri.toString().indexOf("://");
      if (scheme < 0) {
        return null;
      }
      start = scheme + 3;
      while (start < len && uri.charAt(start) != '/') {
        start++;
      }
    }
    int end = start;
    while (end < len && uri.charAt(end) != '?') {
      end++;
    }
    return uri.subSequence(start, end);
  }

  private static CharSequence trim(CharSequence s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.subSequence(from, to);
  }

  @Override
  public String toString() {
    return expression;
  }
}
