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
   * follow it, using HAProxy's {@code http_del_hdr_value} delimiter rules. One pass ({@link #rewrite}) over a
   * per-thread copy of the header: O(length), whatever the number of cookies removed.
   *
   * @return {@code header} itself (same instance) when nothing changes, {@code null} when the whole header must be
   *     removed, otherwise the new value (the only allocation)
   */
  static @Nullable String forwardRequestHeader(String header, String name, boolean stripPrefix, boolean deleteOurs) {
    if (!stripPrefix) {
      String plain = forwardPlain(header, name, deleteOurs);
      if (plain != NOT_PLAIN) {
        return plain;
      }
    }
    int n = header.length();
    char[] b = CharScratch.get(n);
    header.getChars(0, n, b, 0);
    int len = rewrite(b, n, name, stripPrefix, deleteOurs);
    return len == UNCHANGED ? header : len == 0 ? null : new String(b, 0, len);
  }

  /** {@link #forwardPlain}: the header is not plain, {@link #rewrite} must edit it. Compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified") // a distinct instance: no header value is this object
  static final String NOT_PLAIN = new String("(not plain)");

  /**
   * {@link #forwardRequestHeader} without prefix stripping, for a plain header: no double quote, no {@code ','}, no
   * CR, LF or NUL, and every cookie {@code name=value} with a non-empty name not starting with {@code '$'} and no
   * blank next to its first {@code '='} (so HAProxy strips nothing). Every real browser's {@code Cookie} header is
   * plain. Returns {@link #NOT_PLAIN} for any other header, before writing anything.
   *
   * <p>On a plain header HAProxy's edits reduce to deleting our cookies: a run of them followed by another cookie is
   * replaced by {@code "; "} (after the blanks before it are dropped), or by nothing at the start of the header; a
   * run at the end is cut at its delimiter (the whole header goes when nothing else is left). The header is read with
   * {@link String#indexOf}, which the JDK vectorises: a few scans of the whole header, then two per cookie; the kept
   * parts are copied once, to a per-thread buffer ({@link CharScratch}), and the result is the only allocation.
   *
   * @return {@code header} itself when nothing changes, {@code null} when the header must be removed, the edited
   *     value, or {@link #NOT_PLAIN}
   */
  static @Nullable String forwardPlain(String header, String name, boolean deleteOurs) {
    String h = header;
    if (h.indexOf('"') >= 0 || h.indexOf(',') >= 0 || h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0
        || h.indexOf(0) >= 0) {
      return NOT_PLAIN;
    }
    int end = h.length();
    int len = name.length();
    char[] out = null;
    int w = 0; // out[0, w) is written; h[keepFrom, ...) is kept but not copied yet
    int keepFrom = 0;
    int runFrom = -1; // where in h the run of our cookies being deleted starts (its delimiter, or 0)
    boolean preserveHdr = false;
    for (int s = 0; s < end; ) {
      int attBeg = s == 0 ? 0 : s + 1;
      char c;
      while (attBeg < end && ((c = h.charAt(attBeg)) == ' ' || c == '\t')) {
        attBeg++;
      }
      int e = h.indexOf(';', attBeg);
      if (e < 0) {
        e = end;
      }
      int equal = h.indexOf('=', attBeg);
      if (equal < 0 || equal >= e || equal == attBeg || h.charAt(attBeg) == '$' || isSpht(h.charAt(equal - 1))
          || (equal + 1 < end && isSpht(h.charAt(equal + 1)))) {
        return NOT_PLAIN;
      }
      boolean ours = equal - attBeg == len && h.startsWith(name, attBeg);
      if (ours) {
        if (deleteOurs && runFrom < 0) {
          runFrom = s;
        }
      } else {
        preserveHdr = true;
        if (runFrom >= 0) {
          // http_del_hdr_value: the run goes; this cookie's delimiter and a space take its place (at the start of
          // the header: nothing)
          out = out != null ? out : CharScratch.get(end);
          h.getChars(keepFrom, runFrom, out, w);
          w += runFrom - keepFrom;
          if (w > 0) {
            while (w - 1 > 0 && isSpht(out[w - 1])) {
              w--;
            }
            out[w++] = ';';
            out[w++] = ' ';
          }
          keepFrom = attBeg;
          runFrom = -1;
        }
      }
      s = e;
    }
    if (out == null && runFrom < 0) {
      return h;
    }
    int keepTo = end;
    if (runFrom >= 0) {
      if (!preserveHdr) {
        return null;
      }
      keepTo = runFrom;
    }
    out = out != null ? out : CharScratch.get(end);
    h.getChars(keepFrom, keepTo, out, w);
    w += keepTo - keepFrom;
    return w == 0 ? null : new String(out, 0, w);
  }

  /** {@link #rewrite}: nothing changes. */
  static final int UNCHANGED = -1;

  /**
   * HAProxy's request-side {@code Cookie} header edits (see {@link #forwardRequestHeader}) applied in place to
   * {@code b[0, n)} in one pass: each cookie is tokenized once and copied once, left to right, to a write position
   * that never passes the read position (every edit removes characters: HAProxy's {@code http_del_hdr_value}
   * writes back one delimiter and at most one space where it removed at least two characters). HAProxy's own
   * loop moves the rest of the header with a {@code memmove} for every edit, O(length x edits); this produces the
   * same characters in O(length): the rest of the header is the same whether it is moved after every edit or
   * copied once, and the only edit that looks back, {@code http_del_hdr_value}'s walk back over the spaces before a
   * deleted cookie, only removes characters already written (each written character is removed at most once).
   *
   * <p>Bounds: time O(n), no allocation, no recursion; {@code b} must hold at least {@code n} characters.
   *
   * @return {@link #UNCHANGED}, or the length of the edited header in {@code b} (0: remove the header)
   */
  static int rewrite(char[] b, int n, String name, boolean stripPrefix, boolean deleteOurs) {
    int w = 0; // write position: b[0, w) is the edited header so far
    int delFrom = -1; // write position of the delimiter before the first of a run of our cookies to delete
    boolean preserveHdr = false;
    boolean changed = false;
    boolean first = true;
    int next;
    for (int prev = 0; prev < n; prev = next) {
      int attBeg = skipSpht(b, first ? prev : prev + 1, n);
      first = false;
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < n) {
        char c = b[equal];
        if (c == '=' || c == ';' || c == ',') {
          break;
        }
        equal++;
        if (c != ' ' && c != '\t') {
          attEnd = equal;
        }
      }
      int valBeg;
      if (equal < n && b[equal] == '=') {
        valBeg = skipSpht(b, equal + 1, n);
        next = cookieValueEnd(b, valBeg, n);
      } else {
        valBeg = equal;
        next = equal;
      }
      if (attBeg < n && b[attBeg] == '$') {
        w = copy(b, prev, next, w); // an RFC 2109 attribute: kept as it is (or deleted with the cookie before it)
        continue;
      }
      if (equal == next) {
        // no '=': not our cookie; kept, and a pending deletion before it is done
        preserveHdr = true;
        if (delFrom >= 0) {
          w = delimitAfterDeletion(b, delFrom, w, prev);
          w = copy(b, attBeg, next, w);
          delFrom = -1;
          changed = true;
        } else {
          w = copy(b, prev, next, w);
        }
        continue;
      }
      // the cookie as HAProxy leaves it: spaces before and after the '=' removed
      changed |= attEnd != equal || valBeg != equal + 1;
      int keepFrom = valBeg;
      if (attEnd - attBeg == name.length() && regionMatches(b, attBeg, name)) {
        int delim = valEnd(b, valBeg, next);
        if (stripPrefix) {
          for (int i = valBeg; i < delim; i++) {
            if (b[i] == '~') {
              keepFrom = i + 1;
              break;
            }
          }
        }
        if (keepFrom != valBeg) {
          delFrom = -1; // prefix stripped: this cookie stays, and so do ours before it (HAProxy forgets them)
          preserveHdr = true;
          changed = true;
        } else if (delFrom < 0 && deleteOurs) {
          delFrom = w;
        }
        w = copyCookie(b, prev, attEnd, keepFrom, next, w);
      } else {
        preserveHdr = true;
        if (delFrom >= 0) {
          w = delimitAfterDeletion(b, delFrom, w, prev);
          w = copyCookie(b, attBeg, attEnd, keepFrom, next, w);
          delFrom = -1;
          changed = true;
        } else {
          w = copyCookie(b, prev, attEnd, keepFrom, next, w);
        }
      }
    }
    if (delFrom >= 0) {
      w = preserveHdr ? delFrom : 0;
      changed = true;
    }
    return changed ? w : UNCHANGED;
  }

  /** {@code b[from, to)} to the write position {@code w} (overlapping ranges are fine); the new write position. */
  private static int copy(char[] b, int from, int to, int w) {
    if (from != w) {
      System.arraycopy(b, from, b, w, to - from);
    }
    return w + (to - from);
  }

  /** One cookie {@code b[from, attEnd) '=' b[valFrom, next)} to the write position; the new write position. */
  private static int copyCookie(char[] b, int from, int attEnd, int valFrom, int next, int w) {
    w = copy(b, from, attEnd, w);
    b[w++] = '=';
    return copy(b, valFrom, next, w);
  }

  /**
   * HAProxy {@code http_del_hdr_value}, written forward: the cookies from the write position {@code delFrom} (the
   * delimiter before the first deleted cookie, or 0) to {@code w} are deleted, and the cookie at {@code b[prev]}
   * (its delimiter; its leading blanks are skipped by the caller, which copies it from its name) follows. Removing
   * the first value eats that delimiter; otherwise the blanks written before {@code delFrom} go (but not the first
   * character), the cookie's own delimiter takes {@code delFrom}'s place and a space follows it when the deleted
   * stretch left room for one. Returns the write position.
   */
  private static int delimitAfterDeletion(char[] b, int delFrom, int w, int prev) {
    if (delFrom == 0) {
      return 0;
    }
    int p = delFrom;
    while (p - 1 > 0 && isSpht(b[p - 1])) {
      p--;
    }
    char delimiter = b[prev]; // prev >= w > p: not yet overwritten
    b[p++] = delimiter;
    if (p < w) { // HAProxy: prev + 1 < next after both moved past the delimiter
      b[p++] = ' ';
    }
    return p;
  }

  /** {@link #trimSpht} on a char array: the value end without trailing blanks. */
  private static int valEnd(char[] b, int valBeg, int next) {
    while (next > valBeg && isSpht(b[next - 1])) {
      next--;
    }
    return next;
  }

  private static int skipSpht(char[] b, int i, int end) {
    while (i < end && isSpht(b[i])) {
      i++;
    }
    return i;
  }

  /** {@link #cookieValueEnd(CharSequence, int, int)} on a char array. */
  private static int cookieValueEnd(char[] h, int s, int e) {
    boolean quoted = false;
    boolean qdpair = false;
    for (; s < e; s++) {
      char c = h[s];
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

  private static boolean regionMatches(char[] b, int from, String v) {
    for (int i = 0; i < v.length(); i++) {
      if (b[from + i] != v.charAt(i)) {
        return false;
      }
    }
    return true;
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

  /** Whether {@code b[0, n)} holds CR, LF or NUL, which must never reach a forwarded header. */
  static boolean hasControlCharacter(char[] b, int n) {
    for (int i = 0; i < n; i++) {
      char c = b[i];
      if (c < ' ' && (c == '\r' || c == '\n' || c == 0)) {
        return true;
      }
    }
    return false;
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
