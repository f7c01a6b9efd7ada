package io.veza.routing;

/**
 * Verbatim copy of the cookie scanning code as it was before the tokenizer was deduplicated (CookieHeaders
 * {@code next}, {@code forwardRequestHeader}, {@code requestHeaderChanges}, {@code delHdrValue}, and
 * the former CookieBinding {@code isOurSetCookie}, {@code rewriteSetCookie}, now CookieStage's). {@link CookieScanDifferentialProperties} pins the
 * current implementation to it. Shared leaf helpers ({@code isSpht}, {@code cookieValueEnd}, {@code regionMatches},
 * {@code indexOf}) are called on the production class: they were not changed.
 */
final class LegacyCookieHeaders {

  private LegacyCookieHeaders() {}

  private static boolean isSpht(char c) {
    return CookieHeaders.isSpht(c);
  }

  private static int cookieValueEnd(CharSequence h, int s, int e) {
    return CookieHeaders.cookieValueEnd(h, s, e);
  }

  private static boolean regionMatches(CharSequence s, int from, String v) {
    return CookieHeaders.regionMatches(s, from, v);
  }

  private static int indexOf(CharSequence s, char c, int from, int to) {
    return CookieHeaders.indexOf(s, c, from, to);
  }

  private static long pack(int valBeg, int valEnd) {
    return ((long) valBeg << 32) | (valEnd & 0xFFFFFFFFL);
  }

  static long next(CharSequence header, int resume, String name) {
    int end = header.length();
    int prev;
    boolean first;
    if (resume < 0) {
      prev = 0;
      first = true;
    } else {
      // between a value end and the next delimiter there are only spaces and tabs
      prev = Math.min(resume, end);
      while (prev < end && isSpht(header.charAt(prev))) {
        prev++;
      }
      first = false;
    }
    while (prev < end) {
      int attBeg = first ? prev : prev + 1;
      first = false;
      while (attBeg < end && isSpht(header.charAt(attBeg))) {
        attBeg++;
      }
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < end) {
        char c = header.charAt(equal);
        if (c == '=' || c == ',' || c == ';') {
          break;
        }
        equal++;
        if (!isSpht(c)) {
          attEnd = equal;
        }
      }
      int valBeg;
      int valEnd;
      int next;
      if (equal < end && header.charAt(equal) == '=') {
        valBeg = equal + 1;
        while (valBeg < end && isSpht(header.charAt(valBeg))) {
          valBeg++;
        }
        next = cookieValueEnd(header, valBeg, end);
        valEnd = next;
        while (valEnd > valBeg && isSpht(header.charAt(valEnd - 1))) {
          valEnd--;
        }
      } else {
        valBeg = valEnd = next = equal;
      }
      prev = next;
      if (equal == next || (attBeg < end && header.charAt(attBeg) == '$')) {
        continue; // no '=' or an RFC 2109 "$attribute"
      }
      if (attEnd - attBeg == name.length() && regionMatches(header, attBeg, name)) {
        return pack(valBeg, valEnd);
      }
    }
    return CookieHeaders.NOT_FOUND;
  }

  static String forwardRequestHeader(String header, String name, boolean stripPrefix, boolean deleteOurs) {
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
    int next;
    for (int prev = hdrBeg; prev < hdrEnd; prev = next) {
      int attBeg = prev;
      if (!isFirst) {
        attBeg++;
      }
      isFirst = false;
      while (attBeg < hdrEnd && isSpht(b[attBeg])) {
        attBeg++;
      }
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < hdrEnd) {
        char c = b[equal];
        if (c == '=' || c == ',' || c == ';') {
          break;
        }
        equal++;
        if (!isSpht(c)) {
          attEnd = equal;
        }
      }
      int valBeg;
      int valEnd;
      if (equal < hdrEnd && b[equal] == '=') {
        valBeg = equal + 1;
        while (valBeg < hdrEnd && isSpht(b[valBeg])) {
          valBeg++;
        }
        next = cookieValueEnd(java.nio.CharBuffer.wrap(b), valBeg, hdrEnd);
        valEnd = next;
        while (valEnd > valBeg && isSpht(b[valEnd - 1])) {
          valEnd--;
        }
      } else {
        valBeg = valEnd = next = equal;
      }
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
      boolean ours = attEnd - attBeg == name.length() && regionMatches(java.nio.CharBuffer.wrap(b), attBeg, name);
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
      int attBeg = first ? prev : prev + 1;
      first = false;
      while (attBeg < end && isSpht(header.charAt(attBeg))) {
        attBeg++;
      }
      int equal = attBeg;
      int attEnd = attBeg;
      while (equal < end) {
        char c = header.charAt(equal);
        if (c == '=' || c == ',' || c == ';') {
          break;
        }
        equal++;
        if (!isSpht(c)) {
          attEnd = equal;
        }
      }
      int valBeg;
      int valEnd;
      int next;
      if (equal < end && header.charAt(equal) == '=') {
        valBeg = equal + 1;
        while (valBeg < end && isSpht(header.charAt(valBeg))) {
          valBeg++;
        }
        next = cookieValueEnd(header, valBeg, end);
        valEnd = next;
        while (valEnd > valBeg && isSpht(header.charAt(valEnd - 1))) {
          valEnd--;
        }
      } else {
        valBeg = valEnd = next = equal;
      }
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

  static boolean isOurSetCookie(CookiePersistence config, CharSequence setCookie) {
    String name = config.name();
    int end = setCookie.length();
    int attBeg = 0;
    while (attBeg < end && CookieHeaders.isSpht(setCookie.charAt(attBeg))) {
      attBeg++;
    }
    int equal = attBeg;
    int attEnd = attBeg;
    while (equal < end) {
      char c = setCookie.charAt(equal);
      if (c == '=' || c == ';') {
        break;
      }
      equal++;
      if (!CookieHeaders.isSpht(c)) {
        attEnd = equal;
      }
    }
    return equal < end && setCookie.charAt(equal) == '='
        && attEnd - attBeg == name.length() && CookieHeaders.regionMatches(setCookie, attBeg, name);
  }

  static String rewriteSetCookie(CookiePersistence config, String setCookie, boolean known, String writtenValue,
                                 boolean direct) {
    String name = config.name();
    CookiePersistence.Mode mode = config.mode();
    int end = setCookie.length();
    int attBeg = 0;
    while (attBeg < end && CookieHeaders.isSpht(setCookie.charAt(attBeg))) {
      attBeg++;
    }
    int equal = attBeg;
    int attEnd = attBeg;
    while (equal < end) {
      char c = setCookie.charAt(equal);
      if (c == '=' || c == ';') {
        break;
      }
      equal++;
      if (!CookieHeaders.isSpht(c)) {
        attEnd = equal;
      }
    }
    if (equal >= end || setCookie.charAt(equal) != '=') {
      return setCookie; // no '=': ignored
    }
    int valBeg = equal + 1;
    while (valBeg < end && CookieHeaders.isSpht(setCookie.charAt(valBeg))) {
      valBeg++;
    }
    int valEnd = CookieHeaders.cookieValueEnd(setCookie, valBeg, end);
    while (valEnd > valBeg && CookieHeaders.isSpht(setCookie.charAt(valEnd - 1))) {
      valEnd--;
    }
    boolean strip = attEnd != equal || valBeg > equal + 1;
    boolean ours = attEnd - attBeg == name.length() && CookieHeaders.regionMatches(setCookie, attBeg, name);
    String replacement = null;
    int replaceTo = valBeg;
    if (ours && !config.preserve()) {
      if ((known && mode == CookiePersistence.Mode.INSERT) || (direct && config.indirect())) {
        return null;
      }
      if (known && writtenValue != null && mode == CookiePersistence.Mode.REWRITE) {
        replacement = writtenValue;
        replaceTo = valEnd;
      } else if (known && writtenValue != null && mode == CookiePersistence.Mode.PREFIX) {
        replacement = writtenValue + '~';
      }
    }
    if (!strip && replacement == null) {
      return setCookie;
    }
    StringBuilder sb = new StringBuilder(end + (replacement == null ? 0 : replacement.length()));
    sb.append(setCookie, 0, attEnd).append('=');
    if (replacement != null) {
      sb.append(replacement);
    }
    return sb.append(setCookie, replaceTo, end).toString();
  }
}
