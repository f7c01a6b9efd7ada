package io.veza.routing;

import java.util.ArrayList;
import java.util.List;

/** Small helpers over a request's {@code Cookie} headers. */
final class CookieHeaders {
  static final String COOKIE = "Cookie";

  private CookieHeaders() {}

  /** The request's {@code Cookie} header values as strings, in order; never throws on a misbehaving view. */
  static List<String> copy(RequestView request) {
    List<String> out = new ArrayList<>();
    if (request == null) {
      return out;
    }
    try {
      int n = request.headerCount(COOKIE);
      for (int i = 0; i < n; i++) {
        CharSequence v = request.header(COOKIE, i);
        if (v != null) {
          out.add(v.toString());
        }
      }
    } catch (RuntimeException e) {
      // a broken view is treated as carrying no cookie
    }
    return out;
  }
}
