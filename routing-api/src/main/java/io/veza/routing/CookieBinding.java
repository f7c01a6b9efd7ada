package io.veza.routing;

import java.util.List;
import java.util.Objects;

/**
 * A {@link CookiePersistence} bound to the servers of a pool (by index, in declaration order): the request-side
 * cookie match and the response-side {@code Set-Cookie} handling of HAProxy, as package-private building blocks
 * for the router.
 *
 * <p>Per request:
 *
 * <ol>
 *   <li>{@code match.reset()}, then {@link #match} once per {@code Cookie} header in order (HAProxy
 *       {@code http_manage_client_side_cookies}). Allocation-free.
 *   <li>If a server was assigned ({@link CookieMatch#server()}), route to it (a "direct" request); otherwise
 *       balance normally.
 *   <li>{@link #forwardedCookieHeader} for each {@code Cookie} header (insert+indirect removes our cookie, prefix
 *       strips {@code SRV~}); same instance when nothing changes.
 * </ol>
 *
 * <p>Per response:
 *
 * <ol>
 *   <li>{@link #rewriteSetCookie} for each backend {@code Set-Cookie} header (HAProxy
 *       {@code http_manage_server_side_cookies}: delete / rewrite / prefix / preserve), and note whether any was ours
 *       ({@link #isOurSetCookie}, HAProxy {@code TX_SCK_FOUND}).
 *   <li>{@link #setCookie} for the cookie to add (insert mode), or {@code null}; when it is non-null and
 *       {@link #nocache()}, add {@code Cache-control: private} (HAProxy adds it when the response is otherwise
 *       cacheable, {@code TX_CACHEABLE}).
 * </ol>
 *
 * <p>Immutable and thread-safe; every per-server string that does not depend on time is precomputed, so the
 * no-date insert path returns a constant.
 */
final class CookieBinding {

  /** Cookie-eligibility of a server in the current snapshot: not DOWN and not MAINT (DRAIN and backups are). */
  @FunctionalInterface
  interface Eligibility {
    boolean cookieUsable(int server);
  }

  /** HAProxy's fixed deletion attributes for a server without a cookie value. */
  static final String EXPIRED_ATTRIBUTES = "; Expires=Thu, 01-Jan-1970 00:00:01 GMT";

  /** The value of the header HAProxy adds with {@code nocache}: {@code Cache-control: private}. */
  static final String CACHE_CONTROL_PRIVATE = "private";

  /** HAProxy ignores cookie dates more than one day in the future. */
  static final int FUTURE_TOLERANCE_SECONDS = 86400;

  private final CookiePersistence config;
  private final String name;
  private final CookiePersistence.Mode mode;
  private final CookieSigning signing;
  private final int maxIdle;
  private final int maxLife;
  private final boolean dated;
  /** Raw server values, compared against the request (null: the server has no cookie). */
  private final String[] values;
  /** Values as written to clients: signed when signing is on (rewrite/prefix, insert without dates). */
  private final String[] written;
  /** Insert mode without dates: the complete Set-Cookie value per server. */
  private final String[] staticSetCookie;
  /** {@code ; path=/} + domains + HttpOnly + Secure + attrs. */
  private final String pathAndAttributes;
  /** domains + HttpOnly + Secure + attrs (after the Expires/path of a deletion). */
  private final String attributes;
  private final String deletion;

  private CookieBinding(CookiePersistence config, List<String> serverValues) {
    this.config = config;
    this.name = config.name();
    this.mode = config.mode();
    this.signing = config.signingOrNull();
    this.maxIdle = config.maxIdleSeconds();
    this.maxLife = config.maxLifeSeconds();
    this.dated = maxIdle != 0 || maxLife != 0;
    int n = serverValues.size();
    this.values = new String[n];
    this.written = new String[n];
    this.staticSetCookie = new String[n];
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
    this.attributes = attrs.toString();
    this.pathAndAttributes = "; path=/" + attributes;
    this.deletion = name + "=" + EXPIRED_ATTRIBUTES + "; path=/" + attributes;
    for (int i = 0; i < n; i++) {
      String v = serverValues.get(i);
      if (v == null) {
        continue;
      }
      checkServerValue(i, v);
      values[i] = v;
      written[i] = signing == null || (mode == CookiePersistence.Mode.INSERT && dated) ? v : signing.sign(name, v);
      if (mode == CookiePersistence.Mode.INSERT && !dated) {
        staticSetCookie[i] = name + "=" + written[i] + pathAndAttributes;
      }
    }
  }

  /**
   * Binds {@code config} to the servers' cookie values in declaration order ({@code null}: the server has no
   * cookie). Values must be non-empty RFC 6265 cookie-octets and must not contain the separator that would stop
   * HAProxy from ever matching them ({@code '|'}, or {@code '~'} in prefix mode); duplicates are allowed (HAProxy
   * lets servers share a cookie: the first usable one wins).
   */
  static CookieBinding bind(CookiePersistence config, List<String> serverValues) {
    Objects.requireNonNull(serverValues, "serverValues");
    return new CookieBinding(Objects.requireNonNull(config, "config"), new java.util.ArrayList<>(serverValues));
  }

  private void checkServerValue(int i, String v) {
    if (v.isEmpty()) {
      throw new IllegalArgumentException("server[" + i + "].cookie must not be empty, was \"\"");
    }
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      boolean octet = c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A)
          || (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
      if (!octet) {
        throw new IllegalArgumentException("server[" + i + "].cookie must be RFC 6265 cookie-octets, was \""
            + CookiePersistence.printable(v) + "\" (character " + CookiePersistence.describe(c) + " at index " + k
            + ")");
      }
    }
    char sep = mode == CookiePersistence.Mode.PREFIX ? '~' : '|';
    if (v.indexOf(sep) >= 0) {
      throw new IllegalArgumentException("server[" + i + "].cookie must not contain '" + sep + "' (HAProxy splits "
          + (sep == '~' ? "the prefix" : "the dates") + " there, it would never match), was \"" + v + "\"");
    }
  }

  CookiePersistence config() {
    return config;
  }

  int serverCount() {
    return values.length;
  }

  /** The server's configured cookie value (unsigned), or null. */
  String serverValue(int server) {
    return values[server];
  }

  /** The value this library writes for the server (signed when signing), or null. */
  String writtenValue(int server) {
    return written[server];
  }

  /** HAProxy {@code nocache}: add {@code Cache-control: private} to a response that gets our Set-Cookie. */
  boolean nocache() {
    return config.nocache();
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
   *       {@link CookieMatch#EXPIRED}; either resets both dates and ignores the occurrence. A cookie without
   *       dates is accepted (and re-issued with dates by {@link #setCookie});
   *   <li>an empty server part, or a server already assigned, skips the server search;
   *   <li>servers are searched in declaration order for an exact value match: the first cookie-usable one (or with
   *       {@code persist} any) is assigned ({@code VALID}, or {@code DOWN} when persisted to a down server); a
   *       matching unusable server marks {@code DOWN} and the search goes on (shared cookies);
   *   <li>no match: {@code INVALID} (or {@code UNUSED} if an earlier occurrence assigned a server), unless the
   *       occurrence already set {@code DOWN}/{@code EXPIRED}/{@code OLD}.
   * </ul>
   *
   * @param nowSeconds the current UNIX time in seconds (injected clock)
   */
  void match(CharSequence cookieHeader, Eligibility eligibility, boolean persist, long nowSeconds, CookieMatch m) {
    if (cookieHeader == null) {
      return;
    }
    long found = CookieHeaders.next(cookieHeader, CookieHeaders.START, name);
    while (found != CookieHeaders.NOT_FOUND) {
      int valEnd = CookieHeaders.valueEnd(found);
      matchOccurrence(cookieHeader, CookieHeaders.valueStart(found), valEnd, eligibility, persist, nowSeconds, m);
      found = CookieHeaders.next(cookieHeader, valEnd, name);
    }
  }

  private void matchOccurrence(CharSequence h, int valBeg, int valEnd, Eligibility eligibility, boolean persist,
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
    if (delim != valBeg && m.server < 0) {
      for (int i = 0; i < values.length; i++) {
        String v = values[i];
        if (v != null && CookieHeaders.regionEquals(h, valBeg, delim, v)) {
          boolean usable = eligibility.cookieUsable(i);
          m.status = usable ? CookieMatch.VALID : CookieMatch.DOWN;
          if (usable || persist) {
            m.server = i;
            found = true;
            break;
          }
        }
      }
    }
    if (!found && m.status != CookieMatch.DOWN && m.status != CookieMatch.EXPIRED && m.status != CookieMatch.OLD) {
      m.status = m.server >= 0 ? CookieMatch.UNUSED : CookieMatch.INVALID;
    }
  }

  /** With signing: the end of the signed part when {@code h[from,to)} ends with a valid tag, else {@code from}. */
  private int verifiedEnd(CharSequence h, int from, int to) {
    int dot = CookieHeaders.lastIndexOf(h, CookieSigning.SEPARATOR, from, to);
    if (dot < 0 || !signing.verify(name, h, from, dot, dot + 1, to)) {
      return from;
    }
    return dot;
  }

  /** HAProxy's 32-bit signed arithmetic: {@code (signed)(now - date) > max || (signed)(date - now) > 86400}. */
  private static boolean expired(long now, int date, int max) {
    long d = date & 0xFFFFFFFFL;
    return (int) (now - d) > max || (int) (d - now) > FUTURE_TOLERANCE_SECONDS;
  }

  /**
   * The {@code Cookie} header value to forward to the backend: insert+indirect removes our cookie, prefix mode
   * strips {@code SRV~}, and, as HAProxy does whenever it manages cookies, spaces around {@code '='} are removed.
   * Returns the same instance when nothing changes (allocation-free), {@code null} when the header must be
   * removed, else the new value.
   */
  String forwardedCookieHeader(String cookieHeader) {
    return CookieHeaders.forwardRequestHeader(cookieHeader, name, mode == CookiePersistence.Mode.PREFIX,
        mode == CookiePersistence.Mode.INSERT && config.indirect());
  }

  // ------------------------------------------------------------------------------------------ response side

  /**
   * The {@code Set-Cookie} value to add to the response, or {@code null} when none: see
   * {@link #insertWanted(int, CookieMatch, boolean, long)}; additionally none when {@code preserve} is set and the backend set our cookie itself
   * ({@code backendSetOurCookie}, HAProxy {@code TX_SCK_FOUND}).
   *
   * <p>Format (HAProxy): {@code NAME=VALUE[|LAST[|FIRST]]; path=/[; domain=D]*[; HttpOnly][; Secure][; ATTR]*};
   * with {@code maxidle} or {@code maxlife} LAST is the current date ({@code (now+3)>>2}), with {@code maxlife}
   * FIRST is kept from the client's cookie or else the current date. A server without a cookie value gets HAProxy's
   * removal {@code NAME=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/...}. Without dates the result is a
   * precomputed constant; with dates one string is allocated.
   */
  String setCookie(int server, CookieMatch m, boolean post, boolean backendSetOurCookie, long nowSeconds) {
    if (backendSetOurCookie && config.preserve()) {
      return null;
    }
    if (!insertWanted(server, m, post, nowSeconds)) {
      return null;
    }
    String v = values[server];
    if (v == null) {
      return deletion;
    }
    if (!dated) {
      return staticSetCookie[server];
    }
    return datedSetCookie(v, CookieDates.quantum(nowSeconds),
        maxLife == 0 ? -1 : (m.firstDate != 0 ? m.firstDate >>> 2 : CookieDates.quantum(nowSeconds)));
  }

  /**
   * Whether a cookie should be inserted for a request routed to {@code server} (the request-time part of HAProxy's
   * condition in {@code http_process_res_common}; {@link #setCookie} adds the {@code preserve} check): insert mode,
   * and (the cookie did not designate this server, or a date must be refreshed: {@code maxidle} or a LAST date is
   * present and LAST is missing or in the past, or {@code maxlife} without FIRST, or a FIRST without
   * {@code maxlife}), and ({@code postonly} only for POST). Allocation-free.
   *
   * @param nowSeconds the current UNIX time in seconds (injected clock)
   */
  boolean insertWanted(int server, CookieMatch m, boolean post, long nowSeconds) {
    if (mode != CookiePersistence.Mode.INSERT || server < 0 || server >= values.length) {
      return false;
    }
    boolean direct = m.server == server;
    long last = m.lastDate & 0xFFFFFFFFL;
    boolean refresh = !direct
        || ((maxIdle != 0 || m.lastDate != 0) && (m.lastDate == 0 || last - nowSeconds < 0))
        || (maxLife != 0 && m.firstDate == 0)
        || (maxLife == 0 && m.firstDate != 0);
    return refresh && (!config.postonly() || post);
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
      sb.append(CookieSigning.SEPARATOR).append(signing.tag(name, signedPart, 0, signedPart.length()));
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
   * @param server the server that produced the response, or -1 if unknown
   * @param direct whether the request was routed by its cookie ({@code CookieMatch.server() == server})
   * @return the same instance when unchanged, {@code null} to delete the header, else the new value
   */
  String rewriteSetCookie(String setCookie, int server, boolean direct) {
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
      boolean known = server >= 0 && server < values.length;
      if ((known && mode == CookiePersistence.Mode.INSERT) || (direct && config.indirect())) {
        return null;
      }
      if (known && written[server] != null && mode == CookiePersistence.Mode.REWRITE) {
        replacement = written[server];
        replaceTo = valEnd;
      } else if (known && written[server] != null && mode == CookiePersistence.Mode.PREFIX) {
        replacement = written[server] + '~';
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
