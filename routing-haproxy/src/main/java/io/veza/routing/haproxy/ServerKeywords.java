package io.veza.routing.haproxy;

import io.veza.routing.ServerSpec;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import io.veza.routing.health.SlowStartCurve;
import io.veza.routing.syntax.HaproxySyntax;
import io.veza.routing.syntax.HaproxySyntaxException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The keywords of a server line, in one place for the configuration importer ({@code server}, {@code server-template},
 * {@code default-server}) and for lines parsed on their own ({@link HaproxyServerLine}, {@link HaproxyHealthOptions},
 * and through them the runtime API's {@code add server}): HAProxy 2.6's {@code _srv_parse_kw} loop.
 *
 * <p>Where HAProxy refuses an argument, the error's reason is HAProxy's own text (its keyword parsers' {@code err}
 * messages, with their {@code atol} reading of integers), so the importer and the runtime API say what HAProxy says.
 * Where HAProxy accepts what routing refuses (an integer such as {@code 2x}, which {@code atol} reads as 2;
 * characters after a time unit, which HAProxy 2.6 only warns about; values routing cannot hold), the reason is
 * routing's and names the value. Two of HAProxy's texts are not copied: for {@code inter}, {@code fastinter} and
 * {@code downinter} HAProxy 2.6 names the keyword {@code 'agent-inter'} in its "unexpected character" message, and for
 * {@code slowstart} without an argument it prints a truncated message; here the keyword is named and a missing delay
 * is said as for {@code inter}.
 */
final class ServerKeywords {
  /** What the keywords are on. */
  enum Line {
    /** A {@code server} line. */
    SERVER,
    /** A {@code server-template} line. */
    TEMPLATE,
    /** A {@code default-server} line. */
    DEFAULT_SERVER,
    /** A list of health options: the {@link #HEALTH_KEYWORDS} of a default-server line. */
    HEALTH
  }

  /** HAProxy 2.6's server keywords (server.c, check.c, ssl_sock.c, proto_tcp.c) and how many arguments each takes. */
  static final Map<String, Integer> HAPROXY_SERVER_KEYWORDS = Map.ofEntries(
      Map.entry("addr", 1), Map.entry("agent-addr", 1), Map.entry("agent-check", 0), Map.entry("agent-inter", 1),
      Map.entry("agent-port", 1), Map.entry("agent-send", 1), Map.entry("allow-0rtt", 0), Map.entry("alpn", 1),
      Map.entry("backup", 0), Map.entry("ca-file", 1), Map.entry("check", 0), Map.entry("check-alpn", 1),
      Map.entry("check-proto", 1), Map.entry("check-send-proxy", 0), Map.entry("check-sni", 1),
      Map.entry("check-ssl", 0), Map.entry("check-via-socks4", 0), Map.entry("ciphers", 1),
      Map.entry("ciphersuites", 1), Map.entry("cookie", 1), Map.entry("crl-file", 1), Map.entry("crt", 1),
      Map.entry("disabled", 0), Map.entry("downinter", 1), Map.entry("enabled", 0), Map.entry("error-limit", 1),
      Map.entry("fall", 1), Map.entry("fastinter", 1), Map.entry("force-sslv3", 0), Map.entry("force-tlsv10", 0),
      Map.entry("force-tlsv11", 0), Map.entry("force-tlsv12", 0), Map.entry("force-tlsv13", 0), Map.entry("id", 1),
      Map.entry("init-addr", 1), Map.entry("inter", 1), Map.entry("log-proto", 1), Map.entry("max-reuse", 1),
      Map.entry("maxconn", 1), Map.entry("maxqueue", 1), Map.entry("minconn", 1), Map.entry("namespace", 1),
      Map.entry("no-agent-check", 0), Map.entry("no-backup", 0), Map.entry("no-check", 0),
      Map.entry("no-check-send-proxy", 0), Map.entry("no-check-ssl", 0), Map.entry("no-send-proxy", 0),
      Map.entry("no-send-proxy-v2", 0), Map.entry("no-send-proxy-v2-ssl", 0),
      Map.entry("no-send-proxy-v2-ssl-cn", 0), Map.entry("no-ssl", 0), Map.entry("no-ssl-reuse", 0),
      Map.entry("no-sslv3", 0), Map.entry("no-tfo", 0), Map.entry("no-tls-tickets", 0), Map.entry("no-tlsv10", 0),
      Map.entry("no-tlsv11", 0), Map.entry("no-tlsv12", 0), Map.entry("no-tlsv13", 0), Map.entry("non-stick", 0),
      Map.entry("npn", 1), Map.entry("observe", 1), Map.entry("on-error", 1), Map.entry("on-marked-down", 1),
      Map.entry("on-marked-up", 1), Map.entry("pool-low-conn", 1), Map.entry("pool-max-conn", 1),
      Map.entry("pool-purge-delay", 1), Map.entry("port", 1), Map.entry("proto", 1),
      Map.entry("proxy-v2-options", 1), Map.entry("redir", 1), Map.entry("resolve-net", 1),
      Map.entry("resolve-opts", 1), Map.entry("resolve-prefer", 1), Map.entry("resolvers", 1),
      Map.entry("rise", 1), Map.entry("send-proxy", 0), Map.entry("send-proxy-v2", 0),
      Map.entry("send-proxy-v2-ssl", 0), Map.entry("send-proxy-v2-ssl-cn", 0), Map.entry("slowstart", 1),
      Map.entry("sni", 1), Map.entry("socks4", 1), Map.entry("source", -1), Map.entry("ssl", 0),
      Map.entry("ssl-max-ver", 1), Map.entry("ssl-min-ver", 1), Map.entry("ssl-reuse", 0), Map.entry("stick", 0),
      Map.entry("tcp-ut", 1), Map.entry("tfo", 0), Map.entry("tls-tickets", 0), Map.entry("track", 1),
      Map.entry("usesrc", 0), Map.entry("verify", 1), Map.entry("verifyhost", 1), Map.entry("weight", 1),
      Map.entry("ws", 1));

  static final Set<String> AGENT_KEYWORDS = Set.of("agent-check", "agent-port", "agent-inter", "agent-addr",
      "agent-send", "no-agent-check");

  /** The keywords of a health option list ({@link Line#HEALTH}), in the order messages list them. */
  static final List<String> HEALTH_KEYWORDS = List.of("check", "no-check", "inter", "fastinter", "downinter", "rise",
      "fall", "slowstart", "observe", "error-limit", "on-error", "on-marked-down", "on-marked-up", "init-state");

  private final Reporter r;
  private final boolean http;
  private final boolean newerKeywords;
  private final Consumer<String> beforeKeyword;

  /**
   * @param r where errors, unsupported keywords and notes go
   * @param http whether the proxy is in HTTP mode ({@code observe layer7} needs it)
   * @param newerKeywords whether keywords of later HAProxy versions are accepted ({@code init-state})
   * @param beforeKeyword called with each keyword, in order, before it is read; it may throw to refuse it
   */
  ServerKeywords(Reporter r, boolean http, boolean newerKeywords, Consumer<String> beforeKeyword) {
    this.r = r;
    this.http = http;
    this.newerKeywords = newerKeywords;
    this.beforeKeyword = beforeKeyword;
  }

  // ------------------------------------------------------------------------------------------------ lines

  /**
   * A {@code server} line from its name on: {@code w.get(at)} is the name, then the address, then the keywords.
   *
   * @param defaults the default-server settings the server starts from (not modified)
   * @param w the words of the line
   * @param at the index of the name
   * @param line the line number, kept in the state
   * @return the server's settings
   */
  ServerState server(ServerState defaults, List<String> w, int at, int line) {
    if (w.size() < at + 2) {
      throw r.error("server", "'server' expects <name> and <addr>[:<port>] as arguments");
    }
    ServerState s = defaults.copy();
    s.name = name(w.get(at));
    s.line = line;
    address(s, w.get(at + 1), false);
    parse(s, w, at + 2, Line.SERVER);
    checkResolvers(s);
    return s;
  }

  /**
   * A server's name, as HAProxy's {@code invalid_char} allows it.
   *
   * @param name the name
   * @return the name
   */
  String name(String name) {
    int bad = HaproxySyntax.invalidNameChar(name);
    if (bad >= 0) {
      throw r.error("server", "character '" + name.charAt(bad) + "' is not permitted in server name '" + name + "'");
    }
    return name;
  }

  /** A server line that names a resolvers section is resolved at runtime, which only a template supports here. */
  void checkResolvers(ServerState s) {
    if (s.resolvers != null) {
      throw r.error("resolvers", "runtime resolution of a server line is not supported (use server-template)");
    }
  }

  /**
   * The {@code <host>:<port>} address of a server or template line.
   *
   * @param s the server
   * @param text the address word
   * @param template whether it is a server-template's
   */
  void address(ServerState s, String text, boolean template) {
    String kw = template ? "server-template" : "server";
    if (text.indexOf('@') >= 0 || text.startsWith("/")) {
      throw r.error(kw, "only <host>:<port> addresses are supported, was '" + text + "'");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw r.error(kw, "an address needs an explicit port, was '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw r.error(kw, "an address needs an explicit port (HAProxy would use the client's destination"
            + " port), was '" + text + "'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (port.isEmpty() || port.startsWith("+") || port.startsWith("-") || port.contains("-")) {
      throw r.error(kw, "port offsets and ranges are not supported, was '" + text + "'");
    }
    int p = integer(kw + " port", port, 0, 65535);
    if (p == 0) {
      throw r.error(kw, "port 0 (the client's destination port) is not supported, was '" + text + "'");
    }
    if (host.isEmpty()) {
      throw r.error(kw, "missing address in '" + text + "'");
    }
    if (template && host.startsWith("_")) {
      throw r.error(kw, "SRV records are not supported, was '" + text + "'");
    }
    s.host = host;
    s.port = p;
  }

  /**
   * Whether {@code host} is an IPv4 or IPv6 literal (which needs no resolution).
   *
   * @param host a host
   * @return whether it is an address literal
   */
  static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  // ------------------------------------------------------------------------------------------------ keywords

  /**
   * Server keywords from {@code w.get(from)} on, into {@code s}: HAProxy's {@code _srv_parse_kw} loop.
   *
   * @param s the server (or default-server) settings to change
   * @param w the words
   * @param from the index of the first keyword
   * @param line what the keywords are on
   */
  void parse(ServerState s, List<String> w, int from, Line line) {
    List<String> skipped = new ArrayList<>();
    String srv = line == Line.SERVER || line == Line.TEMPLATE ? s.name : "default-server"; // as HAProxy names it
    for (int i = from; i < w.size(); i++) {
      String k = w.get(i);
      beforeKeyword.accept(k);
      if (line == Line.HEALTH && !HEALTH_KEYWORDS.contains(k)) {
        throw r.error(k, HAPROXY_SERVER_KEYWORDS.containsKey(k)
            ? "'" + k + "' is not a health option (" + String.join(", ", HEALTH_KEYWORDS) + ")"
            : "unknown keyword '" + k + "'");
      }
      switch (k) {
        case "check" -> s.check = true;
        case "no-check" -> s.check = false;
        case "inter" -> s.inter = interval(k, arg(w, ++i), srv);
        case "fastinter" -> s.fastInter = interval(k, arg(w, ++i), srv);
        case "downinter" -> s.downInter = interval(k, arg(w, ++i), srv);
        case "rise" -> s.rise = positive(k, arg(w, ++i), "'" + k + "' has to be > 0.", HealthPolicy.MAX_RISE_FALL);
        case "fall" -> s.fall = positive(k, arg(w, ++i), "'" + k + "' has to be > 0.", HealthPolicy.MAX_RISE_FALL);
        case "error-limit" -> s.errorLimit = positive(k, arg(w, ++i), k + " has to be > 0.", Integer.MAX_VALUE);
        case "slowstart" -> {
          String v = arg(w, ++i);
          if (v.isEmpty()) {
            throw r.error(k, "'" + k + "' expects a delay as argument.");
          }
          int ms = time(k, v, srv, "");
          s.slowStart = Duration.ofSeconds((ms + 999L) / 1000); // HAProxy stores slowstart in seconds
        }
        case "weight" -> {
          String v = arg(w, ++i);
          int atol = (int) atol(v);
          if (atol < 0 || atol > 256) {
            throw r.error(k, "weight of server " + srv + " is not within 0 and 256 (" + atol + ").");
          }
          if (v.isEmpty()) {
            throw r.error(k, "'" + k + "' expects an integer argument."); // HAProxy reads nothing as 0
          }
          s.weight = integer(k, v, 0, 256);
        }
        case "cookie" -> {
          String v = arg(w, ++i);
          if (v.isEmpty()) {
            throw r.error(k, "'" + k + "' expects <value> as argument.");
          }
          s.cookie = v;
        }
        case "backup" -> s.backup = true;
        case "no-backup" -> s.backup = false;
        case "disabled" -> s.disabled = true;
        case "enabled" -> s.disabled = false;
        case "id" -> {
          if (line == Line.DEFAULT_SERVER) {
            throw r.error(k, "'id' option is not accepted in default-server sections");
          }
          if (line == Line.TEMPLATE) {
            throw r.error(k, "'id' on a server-template is not supported (the discovery numbers servers)");
          }
          String v = arg(w, ++i);
          if (v.isEmpty()) {
            throw r.error(k, "'" + k + "' : expects an integer argument");
          }
          if ((int) atol(v) <= 0) {
            throw r.error(k, "'" + k + "' : custom id has to be > 0");
          }
          s.puid = integer(k, v, 1, ServerSpec.MAX_PERSISTENT_ID);
        }
        case "observe" -> {
          String m = arg(w, ++i);
          if (m.isEmpty()) {
            throw r.error(k, "'" + k + "' expects <mode> as argument.");
          }
          s.observe = switch (m) {
            case "none" -> ObserveMode.NONE;
            case "layer4" -> ObserveMode.LAYER4;
            case "layer7" -> {
              if (!http) {
                throw r.error(k, "'layer7' can only be used in http proxies (HAProxy ignores it elsewhere)");
              }
              yield ObserveMode.LAYER7;
            }
            default -> throw r.error(k, "'observe' expects one of 'none', 'layer4', 'layer7' but got '" + m + "'");
          };
        }
        case "on-error" -> {
          String a = arg(w, ++i);
          s.onError = switch (a) {
            case "fastinter" -> OnErrorAction.FASTINTER;
            case "fail-check" -> OnErrorAction.FAIL_CHECK;
            case "sudden-death" -> OnErrorAction.SUDDEN_DEATH;
            case "mark-down" -> OnErrorAction.MARK_DOWN;
            default -> throw r.error(k, "'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or"
                + " 'mark-down' but got '" + a + "'");
          };
        }
        case "on-marked-down" -> {
          String a = arg(w, ++i);
          if (!a.equals("shutdown-sessions")) {
            throw r.error(k, "'on-marked-down' expects 'shutdown-sessions' but got '" + a + "'");
          }
          s.onMarkedDownShutdown = true;
        }
        case "on-marked-up" -> {
          String a = arg(w, ++i);
          if (!a.equals("shutdown-backup-sessions")) {
            throw r.error(k, "'on-marked-up' expects 'shutdown-backup-sessions' but got '" + a + "'");
          }
          s.onMarkedUpShutdownBackup = true;
        }
        case "init-state" -> {
          if (!newerKeywords) {
            throw r.error(k, "unknown keyword 'init-state' in HAProxy 2.6 (added in HAProxy 3.1; the parser's"
                + " newerKeywords(true) allows it)");
          }
          String a = required(w, ++i, k, "a state");
          s.initState = switch (a) {
            case "fully-up" -> InitialState.FULLY_UP;
            case "up" -> InitialState.UP;
            case "down" -> InitialState.DOWN;
            case "fully-down" -> InitialState.FULLY_DOWN;
            default -> throw r.error(k, "'init-state' expects 'fully-up', 'up', 'down' or 'fully-down', was '" + a
                + "'");
          };
        }
        case "resolvers" -> s.resolvers = required(w, ++i, k, "a resolvers section name");
        case "init-addr" -> {
          String a = required(w, ++i, k, "a method list");
          if (line == Line.SERVER) {
            throw r.error(k, "init-addr on a server line is not supported");
          }
          r.note(k, "init-addr " + a + ": the discovery delivers servers once a resolution succeeds");
        }
        default -> {
          if (AGENT_KEYWORDS.contains(k)) {
            if (!k.equals("agent-check") && !k.equals("no-agent-check")) {
              required(w, ++i, k, "an argument");
            }
            r.note(k, "agent checks are ignored: routing runs active checks only");
          } else {
            Integer args = HAPROXY_SERVER_KEYWORDS.get(k);
            if (args == null) {
              throw r.error(k, "unknown keyword '" + k + "'");
            }
            if (!r.lenient() || args < 0) {
              throw r.error(k, "server keyword '" + k + "' is not supported by routing (on "
                  + (line == Line.SERVER ? "server " + s.name : line == Line.TEMPLATE ? "server-template " + s.name
                  : "default-server") + ")");
            }
            skipped.add(k);
            for (int a = 0; a < args; a++) {
              skipped.add(required(w, ++i, k, "an argument"));
            }
          }
        }
      }
    }
    if (!skipped.isEmpty()) {
      r.ignored(skipped.get(0), "server words ignored: " + String.join(" ", skipped));
    }
  }

  /** The word at {@code i}, or "" past the end (HAProxy's args array ends with empty strings). */
  private static String arg(List<String> w, int i) {
    return i < w.size() ? w.get(i) : "";
  }

  private String required(List<String> w, int i, String kw, String what) {
    if (i >= w.size()) {
      throw r.error(kw, "'" + kw + "' expects " + what + " as argument");
    }
    return w.get(i);
  }

  /** {@code rise}, {@code fall}, {@code error-limit}: HAProxy's {@code atol} and "> 0" check, then routing's range. */
  private int positive(String kw, String v, String notPositive, int max) {
    if (v.isEmpty()) {
      throw r.error(kw, "'" + kw + "' expects an integer argument.");
    }
    if ((int) atol(v) <= 0) {
      throw r.error(kw, notPositive);
    }
    return integer(kw, v, 1, max);
  }

  /** {@code inter}, {@code fastinter}, {@code downinter}: a delay above 0. */
  private Duration interval(String kw, String v, String srv) {
    if (v.isEmpty()) {
      throw r.error(kw, "'" + kw + "' expects a delay as argument.");
    }
    int ms = time(kw, v, srv, "timer ");
    if (ms == 0) {
      throw r.error(kw, "invalid value 0 for argument '" + kw + "' of server " + srv + ".");
    }
    return Duration.ofMillis(ms);
  }

  /**
   * A delay in milliseconds as HAProxy's {@code parse_time_err} reads it, with its server keyword messages; then
   * routing's refusal of characters after the unit (HAProxy 2.6 warns and ignores them).
   */
  private int time(String kw, String v, String srv, String overflowPrefix) {
    int i = 0;
    while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
      i++;
    }
    int refused = -1;
    int unitEnd = i;
    if (i == 0) {
      refused = 0;
    } else if (i < v.length()) {
      char u = v.charAt(i);
      boolean two = i + 1 < v.length() && v.charAt(i + 1) == 's';
      switch (u) {
        case 's', 'h', 'd' -> unitEnd = i + 1;
        case 'm' -> unitEnd = two ? i + 2 : i + 1;
        case 'u' -> {
          if (two) {
            unitEnd = i + 2;
          } else {
            refused = i;
          }
        }
        default -> refused = i;
      }
    }
    if (refused >= 0) {
      throw r.error(kw, "unexpected character '" + v.charAt(refused) + "' in '" + kw + "' argument of server " + srv
          + ".");
    }
    try {
      return HaproxySyntax.time(kw, v, TimeUnit.MILLISECONDS);
    } catch (HaproxySyntaxException e) {
      if (unitEnd < v.length()) {
        throw r.error(kw, String.valueOf(e.getMessage()), e); // characters after the unit: routing's refusal
      }
      throw r.error(kw, overflowPrefix + "overflow in argument <" + v + "> to <" + kw + "> of server " + srv
          + ", maximum value is 2147483647 ms (~24.8 days).", e);
    }
  }

  /**
   * The C library's {@code atol} as glibc has it, which HAProxy reads most integers with: leading white space, an
   * optional sign, then digits up to the first other character; saturates at the bounds of a long. HAProxy stores the
   * result in an int, so callers cast it as C does.
   *
   * @param s the text
   * @return its value, 0 when it starts with no digit
   */
  static long atol(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == ' ' || (s.charAt(i) >= '\t' && s.charAt(i) <= '\r'))) {
      i++;
    }
    boolean negative = false;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    long value = 0;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      int d = s.charAt(i) - '0';
      if (value > (Long.MAX_VALUE - d) / 10) {
        return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      value = value * 10 + d;
      i++;
    }
    return negative ? -value : value;
  }

  private int integer(String field, String text, int min, int max) {
    try {
      return HaproxySyntax.integer(field, text, min, max);
    } catch (IllegalArgumentException e) {
      throw r.error(field, String.valueOf(e.getMessage()), e);
    }
  }

  // ------------------------------------------------------------------------------------------------ results

  /** The check settings of the section a server is in, besides its own keywords. */
  interface Checks {
    /** The global {@code spread-checks}. */
    int spreadPercent();

    /** The slow start curve. */
    SlowStartCurve slowStartCurve();

    /** The probe's budget for a server checking every {@code inter}, or null for {@code inter} itself. */
    @Nullable Duration checkTimeout(Duration inter);

    /** A backend's: global {@code spread-checks}, {@code timeout connect} and {@code timeout check}. */
    static Checks of(int spreadPercent, int timeoutConnectMs, int timeoutCheckMs) {
      return new Checks() {
        @Override
        public int spreadPercent() {
          return spreadPercent;
        }

        @Override
        public SlowStartCurve slowStartCurve() {
          return SlowStartCurve.haproxy();
        }

        @Override
        public @Nullable Duration checkTimeout(Duration inter) {
          if (timeoutCheckMs <= 0) {
            return null;
          }
          // HAProxy: the connection may take min(inter, timeout connect) (inter without timeout connect), then the
          // response may take timeout check: the probe's whole budget is their sum
          long connect = timeoutConnectMs > 0 ? Math.min(inter.toMillis(), timeoutConnectMs) : inter.toMillis();
          return Duration.ofMillis(connect + timeoutCheckMs);
        }
      };
    }

    /** A pool's default policy's: its spread, curve and check timeout (unless that is just its inter). */
    static Checks of(HealthPolicy defaults) {
      boolean own = !defaults.checkTimeout().equals(defaults.inter());
      return new Checks() {
        @Override
        public int spreadPercent() {
          return defaults.spreadPercent();
        }

        @Override
        public SlowStartCurve slowStartCurve() {
          return defaults.slowStartCurve();
        }

        @Override
        public @Nullable Duration checkTimeout(Duration inter) {
          return own ? defaults.checkTimeout() : null;
        }
      };
    }
  }

  /**
   * A server's (or default-server's) health policy: its check keywords and its section's check settings.
   *
   * @param s the settings
   * @param checks the section's
   * @param server whether it is a server (a disabled, checked server starts with health 0, as in HAProxy)
   * @return the policy
   */
  HealthPolicy policy(ServerState s, Checks checks, boolean server) {
    HealthPolicy.Builder b = HealthPolicy.builder()
        .inter(s.inter)
        .rise(s.rise)
        .fall(s.fall)
        .slowStart(s.slowStart)
        .slowStartCurve(checks.slowStartCurve())
        .observe(s.observe)
        .errorLimit(s.errorLimit)
        .onError(s.onError)
        .spreadPercent(checks.spreadPercent());
    if (s.fastInter != null) {
      b.fastInter(s.fastInter);
    }
    if (s.downInter != null) {
      b.downInter(s.downInter);
    }
    Duration timeout = checks.checkTimeout(s.inter);
    if (timeout != null) {
      b.checkTimeout(timeout);
    }
    InitialState state = s.initState;
    if (server && s.disabled && s.check) {
      state = InitialState.FULLY_DOWN; // HAProxy: a disabled server starts with health 0
    }
    if (state != null) {
      b.initialState(state);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw r.error(server ? "server" : "default-server", String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * A server's spec.
   *
   * @param s the settings
   * @param address its address
   * @param id its persistent id (0: none)
   * @param policy its health policy
   * @param defaultPolicy the pool's: the spec carries {@code policy} only when it differs
   * @return the spec
   */
  ServerSpec spec(ServerState s, InetSocketAddress address, int id, HealthPolicy policy, HealthPolicy defaultPolicy) {
    try {
      return ServerSpec.builder(s.name, address)
          .id(id)
          .weight(s.weight)
          .cookie(s.cookie)
          .backup(s.backup)
          .check(s.check)
          .disabled(s.disabled)
          .healthPolicy(policy.equals(defaultPolicy) ? null : policy)
          .build();
    } catch (IllegalArgumentException e) {
      throw r.error("server", String.valueOf(e.getMessage()), e);
    }
  }
}
