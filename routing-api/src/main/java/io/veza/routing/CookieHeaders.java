package io.veza.routing;

import org.jspecify.annotations.Nullable;

/**
 * Allocation-free scanning of {@code Cookie} request header values, and the two header rewrites HAProxy performs on
 * them, ported from {@code http_manage_client_side_cookies} ({@code src/http_ana.c}) and
 * {@code http_find_cookie_value_end} ({@code src/http.c}).
 *
 * <p>Grammar, exactly as HAProxy reads it: cookies are separated by {@code ';'} or {@code ','}; spaces and tabs
 * around names and around {@code '='} are ignored; a value runs to the first unquoted {@code ';'} or {@code ','}
 * (inside double quotes a backslash escapes the next character; the quotes are part of the value) and trailing
 * spaces are trimmed; a cookie without {@code '='} and an attribute whose name starts with {@code '$'} (RFC 2109)
 * are skipped; names are case-sensitive.
 *
 * <p>A found cookie is returned as a packed {@code long}: value start in the high 32 bits, value end in the low 32
 * bits ({@link #NOT_FOUND} when there is none). Resume the search with {@code next(header, valueEnd(found),
 * name)}. Nothing here throws on any input (fuzzed) and nothing allocates except the rewrite of a header that
 * must change. O(length of the header) per full scan.
 */
final class CookieHeaders {

  /** Returned by {@link #next} when no further cookie of that name exists. */
  static final long NOT_FOUND = -1L;

  /** Resume position meaning "from the start of the header". */
  static final int START = -1;

  private CookieHeaders() {}

  static int valueStart(long found) {
    return hi(found);
  }

  static int valueEnd(long found) {
    return lo(found);
  }

  private static long pack(int valBeg, int valEnd) {
    return ((long) valBeg << 32) | (valEnd & 0xFFFFFFFFL);
  }

  /** HAProxy {@code HTTP_IS_SPHT}. */
  static boolean isSpht(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * The next cookie named {@code name} (with an {@code '='}) in {@code header}, searching from {@code resume}:
   * {@link #START} or the value end of the previous hit. Returns the packed value bounds or {@link #NOT_FOUND}.
   */
  static long next(CharSequence header, int resume, String name) {
    int end = header.length();
    int prev;
    boolean first;
    if (resume < 0) {
      prev = 0;
      first = true;
    } else {
      // between a value end and the next delimiter there are only spaces and tabs
      prev = skipSpht(header, Math.min(resume, end), end);
      first = false;
    }
    while (prev < end) {
      int attBeg = skipSpht(header, first ? prev : prev + 1, end);
      first = false;
      long nameEnd = scanName(header, attBeg, end, true);
      int attEnd = hi(nameEnd);
      int equal = lo(nameEnd);
      long value = scanValue(header, equal, end);
      int valBeg = hi(value);
      int next = lo(value);
      int valEnd = trimSpht(header, valBeg, next);
      prev = next;
      if (equal == next || (attBeg < end && header.charAt(attBeg) == '$')) {
        continue; // no '=' or an RFC 2109 "$attribute"
      }
      if (attEnd - attBeg == name.length() && regionMatches(header, attBeg, name)) {
        return pack(valBeg, valEnd);
      }
    }
    return NOT_FOUND;
  }

  /** HAProxy {@code http_find_cookie_value_end}: first unquoted {@code ';'} or {@code ','} at or after {@code s}. */
  static int cookieValueEnd(CharSequence h, int s, int e) {
    boolean quoted = false;
    boolean qdpair = false;
    for (; s < e; s++) {
      char c = h.charAt(s);
      if (qdpair) {
        qdpair = false;
      } else if (quoted) {
        if (c == '\\') {
          qdpair = true;
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

  /*
   * The HAProxy cookie tokenizer, shared by every scan here and by CookieBinding's Set-Cookie scans. One cookie
   * is "  name  =  value  " up to the delimiter `next`; callers step over the delimiter themselves. Boundaries
   * come back packed two per long (hi, lo) so that nothing allocates.
   */

  static int hi(long packed) {
    return (int) (packed >>> 32);
  }

  static int lo(long packed) {
    return (int) packed;
  }

  /** The first position at or after {@code i} that is not a space or tab, at most {@code end}. */
  static int skipSpht(CharSequence h, int i, int end) {
    while (i < end && isSpht(h.charAt(i))) {
      i++;
    }
    return i;
  }

  /** {@code end} moved back over trailing spaces and tabs, not before {@code from}. */
  static int trimSpht(CharSequence h, int from, int end) {
    while (end > from && isSpht(h.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /**
   * Scans a cookie name from {@code attBeg} (already past leading spaces) to the first {@code '='} or {@code ';'}
   * (or {@code ','} when {@code commaEnds}: a Cookie header; a Set-Cookie name runs past commas).
   *
   * @return packed ({@code attEnd}: the name end without trailing spaces, {@code equal}: the position of that
   *     delimiter, or {@code end})
   */
  static long scanName(CharSequence h, int attBeg, int end, boolean commaEnds) {
    int equal = attBeg;
    int attEnd = attBeg;
    while (equal < end) {
      char c = h.charAt(equal);
      if (c == '=' || c == ';' || (commaEnds && c == ',')) {
        break;
      }
      equal++;
      if (!isSpht(c)) {
        attEnd = equal;
      }
    }
    return pack(attEnd, equal);
  }

  /**
   * The value after the {@code '='} at {@code equal}: packed ({@code valBeg}: past leading spaces, {@code next}:
   * its {@link #cookieValueEnd}); trim the value end with {@link #trimSpht}. Without an {@code '='} at
   * {@code equal} the cookie has no value: ({@code equal}, {@code equal}).
   */
  static long scanValue(CharSequence h, int equal, int end) {
    if (equal >= end || h.charAt(equal) != '=') {
      return pack(equal, equal);
    }
    int valBeg = skipSpht(h, equal + 1, end);
    return pack(valBeg, cookieValueEnd(h, valBeg, end));
  }

  /** Whether {@code s[from, from + v.length())} equals {@code v}; false if out of range. */
  static boolean regionMatches(CharSequence s, int from, String v) {
    int n = v.length();
    if (from < 0 || from + n > s.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(from + i) != v.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the value {@code s[from, to)} equals {@code v} exactly (HAProxy: same length and {@code memcmp}). */
  static boolean regionEquals(CharSequence s, int from, int to, String v) {
    return to - from == v.length() && regionMatches(s, from, v);
  }

  /** First index of {@code c} in {@code s[from, to)}, or -1. */
  static int indexOf(CharSequence s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Last index of {@code c} in {@code s[from, to)}, or -1. */
  static int lastIndexOf(CharSequence s, char c, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The {@code Cookie} header value to forward to the backend, exactly as HAProxy edits it in
   * {@code http_manage_client_side_cookies}: spaces around {@code '='} are removed from every cookie; with
   * {@code stripPrefix} (prefix mode) the {@code SRV~} part of our cookie is removed; with {@code deleteOurs}
   * (insert + indirect) every occurrence of our cookie is removed together with the {@code $attributes} that
   * follow it, using HAProxy's {@code http_del_hdr_value} delimiter rules.
   *
   * @return {@code header} itself (same instance) when nothing changes — the common case, allocation-free —
   *     {@code null} when the whole header must be removed, otherwise the new value
   */
  static @Nullable String forwardRequestHeader(String header, String name, boolean stripPrefix, boolean deleteOurs) {
    if (!requestHeaderChanges(header, name, stripPrefix, deleteOurs)) {
      return header;
    }
    char[] b = header.toCharArray();
    final int hdrBeg = 0;
    int hdrEnd = b.length;
    int delFrom = -1;
    boolean preserveHdr = false;
    boolean isFirst = true;
    int[] from = new int[1];
    // one view for the shared tokenizer; it sees the in-place edits of b (hdrEnd bounds every scan)
    java.nio.CharBuffer view = java.nio.CharBuffer.wrap(b);
    int next;
    for (int prev = hdrBeg; prev < hdrEnd; prev = next) {
      int attBeg = skipSpht(view, isFirst ? prev : prev + 1, hdrEnd);
      isFirst = false;
      long nameEnd = scanName(view, attBeg, hdrEnd, true);
      int attEnd = hi(nameEnd);
      int equal = lo(nameEnd);
      long value = scanValue(view, equal, hdrEnd);
      int valBeg = hi(value);
      next = lo(value);
      int valEnd = trimSpht(view, valBeg, next);
      if (attBeg < hdrEnd && b[attBeg] == '$') {
        continue;
      }
      if (equal == next) {
        // not our cookie (no '='): keep it, and flush a pending deletion before it
        preserveHdr = true;
        if (delFrom >= 0) {
          from[0] = delFrom;
          int delta = delHdrValue(b, hdrBeg, hdrEnd, from, prev);
          next += delta;
          hdrEnd += delta;
          delFrom = -1;
        }
        continue;
      }
      if (attEnd != equal || valBeg > equal + 1) {
        int strippedBefore = 0;
        if (attEnd != equal) {
          System.arraycopy(b, equal, b, attEnd, hdrEnd - equal);
          strippedBefore = attEnd - equal;
          equal += strippedBefore;
          valBeg += strippedBefore;
        }
        if (valBeg > equal + 1) {
          System.arraycopy(b, valBeg, b, equal + 1, hdrEnd + strippedBefore - valBeg);
          int strippedAfter = (equal + 1) - valBeg;
          valBeg += strippedAfter;
          strippedBefore += strippedAfter;
        }
        valEnd += strippedBefore;
        next += strippedBefore;
        hdrEnd += strippedBefore;
      }
      boolean ours = attEnd - attBeg == name.length() && regionMatches(view, attBeg, name);
      if (ours) {
        int delim = valEnd;
        if (stripPrefix) {
          for (delim = valBeg; delim < valEnd; delim++) {
            if (b[delim] == '~') {
              break;
            }
          }
        }
        if (stripPrefix && delim != valEnd) {
          System.arraycopy(b, delim + 1, b, valBeg, hdrEnd - (delim + 1));
          int delta = valBeg - (delim + 1);
          next += delta;
          hdrEnd += delta;
          delFrom = -1;
          preserveHdr = true;
        } else if (delFrom < 0 && deleteOurs) {
          delFrom = prev;
        }
      } else {
        preserveHdr = true;
        if (delFrom >= 0) {
          from[0] = delFrom;
          int delta = delHdrValue(b, hdrBeg, hdrEnd, from, prev);
          next += delta;
          hdrEnd += delta;
          delFrom = -1;
        }
      }
    }
    if (delFrom >= 0) {
      hdrEnd = preserveHdr ? delFrom : hdrBeg;
    }
    return hdrEnd == hdrBeg ? null : new String(b, hdrBeg, hdrEnd - hdrBeg);
  }

  /** Read-only pre-scan: whether {@link #forwardRequestHeader} would change anything. Allocation-free. */
  static boolean requestHeaderChanges(CharSequence header, String name, boolean stripPrefix, boolean deleteOurs) {
    int end = header.length();
    int prev = 0;
    boolean first = true;
    while (prev < end) {
      int attBeg = skipSpht(header, first ? prev : prev + 1, end);
      first = false;
      long nameEnd = scanName(header, attBeg, end, true);
      int attEnd = hi(nameEnd);
      int equal = lo(nameEnd);
      long value = scanValue(header, equal, end);
      int valBeg = hi(value);
      int next = lo(value);
      int valEnd = trimSpht(header, valBeg, next);
      prev = next;
      if ((attBeg < end && header.charAt(attBeg) == '$') || equal == next) {
        continue;
      }
      if (attEnd != equal || valBeg > equal + 1) {
        return true;
      }
      if (attEnd - attBeg == name.length() && regionMatches(header, attBeg, name)) {
        if (deleteOurs || (stripPrefix && indexOf(header, '~', valBeg, valEnd) >= 0)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * HAProxy {@code http_del_hdr_value}: deletes the value between the delimiters {@code from[0]} and {@code next}
   * in {@code b[start, end)}; returns the (negative) displacement and may move {@code from[0]} back over spaces.
   */
  private static int delHdrValue(char[] b, int start, int end, int[] from, int next) {
    int prev = from[0];
    if (prev == start) {
      // removing the first value: eat the delimiter and the spaces after it
      if (next < end) {
        next++;
      }
      while (next < end && isSpht(b[next])) {
        next++;
      }
    } else {
      while (prev - 1 > start && isSpht(b[prev - 1])) { // HAProxy relies on a non-space before; we bound it
        prev--;
      }
      from[0] = prev;
      if (next < end) {
        b[prev++] = b[next++]; // keep the next delimiter
        if (prev + 1 < next) {
          b[prev++] = ' ';
        }
        while (next < end && isSpht(b[next])) {
          next++;
        }
      }
    }
    System.arraycopy(b, next, b, prev, end - next);
    return prev - next;
  }

  /** Whether {@code h} holds CR, LF or NUL, which must never reach a forwarded header. */
  static boolean hasControlCharacter(CharSequence h) {
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code h} without the cookies (the {@code ;}- or {@code ,}-separated elements, as HAProxy splits them) that
   * contain CR, LF or NUL: such a cookie counts as absent. Null when nothing is left. Linear.
   */
  static @Nullable String dropCookiesWithControlCharacters(String h) {
    StringBuilder out = new StringBuilder(h.length());
    int end = h.length();
    int from = 0;
    while (from < end) {
      int next = from;
      int attBeg = skipSpht(h, from, end);
      long nameEnd = scanName(h, attBeg, end, true);
      long value = scanValue(h, lo(nameEnd), end);
      next = lo(value);
      int stop = Math.max(next, lo(nameEnd));
      boolean bad = false;
      for (int i = from; i < stop; i++) {
        char c = h.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          bad = true;
          break;
        }
      }
      if (!bad) {
        String piece = h.substring(attBeg, trimSpht(h, attBeg, stop));
        if (!piece.isEmpty()) {
          if (out.length() > 0) {
            out.append("; ");
          }
          out.append(piece);
        }
      }
      from = stop + 1;
    }
    return out.length() == 0 ? null : out.toString();
  }
}
