package io.veza.routing;

import org.jspecify.annotations.Nullable;

/**
 * The cookie stage of a pool: a {@link CookiePersistence} applied to live servers. Request side: HAProxy
 * {@code http_manage_client_side_cookies} (match the persistence cookie of every {@code Cookie} header, in O(length)
 * through the pool's {@link CookieIndex}), and the forwarded {@code Cookie} headers. Response side: HAProxy
 * {@code http_manage_server_side_cookies} (the backend's {@code Set-Cookie} headers) and the insertion condition
 * and format of {@code http_process_res_common}.
 *
 * <p>Immutable and thread-safe; per-server strings are precomputed in {@link Server.CookieStrings}, so an undated
 * insert returns a constant.
 */
final class CookieStage {

  /** HAProxy's fixed deletion attributes for a server without a cookie value. */
  static final String EXPIRED_ATTRIBUTES = "; Expires=Thu, 01-Jan-1970 00:00:01 GMT";

  /** HAProxy ignores cookie dates more than one day in the future. */
  static final int FUTURE_TOLERANCE_SECONDS = 86400;

  private final CookiePersistence config;
  private final String name;
  private final CookiePersistence.Mode mode;
  private final @Nullable CookieSigning signing;
  private final int maxIdle;
  private final int maxLife;
  private final boolean dated;
  /** {@code ; path=/} + domains + HttpOnly + Secure + attrs. */
  private final String pathAndAttributes;
  private final String deletion;
  /** Whether {@link #findSingle} may stand in for {@link #match}: see there. */
  private final boolean singleMatch;

  CookieStage(CookiePersistence config) {
    this.config = config;
    this.name = config.name();
    this.mode = config.mode();
    this.signing = config.signingOrNull();
    this.maxIdle = config.maxIdleSeconds();
    this.maxLife = config.maxLifeSeconds();
    this.dated = maxIdle != 0 || maxLife != 0;
    this.singleMatch = mode != CookiePersistence.Mode.PREFIX && signing == null && !name.startsWith("$");
    StringBuilder attrs = new StringBuilder();
    for (String d : config.domains()) {
      attrs.append("; domain=").append(d);
    }
    if (config.httpOnly()) {
      attrs.append("; HttpOnly");
    }
    if (config.secure()) {
      attrs.append("; Secure");
    }
    if (!config.attrs().isEmpty()) {
      attrs.append("; ").append(String.join("; ", config.attrs()));
    }
    String attributes = attrs.toString();
    this.pathAndAttributes = "; path=/" + attributes;
    this.deletion = name + "=" + EXPIRED_ATTRIBUTES + "; path=/" + attributes;
  }

  CookiePersistence config() {
    return config;
  }

  String name() {
    return name;
  }

  boolean nocache() {
    return config.nocache();
  }

  /** With {@code maxidle} or {@code maxlife}: only then does matching a request's cookie read the clock. */
  boolean dated() {
    return dated;
  }

  /** Whether {@link #findSingle} may be used instead of {@link #match} (not prefix mode, no signing). */
  boolean singleMatch() {
    return singleMatch;
  }

  /** Insert mode with {@code indirect}, or prefix mode: the forwarded Cookie headers differ from the request's. */
  boolean removesFromRequest() {
    return (mode == CookiePersistence.Mode.INSERT && config.indirect()) || mode == CookiePersistence.Mode.PREFIX;
  }

  /**
   * The strings of a server whose cookie value is {@code value} (null: none). Values must be non-empty RFC 6265
   * cookie-octets without the separator that would stop HAProxy from ever matching them ({@code '|'}, or
   * {@code '~'} in prefix mode).
   *
   * @throws IllegalArgumentException naming the server and the value
   */
  Server.CookieStrings strings(String serverId, @Nullable String value) {
    if (value == null) {
      return Server.CookieStrings.NONE;
    }
    checkServerValue(serverId, value);
    String written = signing == null || (mode == CookiePersistence.Mode.INSERT && dated) ? value
        : signing.sign(name, value);
    String staticSetCookie = mode == CookiePersistence.Mode.INSERT && !dated
        ? name + "=" + written + pathAndAttributes : null;
    return new Server.CookieStrings(value, written, staticSetCookie);
  }

  private void checkServerValue(String serverId, String v) {
    if (v.isEmpty()) {
      throw new IllegalArgumentException("server " + serverId + " cookie must not be empty, was \"\"");
    }
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      boolean octet = c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A)
          || (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
      if (!octet) {
        throw new IllegalArgumentException("server " + serverId + " cookie must be RFC 6265 cookie-octets, was \""
            + CookiePersistence.printable(v) + "\" (character " + CookiePersistence.describe(c) + " at index " + k
            + ")");
      }
    }
    char sep = mode == CookiePersistence.Mode.PREFIX ? '~' : '|';
    if (v.indexOf(sep) >= 0) {
      throw new IllegalArgumentException("server " + serverId + " cookie must not contain '" + sep
          + "' (HAProxy splits " + (sep == '~' ? "the prefix" : "the dates") + " there, it would never match), was \""
          + v + "\"");
    }
  }

  // ------------------------------------------------------------------------------------------ request side

  /**
   * Reads our cookie from one {@code Cookie} header value into {@code m} (call once per header, in order, after
   * {@code m.reset()}). HAProxy {@code http_manage_client_side_cookies}, for every occurrence of the name:
   *
   * <ul>
   *   <li>the server part is the value up to the first {@code '~'} (prefix mode) or {@code '|'} (other modes);
   *       in non-prefix modes {@code SRV|LAST|FIRST} dates are read with {@code b64tos30} (a date needs 5 valid
   *       chars and a non-zero value, else it is ignored; a later occurrence's date overwrites an earlier one);
   *   <li>with signing, the tag must verify first, else the occurrence is invalid and its dates are not read;
   *   <li>{@code maxlife}: FIRST older than {@code maxlife} or more than a day ahead: {@link CookieMatch#OLD};
   *       else {@code maxidle}: LAST older than {@code maxidle} or more than a day ahead:
   *       {@link CookieMatch#EXPIRED}; either resets both dates and ignores the occurrence;
   *   <li>an empty server part, or a server already assigned, skips the server search;
   *   <li>the servers carrying that value are tried in slot order: the first cookie-eligible one (or with
   *       {@code persist} any) is assigned ({@code VALID}, or {@code DOWN} when persisted to a down server); a
   *       matching unusable server marks {@code DOWN} and the search goes on (shared cookies);
   *   <li>no match: {@code INVALID} (or {@code UNUSED} if an earlier occurrence assigned a server), unless the
   *       occurrence already set {@code DOWN}/{@code EXPIRED}/{@code OLD}.
   * </ul>
   *
   * @param nowSeconds the current UNIX time in seconds (injected clock)
   */
  void match(@Nullable CharSequence cookieHeader, CookieIndex index, boolean persist, long nowSeconds, CookieMatch m) {
    if (cookieHeader == null) {
      return;
    }
    long found = CookieHeaders.next(cookieHeader, CookieHeaders.START, name);
    while (found != CookieHeaders.NOT_FOUND) {
      int valEnd = CookieHeaders.valueEnd(found);
      matchOccurrence(cookieHeader, CookieHeaders.valueStart(found), valEnd, index, persist, nowSeconds, m);
      found = CookieHeaders.next(cookieHeader, valEnd, name);
    }
  }

  /** {@link #findSingle}: the header holds no occurrence of our cookie. */
  static final long NO_OCCURRENCE = CookieHeaders.NOT_FOUND;
  /** {@link #findSingle}: the header needs {@link #match}. */
  static final long NEEDS_MATCH = -2L;

  /**
   * The request path's shortcut for the common {@code Cookie} header (requires {@link #singleMatch()}): a
   * {@code String} without double quotes holding at most one occurrence of our cookie, whose value has no date part.
   * Returns the packed bounds of that value ({@link CookieHeaders#valueStart}, {@link CookieHeaders#valueEnd}),
   * {@link #NO_OCCURRENCE}, or {@link #NEEDS_MATCH} for any other header (quotes, several occurrences, a {@code '|'}
   * in the value). For such a value {@link #match} reads no date, checks no expiry and looks the value up once, so
   * the caller can do that itself without the per-thread {@link CookieMatch}.
   *
   * <p>Why it finds exactly what {@link CookieHeaders#next} finds: without a double quote every {@code ';'} and
   * {@code ','} ends a cookie (a value runs to the first of them, a name stops at them), so a cookie name starts
   * exactly at the first non-blank character after a delimiter or at the first of the header. An occurrence of our
   * name (a token: no blank, {@code '='}, {@code ';'}, {@code ','}, {@code '"'}; not starting with {@code '$'}) is a
   * cookie of that name iff only blanks separate it from the previous delimiter (or the start) and from an
   * {@code '='} after it. The candidates come from {@link String#indexOf(String, int)}, a vectorised search in the
   * JDK; each is checked in O(blanks). O(length) in all. Allocation-free.
   *
   * @param h one {@code Cookie} header value
   * @return packed value bounds, {@link #NO_OCCURRENCE} or {@link #NEEDS_MATCH}
   */
  long findSingle(String h) {
    if (h.indexOf('"') >= 0) {
      return NEEDS_MATCH;
    }
    String n = name;
    int len = n.length();
    int end = h.length();
    long found = NO_OCCURRENCE;
    int from = 0;
    int p;
    while ((p = h.indexOf(n, from)) >= 0) {
      from = p + len; // no cookie name starts inside this one: its characters are tokens
      int q = p - 1;
      char c = 0;
      while (q >= 0 && ((c = h.charAt(q)) == ' ' || c == '\t')) {
        q--;
      }
      if (q >= 0 && c != ';' && c != ',') {
        continue; // inside a name or a value
      }
      int equal = from;
      c = 0;
      while (equal < end && ((c = h.charAt(equal)) == ' ' || c == '\t')) {
        equal++;
      }
      if (c != '=') {
        continue; // a longer name, or no '='
      }
      if (found != NO_OCCURRENCE) {
        return NEEDS_MATCH;
      }
      int valBeg = equal + 1;
      while (valBeg < end && ((c = h.charAt(valBeg)) == ' ' || c == '\t')) {
        valBeg++;
      }
      int next = valBeg;
      while (next < end && (c = h.charAt(next)) != ';' && c != ',') {
        if (c == '|') {
          return NEEDS_MATCH;
        }
        next++;
      }
      int valEnd = next;
      while (valEnd > valBeg && ((c = h.charAt(valEnd - 1)) == ' ' || c == '\t')) {
        valEnd--;
      }
      found = ((long) valBeg << 32) | valEnd;
      from = next;
    }
    return found;
  }

  private void matchOccurrence(CharSequence h, int valBeg, int valEnd, CookieIndex index, boolean persist,
      long now, CookieMatch m) {
    int delim;
    if (mode == CookiePersistence.Mode.PREFIX) {
      delim = CookieHeaders.indexOf(h, '~', valBeg, valEnd);
      if (delim < 0) {
        delim = valEnd;
      }
      if (signing != null) {
        delim = verifiedEnd(h, valBeg, delim);
      }
    } else {
      int end = signing == null ? valEnd : verifiedEnd(h, valBeg, valEnd);
      delim = end;
      int bar = end == valBeg ? -1 : CookieHeaders.indexOf(h, '|', valBeg, end);
      if (bar >= 0) {
        delim = bar;
        int last = bar + 1;
        if (end - last >= CookieDates.LENGTH) {
          int v = CookieDates.b64tos30(h, last);
          if (v > 0) {
            m.lastDate = v << 2;
          }
        }
        int bar2 = CookieHeaders.indexOf(h, '|', last, end);
        if (bar2 >= 0 && end - bar2 > CookieDates.LENGTH) {
          int v = CookieDates.b64tos30(h, bar2 + 1);
          if (v > 0) {
            m.firstDate = v << 2;
          }
        }
      }
    }
    if (m.firstDate != 0 && maxLife != 0 && expired(now, m.firstDate, maxLife)) {
      m.status = CookieMatch.OLD;
      delim = valBeg;
      m.firstDate = 0;
      m.lastDate = 0;
    } else if (m.lastDate != 0 && maxIdle != 0 && expired(now, m.lastDate, maxIdle)) {
      m.status = CookieMatch.EXPIRED;
      delim = valBeg;
      m.firstDate = 0;
      m.lastDate = 0;
    }
    boolean found = false;
    if (delim != valBeg && m.server == null) {
      Server[] candidates = index.lookup(h, valBeg, delim);
      if (candidates != null) {
        for (Server s : candidates) {
          boolean usable = s.health.state().isCookieEligible();
          m.status = usable ? CookieMatch.VALID : CookieMatch.DOWN;
          if (usable || persist) {
            m.server = s;
            found = true;
            break;
          }
        }
      }
    }
    if (!found && m.status != CookieMatch.DOWN && m.status != CookieMatch.EXPIRED && m.status != CookieMatch.OLD) {
      m.status = m.server != null ? CookieMatch.UNUSED : CookieMatch.INVALID;
    }
  }

  /** With signing: the end of the signed part when {@code h[from,to)} ends with a valid tag, else {@code from}. */
  private int verifiedEnd(CharSequence h, int from, int to) {
    int dot = CookieHeaders.lastIndexOf(h, CookieSigning.SEPARATOR, from, to);
    if (dot < 0 || !requireSigning().verify(name, h, from, dot, dot + 1, to)) {
      return from;
    }
    return dot;
  }

  /** HAProxy's 32-bit signed arithmetic: {@code (signed)(now - date) > max || (signed)(date - now) > 86400}. */
  private static boolean expired(long now, int date, int max) {
    long d = date & 0xFFFFFFFFL;
    return (int) (now - d) > max || (int) (d - now) > FUTURE_TOLERANCE_SECONDS;
  }

  private CookieSigning requireSigning() {
    CookieSigning s = signing;
    if (s == null) {
      throw new IllegalStateException("no signing");
    }
    return s;
  }


  /**
   * The {@code Cookie} header value to forward to the backend, as HAProxy edits it: insert+indirect removes our
   * cookie, prefix mode strips {@code SRV~}, and spaces around {@code '='} are removed from every cookie. Returns
   * the same instance when nothing changes (allocation-free), {@code null} when the header must be removed, else the
   * new value.
   */
  @Nullable String forwardedCookieHeader(String cookieHeader) {
    return CookieHeaders.forwardRequestHeader(cookieHeader, name, mode == CookiePersistence.Mode.PREFIX,
        mode == CookiePersistence.Mode.INSERT && config.indirect());
  }

  /**
   * {@link #forwardedCookieHeader} of a plain header ({@link CookieHeaders#forwardPlain}), or
   * {@link CookieHeaders#NOT_PLAIN} (always in prefix mode).
   */
  @Nullable String forwardPlain(String cookieHeader) {
    if (mode == CookiePersistence.Mode.PREFIX) {
      return CookieHeaders.NOT_PLAIN;
    }
    return CookieHeaders.forwardPlain(cookieHeader, name, mode == CookiePersistence.Mode.INSERT && config.indirect());
  }

  /**
   * {@link #forwardedCookieHeader} in place: {@link CookieHeaders#rewrite} of {@code b[0, n)} with this stage's
   * edits.
   *
   * @return {@link CookieHeaders#UNCHANGED}, or the length of the header to forward (0: none)
   */
  int rewrite(char[] b, int n) {
    return CookieHeaders.rewrite(b, n, name, mode == CookiePersistence.Mode.PREFIX,
        mode == CookiePersistence.Mode.INSERT && config.indirect());
  }

  // ------------------------------------------------------------------------------------------ response side

  /**
   * The {@code Set-Cookie} value to add to the response for {@code d}, or {@code null} when none: HAProxy's insert
   * condition ({@code http_process_res_common}): insert mode, not ({@code preserve} and the backend set our cookie
   * itself: {@code TX_SCK_FOUND}), and (the cookie did not designate this server, or a date must be refreshed:
   * {@code maxidle} or a LAST date is present and LAST is missing or in the past, or {@code maxlife} without
   * FIRST, or a FIRST without {@code maxlife}), and ({@code postonly} only for POST).
   *
   * <p>Format (HAProxy): {@code NAME=VALUE[|LAST[|FIRST]]; path=/[; domain=D]*[; HttpOnly][; Secure][; ATTR]*};
   * with {@code maxidle} or {@code maxlife} LAST is the current date ({@code (now+3)>>2}), with {@code maxlife}
   * FIRST is kept from the client's cookie or else the current date. A server without a cookie value gets HAProxy's
   * removal {@code NAME=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/...}. Without dates the result is a
   * precomputed constant; with dates one string is allocated.
   */
  @Nullable String setCookie(Server server, RouteDecision d, boolean backendSetOurCookie, long nowSeconds) {
    if (mode != CookiePersistence.Mode.INSERT || (backendSetOurCookie && config.preserve())) {
      return null;
    }
    int lastDate = d.lastDate();
    int firstDate = d.firstDate();
    long last = lastDate & 0xFFFFFFFFL;
    boolean refresh = !d.direct()
        || ((maxIdle != 0 || lastDate != 0) && (lastDate == 0 || last - nowSeconds < 0))
        || (maxLife != 0 && firstDate == 0)
        || (maxLife == 0 && firstDate != 0);
    if (!refresh || (config.postonly() && !d.post())) {
      return null;
    }
    Server.CookieStrings strings = server.cookieStrings();
    String v = strings.value();
    if (v == null) {
      return deletion;
    }
    if (!dated) {
      return strings.staticSetCookie();
    }
    return datedSetCookie(v, CookieDates.quantum(nowSeconds),
        maxLife == 0 ? -1 : (firstDate != 0 ? firstDate >>> 2 : CookieDates.quantum(nowSeconds)));
  }

  /** {@code NAME=V|LAST[|FIRST][.tag]; path=/...} for 30-bit quanta; {@code firstQuantum < 0}: no FIRST. */
  String datedSetCookie(String value, int lastQuantum, int firstQuantum) {
    int valueLen = value.length() + 1 + CookieDates.LENGTH + (firstQuantum >= 0 ? 1 + CookieDates.LENGTH : 0);
    char[] val = new char[valueLen];
    value.getChars(0, value.length(), val, 0);
    int p = value.length();
    val[p++] = '|';
    CookieDates.s30tob64(lastQuantum, val, p);
    p += CookieDates.LENGTH;
    if (firstQuantum >= 0) {
      val[p++] = '|';
      CookieDates.s30tob64(firstQuantum, val, p);
    }
    String signedPart = new String(val);
    StringBuilder sb = new StringBuilder(name.length() + valueLen + 32 + pathAndAttributes.length());
    sb.append(name).append('=').append(signedPart);
    if (signing != null) {
      sb.append(CookieSigning.SEPARATOR).append(requireSigning().tag(name, signedPart, 0, signedPart.length()));
    }
    return sb.append(pathAndAttributes).toString();
  }

  /**
   * Whether the backend's {@code Set-Cookie} value sets our cookie (HAProxy {@code TX_SCK_FOUND}): its first
   * {@code name=value} pair has our name. Allocation-free.
   */
  boolean isOurSetCookie(CharSequence setCookie) {
    int end = setCookie.length();
    int attBeg = CookieHeaders.skipSpht(setCookie, 0, end);
    long nameEnd = CookieHeaders.scanName(setCookie, attBeg, end, false); // a Set-Cookie name runs past ','
    int attEnd = CookieHeaders.hi(nameEnd);
    int equal = CookieHeaders.lo(nameEnd);
    return equal < end && setCookie.charAt(equal) == '='
        && attEnd - attBeg == name.length() && CookieHeaders.regionMatches(setCookie, attBeg, name);
  }

  /**
   * What to forward for one backend {@code Set-Cookie} value, HAProxy {@code http_manage_server_side_cookies}:
   * spaces around the first {@code '='} are removed (any cookie name); for our cookie: {@code preserve} leaves it;
   * else insert mode with a known server, or {@code indirect} on a direct request, deletes the header
   * ({@code null}); else rewrite mode replaces the value with the server's ({@code NAME=SRV}); else prefix mode
   * prepends {@code SRV~}. A server without a cookie value is left alone in rewrite and prefix modes.
   *
   * @param server the server that produced the response, or null if unknown
   * @param direct whether the request was routed by its cookie (the decision is direct)
   * @return the same instance when unchanged, {@code null} to delete the header, else the new value
   */
  String rewriteSetCookie(String setCookie, @Nullable Server server, boolean direct) {
    int end = setCookie.length();
    int attBeg = CookieHeaders.skipSpht(setCookie, 0, end);
    long nameEnd = CookieHeaders.scanName(setCookie, attBeg, end, false); // a Set-Cookie name runs past ','
    int attEnd = CookieHeaders.hi(nameEnd);
    int equal = CookieHeaders.lo(nameEnd);
    if (equal >= end || setCookie.charAt(equal) != '=') {
      return setCookie; // no '=': ignored
    }
    long value = CookieHeaders.scanValue(setCookie, equal, end);
    int valBeg = CookieHeaders.hi(value);
    int valEnd = CookieHeaders.trimSpht(setCookie, valBeg, CookieHeaders.lo(value));
    boolean strip = attEnd != equal || valBeg > equal + 1;
    boolean ours = attEnd - attBeg == name.length() && CookieHeaders.regionMatches(setCookie, attBeg, name);
    String replacement = null;
    int replaceTo = valBeg;
    if (ours && !config.preserve()) {
      boolean known = server != null;
      if ((known && mode == CookiePersistence.Mode.INSERT) || (direct && config.indirect())) {
        return null;
      }
      String written = known ? server.cookieStrings().written() : null;
      if (written != null && mode == CookiePersistence.Mode.REWRITE) {
        replacement = written;
        replaceTo = valEnd;
      } else if (written != null && mode == CookiePersistence.Mode.PREFIX) {
        replacement = written + '~';
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
