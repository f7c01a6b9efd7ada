package io.veza.routing;

/**
 * HAProxy's response cacheability ({@code TX_CACHEABLE}), which decides whether {@code nocache} adds
 * {@code Cache-control: private} to a response carrying an inserted cookie (src/http_ana.c, 2.6):
 *
 * <ol>
 *   <li>the request method is GET, HEAD, OPTIONS or TRACE ({@code http_wait_for_request});
 *   <li>the status is one of 200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501, else not cacheable
 *       ({@code http_wait_for_response}, RFC 7231 6.1);
 *   <li>{@code http_check_response_for_cacheability}: a status below 200 is not cacheable; a first {@code Pragma}
 *       header equal to {@code no-cache} makes it not cacheable; then every comma-separated
 *       {@code Cache-Control} value in order: {@code public} makes it cacheable (even after the two steps above),
 *       {@code private}, {@code no-cache}, {@code no-store}, {@code max-age=0}, {@code s-maxage=0} make it not
 *       cacheable (exact, case-insensitive); {@code no-cache="set-cookie"} only concerns HAProxy's cache;
 *       a value starting with {@code s-maxage} or {@code max-age} (case-insensitive prefix, {@code istmatchi}) is
 *       freshness information;
 *   <li>then a response with neither freshness information (such a {@code Cache-Control} value, or any
 *       {@code Expires} header) nor a validator ({@code ETag} or {@code Last-Modified}) is not cacheable: "We won't
 *       store an entry that has neither a cache validator nor an explicit expiration time, as suggested in RFC
 *       7234#3". HAProxy 2.6.0 only set {@code TX_CACHE_IGNORE} there; the 2.6 maintenance branch clears
 *       {@code TX_CACHEABLE} (upstream commit 879debeec, "BUG/MINOR: cache: Cache response even if request has
 *       "no-cache" directive", backported to 2.4 and later), and that is what the Debian 2.6.12 binary does: a plain
 *       {@code 200} without cache headers, or with {@code Cache-Control: public} alone, gets no
 *       {@code Cache-control: private} (integration-tests/haproxy-interop, scenario "nocache cacheability").
 * </ol>
 *
 * <p>Allocation-free; never throws on a misbehaving view (treated as no header).
 */
final class Cacheability {
  private Cacheability() {}

  /** Step 1: a method whose response may be cached. */
  static boolean cacheableMethod(CharSequence method) {
    return eq(method, "GET") || eq(method, "HEAD") || eq(method, "OPTIONS") || eq(method, "TRACE");
  }

  private static boolean eq(CharSequence a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < b.length(); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Steps 2 and 3, starting from the method's verdict. At most {@code maxHeaders} headers of each name are read. */
  static boolean cacheable(boolean cacheableMethod, ResponseView response, int maxHeaders) {
    boolean cacheable = cacheableMethod;
    int status = response.status();
    switch (status) {
      case 200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501 -> { }
      default -> cacheable = false;
    }
    if (status < 200) {
      return false;
    }
    try {
      if (response.headerCount("Pragma") > 0) {
        CharSequence pragma = response.header("Pragma", 0);
        if (pragma != null && equalsTrimmedIgnoreCase(pragma, 0, pragma.length(), "no-cache")) {
          return false;
        }
      }
      boolean freshness = false;
      int n = Math.min(response.headerCount("Cache-Control"), maxHeaders);
      for (int h = 0; h < n; h++) {
        CharSequence v = response.header("Cache-Control", h);
        if (v == null) {
          continue;
        }
        int len = v.length();
        int from = 0;
        while (from <= len) {
          int to = valueEnd(v, from, len);
          if (equalsTrimmedIgnoreCase(v, from, to, "public")) {
            cacheable = true;
          } else if (equalsTrimmedIgnoreCase(v, from, to, "private")
              || equalsTrimmedIgnoreCase(v, from, to, "no-cache")
              || equalsTrimmedIgnoreCase(v, from, to, "no-store")
              || equalsTrimmedIgnoreCase(v, from, to, "max-age=0")
              || equalsTrimmedIgnoreCase(v, from, to, "s-maxage=0")) {
            cacheable = false;
          } else if (startsWithTrimmedIgnoreCase(v, from, to, "s-maxage")
              || startsWithTrimmedIgnoreCase(v, from, to, "max-age")) {
            freshness = true;
          }
          from = to + 1;
        }
      }
      // no explicit expiration time and no validator: not cacheable (HAProxy 2.6 maintenance branch, see above)
      if (!freshness && response.headerCount("Expires") <= 0 && response.headerCount("ETag") <= 0
          && response.headerCount("Last-Modified") <= 0) {
        cacheable = false;
      }
    } catch (RuntimeException e) {
      // a broken view: what was read so far decides
    }
    return cacheable;
  }

  /** HAProxy {@code http_find_hdr_value_end}: the next comma outside double quotes (backslash escapes inside). */
  static int valueEnd(CharSequence s, int from, int end) {
    boolean quoted = false;
    boolean escaped = false;
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
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
      } else if (c == ',') {
        return i;
      }
    }
    return end;
  }

  /** Whether {@code s[from, to)} trimmed of spaces and tabs starts with {@code word}, ignoring ASCII case. */
  static boolean startsWithTrimmedIgnoreCase(CharSequence s, int from, int to, String word) {
    from = skipSpaces(s, from, to);
    return to - from >= word.length() && regionEqualsIgnoreCase(s, from, word);
  }

  /** Whether {@code s[from, to)} trimmed of spaces and tabs equals {@code word}, ignoring ASCII case. */
  static boolean equalsTrimmedIgnoreCase(CharSequence s, int from, int to, String word) {
    from = skipSpaces(s, from, to);
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return to - from == word.length() && regionEqualsIgnoreCase(s, from, word);
  }

  private static int skipSpaces(CharSequence s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    return from;
  }

  /** Whether {@code s} holds {@code word} (lower case) at {@code from}, ignoring ASCII case. */
  private static boolean regionEqualsIgnoreCase(CharSequence s, int from, String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
