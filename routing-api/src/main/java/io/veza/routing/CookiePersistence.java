package io.veza.routing;

import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Cookie persistence of a backend pool, with HAProxy's {@code cookie} keyword grammar and semantics:
 *
 * <pre>
 * cookie &lt;name&gt; [ rewrite | insert | prefix ] [ indirect ] [ nocache ] [ postonly ] [ preserve ]
 *        [ httponly ] [ secure ] [ domain &lt;domain&gt; ]* [ maxidle &lt;idle&gt; ] [ maxlife &lt;life&gt; ]
 *        [ dynamic ] [ attr &lt;value&gt; ]*
 * </pre>
 *
 * <p>Start from a mode ({@link #insert}, {@link #rewrite}, {@link #prefix}, {@link #passive}) or from an HAProxy
 * configuration line ({@link #parse}), set options on the {@link Builder}, then {@link Builder#build()}. Building
 * validates like HAProxy's {@code cfgparse-listen.c} (the modes are exclusive, {@code rewrite} + {@code indirect}
 * and {@code preserve} without {@code insert} or {@code indirect} are refused, {@code domain} characters are
 * {@code [A-Za-z0-9_.-]} as in {@code invalid_domainchar}, {@code attr} may hold no control character nor
 * {@code ';'}) and a little stricter where HAProxy silently accepts a configuration that cannot work: the cookie
 * name must be an RFC 6265 token, {@code maxidle}/{@code maxlife} need {@code insert} (HAProxy documents "it only
 * works with insert-mode cookies"), {@code dynamic} needs a {@link Builder#dynamicKey key} (HAProxy then generates
 * no cookie at all), and signing needs a mode in which this library writes the value (not passive).
 *
 * <p>Every error names the field and the value. Immutable and thread-safe.
 *
 * <p>Beyond HAProxy (opt-in): {@link Builder#signed(CookieSigning) signed cookies}.
 */
public final class CookiePersistence {

  /** Who writes the persistence cookie. */
  public enum Mode {
    /** HAProxy {@code insert}: the router adds {@code Set-Cookie: NAME=SRV; path=/...} to responses. */
    INSERT,
    /** HAProxy {@code rewrite}: the backend sets the cookie, the router rewrites its value to the server's. */
    REWRITE,
    /** HAProxy {@code prefix}: the backend's own cookie of that name becomes {@code SRV~value}. */
    PREFIX,
    /** No mode keyword: the cookie is only read (set by the backends themselves). */
    PASSIVE;

    String keyword() {
      return this == PASSIVE ? "" : name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String name;
  private final Mode mode;
  private final boolean indirect;
  private final boolean nocache;
  private final boolean postonly;
  private final boolean preserve;
  private final boolean httpOnly;
  private final boolean secure;
  private final List<String> domains;
  private final int maxIdleSeconds;
  private final int maxLifeSeconds;
  private final boolean dynamic;
  private final String dynamicKey;
  private final List<String> attrs;
  private final CookieSigning signing;

  private CookiePersistence(Builder b, Mode mode) {
    this.name = b.name;
    this.mode = mode;
    this.indirect = b.indirect;
    this.nocache = b.nocache;
    this.postonly = b.postonly;
    this.preserve = b.preserve;
    this.httpOnly = b.httpOnly;
    this.secure = b.secure;
    this.domains = List.copyOf(b.domains);
    this.maxIdleSeconds = b.maxIdleSeconds;
    this.maxLifeSeconds = b.maxLifeSeconds;
    this.dynamic = b.dynamic;
    this.dynamicKey = b.dynamicKey;
    this.attrs = List.copyOf(b.attrs);
    this.signing = b.signing;
  }

  /**
   * HAProxy {@code cookie NAME insert}: the router issues the cookie.
   *
   * @param name the cookie name, an RFC 6265 token not starting with {@code $} (checked by {@link Builder#build()})
   * @return a new builder in insert mode
   */
  public static Builder insert(String name) {
    return new Builder(name).mode(Mode.INSERT);
  }

  /**
   * HAProxy {@code cookie NAME rewrite}: the backend issues the cookie, the router rewrites its value.
   *
   * @param name the cookie name, an RFC 6265 token not starting with {@code $} (checked by {@link Builder#build()})
   * @return a new builder in rewrite mode
   */
  public static Builder rewrite(String name) {
    return new Builder(name).mode(Mode.REWRITE);
  }

  /**
   * HAProxy {@code cookie NAME prefix}: the backend's cookie value is prefixed with {@code SRV~}.
   *
   * @param name the cookie name, an RFC 6265 token not starting with {@code $} (checked by {@link Builder#build()})
   * @return a new builder in prefix mode
   */
  public static Builder prefix(String name) {
    return new Builder(name).mode(Mode.PREFIX);
  }

  /**
   * HAProxy {@code cookie NAME} without a mode: the cookie is only read.
   *
   * @param name the cookie name, an RFC 6265 token not starting with {@code $} (checked by {@link Builder#build()})
   * @return a new builder in passive mode
   */
  public static Builder passive(String name) {
    return new Builder(name);
  }

  /**
   * Parses an HAProxy {@code cookie} line, for example {@code "cookie SERVERID insert indirect nocache"} (the
   * leading {@code cookie} keyword is optional). The line is split into words as HAProxy does
   * ({@link HaproxySyntax#words(String)}: quotes, backslash escapes, {@code "${VAR}"} from the process environment,
   * {@code #} comments). Times accept HAProxy's units {@code us ms s m h d} (default seconds, as
   * {@code parse_time_err(..., TIME_UNIT_S)}). {@code dynamic-cookie-key} is a separate HAProxy keyword: set it with
   * {@link Builder#dynamicKey}. Unknown keywords, missing arguments and malformed lines throw
   * {@link IllegalArgumentException} naming the token; the returned builder validates the combination on
   * {@link Builder#build()}.
   *
   * @param haproxyCookieLine the line
   * @return a builder holding the line's settings
   * @throws IllegalArgumentException naming the offending token
   */
  public static Builder parse(String haproxyCookieLine) {
    Objects.requireNonNull(haproxyCookieLine, "haproxyCookieLine");
    return parse(HaproxySyntax.words(haproxyCookieLine), haproxyCookieLine);
  }

  /**
   * Parses the words of an HAProxy {@code cookie} line already split by {@link HaproxySyntax#words} (the leading
   * {@code cookie} keyword is optional), as {@link #parse(String)} does.
   *
   * @param words the words
   * @return a builder holding the line's settings
   * @throws IllegalArgumentException naming the offending token
   */
  public static Builder parse(List<String> words) {
    Objects.requireNonNull(words, "words");
    return parse(words, HaproxySyntax.line(words));
  }

  private static Builder parse(List<String> args, String line) {
    int i = 0;
    if (!args.isEmpty() && args.get(0).equals("cookie")) {
      i++;
    }
    if (i >= args.size() || args.get(i).isEmpty()) {
      throw new IllegalArgumentException("cookie expects <cookie_name> as argument, was \"" + line + "\"");
    }
    Builder b = new Builder(args.get(i++));
    while (i < args.size()) {
      String kw = args.get(i++);
      switch (kw) {
        case "rewrite" -> b.mode(Mode.REWRITE);
        case "insert" -> b.mode(Mode.INSERT);
        case "prefix" -> b.mode(Mode.PREFIX);
        case "indirect" -> b.indirect();
        case "nocache" -> b.nocache();
        case "postonly" -> b.postonly();
        case "preserve" -> b.preserve();
        case "httponly" -> b.httpOnly();
        case "secure" -> b.secure();
        case "dynamic" -> b.dynamic();
        case "domain" -> b.domain(argument(args, i++, kw));
        case "attr" -> b.attr(argument(args, i++, kw));
        case "maxidle" -> b.maxIdleSeconds(seconds(kw, argument(args, i++, kw)));
        case "maxlife" -> b.maxLifeSeconds(seconds(kw, argument(args, i++, kw)));
        default -> throw new IllegalArgumentException(
            "cookie supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'preserve',"
                + " 'httponly', 'secure', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options, was '"
                + kw + "'");
      }
    }
    return b;
  }

  /**
   * {@code parse_time_err(text, TIME_UNIT_S)}, refusing a non-zero value below one second as this parser always has
   * (HAProxy 2.6 rounds it up to 1 s).
   */
  private static int seconds(String kw, String text) {
    int seconds = HaproxySyntax.time(kw, text, TimeUnit.SECONDS);
    if (seconds == 1 && (text.endsWith("ms") || text.endsWith("us"))
        && HaproxySyntax.time(kw, text, TimeUnit.MICROSECONDS) < 1_000_000) {
      throw new IllegalArgumentException(kw + " underflows, minimum non-null value is 1 s, was '" + text + "'");
    }
    return seconds;
  }

  private static String argument(List<String> args, int i, String kw) {
    if (i >= args.size() || args.get(i).isEmpty()) {
      throw new IllegalArgumentException("cookie option '" + kw + "' expects an argument, was none");
    }
    return args.get(i);
  }

  /**
   * The cookie name, e.g. {@code SERVERID}.
   *
   * @return the name, an RFC 6265 token
   */
  public String name() {
    return name;
  }

  /**
   * Who writes the cookie.
   *
   * @return the mode, {@link Mode#PASSIVE} when the line has no mode keyword
   */
  public Mode mode() {
    return mode;
  }

  /**
   * HAProxy {@code indirect}: the cookie is not forwarded to the backend (insert mode) and not re-sent to a client
   * that already holds a valid one.
   *
   * @return whether {@code indirect} is set
   */
  public boolean indirect() {
    return indirect;
  }

  /**
   * HAProxy {@code nocache}: a response carrying an inserted cookie gets {@code Cache-Control: private} when it is
   * otherwise cacheable (HAProxy's rules, see {@link BackendPool#editResponse}).
   *
   * @return whether {@code nocache} is set
   */
  public boolean nocache() {
    return nocache;
  }

  /**
   * HAProxy {@code postonly}: insert the cookie only in responses to POST requests.
   *
   * @return whether {@code postonly} is set
   */
  public boolean postonly() {
    return postonly;
  }

  /**
   * HAProxy {@code preserve}: a backend's own {@code Set-Cookie} of this name is left untouched.
   *
   * @return whether {@code preserve} is set
   */
  public boolean preserve() {
    return preserve;
  }

  /**
   * HAProxy {@code httponly}: an inserted cookie carries the {@code HttpOnly} attribute.
   *
   * @return whether {@code httponly} is set
   */
  public boolean httpOnly() {
    return httpOnly;
  }

  /**
   * HAProxy {@code secure}: an inserted cookie carries the {@code Secure} attribute.
   *
   * @return whether {@code secure} is set
   */
  public boolean secure() {
    return secure;
  }

  /**
   * HAProxy {@code domain}, in declaration order.
   *
   * @return the domains, each written as {@code ; domain=D} on an inserted cookie; an unmodifiable list, empty when
   *     none
   */
  public List<String> domains() {
    return domains;
  }

  /**
   * HAProxy {@code maxidle} in seconds, 0 when unset.
   *
   * @return how long a cookie may go unused before it is ignored, in seconds; 0 when unset
   */
  public int maxIdleSeconds() {
    return maxIdleSeconds;
  }

  /**
   * HAProxy {@code maxlife} in seconds, 0 when unset.
   *
   * @return how long after it was first issued a cookie is ignored, in seconds; 0 when unset
   */
  public int maxLifeSeconds() {
    return maxLifeSeconds;
  }

  /**
   * HAProxy {@code dynamic}: servers without an explicit cookie value get one computed from the dynamic key and
   * their address.
   *
   * @return whether {@code dynamic} is set
   */
  public boolean dynamic() {
    return dynamic;
  }

  /**
   * Whether a {@code dynamic-cookie-key} is configured (the key itself is not exposed).
   *
   * @return {@code true} if {@link Builder#dynamicKey(String)} was called
   */
  public boolean hasDynamicKey() {
    return dynamicKey != null;
  }

  /**
   * HAProxy {@code attr}, in declaration order.
   *
   * @return the attributes appended to an inserted cookie (for example {@code SameSite=Lax}); an unmodifiable
   *     list, empty when none
   */
  public List<String> attrs() {
    return attrs;
  }

  /**
   * The signing configuration, if cookies are signed.
   *
   * @return the signing keys, or empty when cookie values are not signed
   */
  public Optional<CookieSigning> signing() {
    return Optional.ofNullable(signing);
  }

  CookieSigning signingOrNull() {
    return signing;
  }

  /**
   * The cookie value of a server: {@code explicitValue} when given (HAProxy {@code server ... cookie X}, which
   * also disables the dynamic value: {@code SRV_F_COOKIESET}); otherwise with {@code dynamic} the XXH64 value of
   * {@code srv_set_dyncookie}; otherwise {@code null} (the server has no cookie: clients routed to it get the
   * cookie removed in insert mode, exactly as HAProxy does).
   */
  String serverCookie(String explicitValue, InetAddress address, int port) {
    if (explicitValue != null) {
      return explicitValue;
    }
    if (dynamic && address != null) {
      return CookieXxh64.dynamicCookie(dynamicKey, address, port);
    }
    return null;
  }

  /** The HAProxy configuration line (the dynamic key and signing keys are not printed). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("cookie ").append(name);
    if (mode != Mode.PASSIVE) {
      sb.append(' ').append(mode.keyword());
    }
    if (indirect) {
      sb.append(" indirect");
    }
    if (nocache) {
      sb.append(" nocache");
    }
    if (postonly) {
      sb.append(" postonly");
    }
    if (preserve) {
      sb.append(" preserve");
    }
    if (httpOnly) {
      sb.append(" httponly");
    }
    if (secure) {
      sb.append(" secure");
    }
    for (String d : domains) {
      sb.append(" domain ").append(d);
    }
    if (maxIdleSeconds > 0) {
      sb.append(" maxidle ").append(maxIdleSeconds).append('s');
    }
    if (maxLifeSeconds > 0) {
      sb.append(" maxlife ").append(maxLifeSeconds).append('s');
    }
    if (dynamic) {
      sb.append(" dynamic");
    }
    for (String a : attrs) {
      boolean plainInQuotes = a.indexOf('"') < 0 && a.indexOf('\\') < 0 && a.indexOf('$') < 0;
      sb.append(" attr ").append(plainInQuotes ? '"' + a + '"' : HaproxySyntax.quote(a));
    }
    return sb.toString();
  }

  /** Whether {@code c} is an RFC 7230 {@code tchar} (RFC 6265 cookie names are tokens). */
  static boolean isTokenChar(char c) {
    return HaproxySyntax.isTokenChar(c);
  }

  /** Builder; not thread-safe. Options are flags (calling twice is harmless), lists accumulate. */
  public static final class Builder {
    private final String name;
    private int modes; // bit per Mode: HAProxy keeps ck_opts bits and checks POWEROF2 at the end
    private boolean indirect;
    private boolean nocache;
    private boolean postonly;
    private boolean preserve;
    private boolean httpOnly;
    private boolean secure;
    private final List<String> domains = new ArrayList<>();
    private int maxIdleSeconds;
    private int maxLifeSeconds;
    private boolean dynamic;
    private String dynamicKey;
    private final List<String> attrs = new ArrayList<>();
    private CookieSigning signing;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    private Builder mode(Mode m) {
      modes |= 1 << m.ordinal();
      return this;
    }

    /**
     * HAProxy {@code indirect}: the client's cookie is not re-sent to a client that already holds a valid one; in
     * insert mode the cookie is removed from requests forwarded to the backend; a backend's own {@code Set-Cookie}
     * of that name on a direct (cookie-routed) request is removed unless {@code preserve}.
     *
     * @return this builder
     */
    public Builder indirect() {
      indirect = true;
      return this;
    }

    /**
     * HAProxy {@code nocache}: a response that carries an inserted cookie also gets {@code Cache-Control: private},
     * so that a shared cache does not hand one client's cookie to others.
     *
     * @return this builder
     */
    public Builder nocache() {
      nocache = true;
      return this;
    }

    /**
     * HAProxy {@code postonly}: the cookie is inserted only in responses to POST requests.
     *
     * @return this builder
     */
    public Builder postonly() {
      postonly = true;
      return this;
    }

    /**
     * HAProxy {@code preserve} (requires insert or indirect, checked by {@link #build()}): a backend's own
     * {@code Set-Cookie} of this name is passed through untouched.
     *
     * @return this builder
     */
    public Builder preserve() {
      preserve = true;
      return this;
    }

    /**
     * HAProxy {@code httponly}: an inserted cookie carries the {@code HttpOnly} attribute.
     *
     * @return this builder
     */
    public Builder httpOnly() {
      httpOnly = true;
      return this;
    }

    /**
     * HAProxy {@code secure}: an inserted cookie carries the {@code Secure} attribute.
     *
     * @return this builder
     */
    public Builder secure() {
      secure = true;
      return this;
    }

    /**
     * HAProxy {@code domain}; repeatable, each adds {@code ; domain=D}.
     *
     * @param domain a domain of characters {@code [A-Za-z0-9_.-]}, non-empty (checked by {@link #build()})
     * @return this builder
     */
    public Builder domain(String domain) {
      domains.add(Objects.requireNonNull(domain, "domain"));
      return this;
    }

    /**
     * HAProxy {@code maxidle}, in seconds (1 .. 2^31-1); insert mode only.
     *
     * @param seconds how long a cookie may go unused before it is ignored, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds <= 0}
     */
    public Builder maxIdleSeconds(int seconds) {
      maxIdleSeconds = checkTime("maxidle", seconds);
      return this;
    }

    /**
     * HAProxy {@code maxlife}, in seconds (1 .. 2^31-1); insert mode only.
     *
     * @param seconds how long after it was first issued a cookie is ignored, &gt; 0
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds <= 0}
     */
    public Builder maxLifeSeconds(int seconds) {
      maxLifeSeconds = checkTime("maxlife", seconds);
      return this;
    }

    /**
     * HAProxy {@code dynamic}: servers without an explicit cookie value get an XXH64 value (needs
     * {@link #dynamicKey(String)}, checked by {@link #build()}).
     *
     * @return this builder
     */
    public Builder dynamic() {
      dynamic = true;
      return this;
    }

    /**
     * HAProxy {@code dynamic-cookie-key}: the secret hashed with a server's address into its dynamic cookie value.
     *
     * @param key the key, non-empty; the same on every gateway so that they agree on the values
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Builder dynamicKey(String key) {
      Objects.requireNonNull(key, "dynamicKey");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("dynamicKey must not be empty, was \"\"");
      }
      dynamicKey = key;
      return this;
    }

    /**
     * HAProxy {@code attr}, e.g. {@code SameSite=Lax}; repeatable, appended last as {@code ; V}.
     *
     * @param value the attribute as written in {@code Set-Cookie}: non-empty, Latin-1, no control character and no
     *     {@code ;} (checked by {@link #build()})
     * @return this builder
     */
    public Builder attr(String value) {
      attrs.add(Objects.requireNonNull(value, "attr"));
      return this;
    }

    /**
     * Opt-in signed cookies (beyond HAProxy): the value carries an HMAC so that a client cannot pin itself to a
     * server of its choosing. Needs a mode that writes the value (checked by {@link #build()}).
     *
     * @param signing the keys that sign and verify cookie values
     * @return this builder
     */
    public Builder signed(CookieSigning signing) {
      this.signing = Objects.requireNonNull(signing, "signing");
      return this;
    }

    private static int checkTime(String field, int seconds) {
      if (seconds <= 0) {
        throw new IllegalArgumentException(field + " must be > 0 seconds, was " + seconds);
      }
      return seconds;
    }

    /**
     * Validates and builds.
     *
     * @return the immutable cookie persistence
     * @throws IllegalArgumentException naming the field and the value: a name that is not an RFC 6265 token or
     *     starts with {@code $}, several modes, {@code rewrite} with {@code indirect}, {@code preserve} without
     *     {@code insert} or {@code indirect}, an invalid {@code domain} or {@code attr}, {@code maxidle} or
     *     {@code maxlife} without {@code insert}, {@code dynamic} without a key, signing in passive mode
     */
    public CookiePersistence build() {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("cookie name must be an RFC 6265 token, was \"\"");
      }
      for (int i = 0; i < name.length(); i++) {
        if (!isTokenChar(name.charAt(i))) {
          throw new IllegalArgumentException("cookie name must be an RFC 6265 token, was \"" + name
              + "\" (character " + describe(name.charAt(i)) + " at index " + i + ")");
        }
      }
      if (name.charAt(0) == '$') {
        throw new IllegalArgumentException("cookie name must not start with '$' (HAProxy skips RFC 2109 $attributes,"
            + " it would never match), was \"" + name + "\"");
      }
      if (Integer.bitCount(modes) > 1) {
        throw new IllegalArgumentException(
            "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible, was " + modeNames());
      }
      Mode mode = modes == 0 ? Mode.PASSIVE : Mode.values()[Integer.numberOfTrailingZeros(modes)];
      if (mode == Mode.REWRITE && indirect) {
        throw new IllegalArgumentException("cookie 'rewrite' and 'indirect' modes are incompatible, was "
            + "mode=rewrite indirect=true");
      }
      if (preserve && mode != Mode.INSERT && !indirect) {
        throw new IllegalArgumentException("cookie 'preserve' requires at least 'insert' or 'indirect', was mode="
            + modeName(mode) + " indirect=false");
      }
      for (String d : domains) {
        checkDomain(d);
      }
      for (String a : attrs) {
        checkAttr(a);
      }
      if ((maxIdleSeconds > 0 || maxLifeSeconds > 0) && mode != Mode.INSERT) {
        throw new IllegalArgumentException("cookie 'maxidle'/'maxlife' only work with insert-mode cookies, was mode="
            + modeName(mode) + " maxidle=" + maxIdleSeconds + " maxlife=" + maxLifeSeconds);
      }
      if (dynamic && dynamicKey == null) {
        throw new IllegalArgumentException("cookie 'dynamic' requires a dynamicKey (HAProxy dynamic-cookie-key), "
            + "was dynamicKey=null");
      }
      if (signing != null && mode == Mode.PASSIVE) {
        throw new IllegalArgumentException("signed cookies need a mode that writes the value (insert, rewrite or "
            + "prefix), was mode=passive");
      }
      return new CookiePersistence(this, mode);
    }

    private String modeNames() {
      StringBuilder sb = new StringBuilder();
      for (Mode m : Mode.values()) {
        if ((modes & (1 << m.ordinal())) != 0) {
          sb.append(sb.length() == 0 ? "" : " and ").append(m.keyword());
        }
      }
      return sb.toString();
    }

    private static String modeName(Mode m) {
      return m == Mode.PASSIVE ? "passive" : m.keyword();
    }

    /** HAProxy {@code invalid_domainchar} ({@code src/tools.c}): non-empty, {@code [A-Za-z0-9_.-]}. */
    private static void checkDomain(String d) {
      if (d.isEmpty()) {
        throw new IllegalArgumentException("domain must not be empty, was \"\"");
      }
      for (int i = 0; i < d.length(); i++) {
        char c = d.charAt(i);
        boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!ok) {
          throw new IllegalArgumentException("domain may only contain [A-Za-z0-9_.-], was \"" + printable(d)
              + "\" (character " + describe(c) + " at index " + i + ")");
        }
      }
    }

    /** HAProxy {@code cfgparse-listen.c}, {@code attr}: no {@code iscntrl} character and no {@code ';'}. */
    private static void checkAttr(String a) {
      if (a.isEmpty()) {
        throw new IllegalArgumentException("attr expects <value>, was \"\"");
      }
      for (int i = 0; i < a.length(); i++) {
        char c = a.charAt(i);
        if (c < 0x20 || c == 0x7F || c == ';' || c > 0xFF) {
          throw new IllegalArgumentException("attr may contain no control character, no ';' and only Latin-1, was \"" + printable(a)
              + "\" (character " + describe(c) + " at index " + i + ")");
        }
      }
    }
  }

  static String describe(char c) {
    return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("%%x%02X", (int) c);
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("%%x%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
