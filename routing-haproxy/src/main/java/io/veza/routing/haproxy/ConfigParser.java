package io.veza.routing.haproxy;

import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.ServerSpec;
import io.veza.routing.discovery.DnsDiscovery;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One parse of one configuration text. Not thread-safe; used once. */
final class ConfigParser implements Reporter {
  private static final Set<String> SKIPPED_SECTIONS = Set.of("frontend", "listen", "userlist", "peers", "mailers",
      "program", "cache", "http-errors", "ring", "log-forward", "namespace_list", "fcgi-app");

  /** Backend and defaults keywords that change nothing routing decides: accepted with a note. */
  private static final Map<String, String> PROXY_NOTES = Map.ofEntries(
      Map.entry("log", "logging is the gateway's"),
      Map.entry("log-format", "logging is the gateway's"),
      Map.entry("log-tag", "logging is the gateway's"),
      Map.entry("error-log-format", "logging is the gateway's"),
      Map.entry("description", "a description changes nothing"),
      Map.entry("id", "the proxy id is HAProxy's own numbering"),
      Map.entry("maxconn", "the frontend connection limit is the gateway's"),
      Map.entry("backlog", "the listen backlog is the gateway's"),
      Map.entry("http-reuse", "connection reuse is the gateway's"),
      Map.entry("acl", "ACLs only matter to rules, which routing does not import"),
      Map.entry("monitor-uri", "a frontend keyword"),
      Map.entry("unique-id-format", "logging is the gateway's"),
      Map.entry("unique-id-header", "logging is the gateway's"),
      Map.entry("email-alert", "alerts are the gateway's"));

  /** {@code option} names that change nothing routing decides. */
  private static final Set<String> OPTION_NOTES = Set.of("httplog", "tcplog", "dontlognull", "log-health-checks",
      "log-separate-errors", "logasap", "http-server-close", "httpclose", "http-keep-alive", "tcpka", "clitcpka",
      "srvtcpka", "contstats", "splice-auto", "splice-request", "splice-response", "http-no-delay",
      "http-ignore-probes", "idle-close-on-response", "nolinger", "socket-stats", "dontlog-normal");

  private static final Set<String> TIMEOUTS = Set.of("client", "server", "connect", "check", "queue",
      "http-keep-alive", "http-request", "tunnel", "tarpit", "client-fin", "server-fin");

  private final String file;
  private final Function<String, @Nullable String> environment;
  private final boolean lenient;
  private final boolean newerKeywords;
  private final DnsDiscovery.Resolver resolver;

  final List<ConfigNote> ignored = new ArrayList<>();
  final List<ConfigNote> notes = new ArrayList<>();
  int spreadChecks;

  private final Map<String, List<ProxyState>> namedDefaults = new HashMap<>();
  private final Map<ProxyState, @Nullable HttpCheck> effectiveChecks = new HashMap<>();
  private @Nullable ProxyState lastDefaults;
  private @Nullable ProxyState proxy;
  private final List<ProxyState> backends = new ArrayList<>();
  private final Set<String> backendNames = new HashSet<>();
  private final Map<String, Duration> resolvers = new HashMap<>();
  private @Nullable String resolversName;
  private String section = "";
  private String sectionName = "";
  private int sectionLine;
  private boolean skipping;
  private boolean spreadSeen;

  private int lineNo;
  private String raw = "";

  /** Server keywords of an HTTP-mode section, and of a TCP-mode one (where observe layer7 is refused). */
  private final ServerKeywords httpServers;
  private final ServerKeywords tcpServers;

  ConfigParser(String file, Function<String, @Nullable String> environment, boolean lenient, boolean newerKeywords,
               DnsDiscovery.Resolver resolver) {
    this.file = file;
    this.environment = environment;
    this.lenient = lenient;
    this.newerKeywords = newerKeywords;
    this.resolver = resolver;
    this.httpServers = new ServerKeywords(this, true, newerKeywords, keyword -> { });
    this.tcpServers = new ServerKeywords(this, false, newerKeywords, keyword -> { });
  }

  private ServerKeywords servers(ProxyState p) {
    return p.http ? httpServers : tcpServers;
  }

  // ------------------------------------------------------------------------------------------------ driver

  List<HaproxyBackend> parse(String text) {
    String[] lines = text.split("\n", -1);
    int count = lines.length;
    if (!text.isEmpty() && !text.endsWith("\n")) {
      lineNo = count;
      raw = lines[count - 1];
      throw error(raw.isBlank() ? "(end of file)" : firstWord(raw),
          "missing LF on the last line (HAProxy refuses a file that might have been truncated)");
    }
    for (int i = 0; i < count - (text.endsWith("\n") ? 1 : 0); i++) {
      lineNo = i + 1;
      raw = lines[i];
      if (raw.indexOf('\0') >= 0) {
        throw error("NUL", "stray NUL character at position " + (raw.indexOf('\0') + 1));
      }
      line(raw);
    }
    endSection();
    List<HaproxyBackend> out = new ArrayList<>();
    for (ProxyState b : backends) {
      out.add(finish(b));
    }
    return out;
  }

  private static String firstWord(String s) {
    String t = s.strip();
    int sp = 0;
    while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
      sp++;
    }
    return t.substring(0, sp);
  }

  private void line(String text) {
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("[")) {
      throw error("[", "configuration scopes ('[name]' lines) are not supported");
    }
    List<String> words;
    try {
      words = HaproxySyntax.words(text, this::variable);
    } catch (IllegalArgumentException e) {
      throw error(firstWord(text).isEmpty() ? "(line)" : firstWord(text), e.getMessage(), e);
    }
    if (words.isEmpty() || words.get(0).isEmpty()) {
      if (words.size() > 1) {
        throw error("\"\"", "an empty first word makes HAProxy ignore the whole line");
      }
      return;
    }
    for (int i = 1; i < words.size(); i++) {
      if (words.get(i).isEmpty()) {
        throw error(words.get(0), "word " + (i + 1) + " is empty: HAProxy ignores every word after an empty one");
      }
    }
    String kw = words.get(0);
    if (kw.startsWith(".")) {
      directive(words);
      return;
    }
    String modifier = null;
    if (kw.equals("no") || kw.equals("default")) {
      modifier = kw;
      words = words.subList(1, words.size());
      if (words.isEmpty() || !(words.get(0).equals("option") || words.get(0).equals("log"))) {
        throw error(kw, "negation/default is only supported for options and log");
      }
      kw = words.get(0);
    }
    if (modifier == null && isSection(kw)) {
      startSection(words);
      return;
    }
    if (section.isEmpty()) {
      throw error(kw, "unknown keyword out of section");
    }
    if (skipping) {
      return;
    }
    switch (section) {
      case "global" -> global(words);
      case "resolvers" -> resolversLine(words);
      default -> proxyLine(words, modifier);
    }
  }

  private @Nullable String variable(String name) {
    return switch (name) {
      case ".LINE" -> Integer.toString(lineNo);
      case ".FILE" -> file;
      case ".SECTION" -> sectionName.isEmpty() ? null : sectionName;
      default -> environment.apply(name);
    };
  }

  private void directive(List<String> w) {
    String kw = w.get(0);
    switch (kw) {
      case ".notice", ".warning", ".diag" -> {
        if (w.size() > 2) {
          throw error(kw, "unexpected argument '" + w.get(2) + "' (use quotes if the message holds spaces)");
        }
        note(kw, "a configuration message: " + (w.size() > 1 ? w.get(1) : ""));
      }
      case ".alert" -> throw error(kw, "HAProxy stops at .alert: " + (w.size() > 1 ? w.get(1) : ""));
      case ".if", ".elif", ".else", ".endif" -> throw error(kw,
          "conditional blocks are not supported (their conditions are evaluated by HAProxy at startup)");
      default -> throw error(kw, "unknown directive");
    }
  }

  private static boolean isSection(String kw) {
    return kw.equals("global") || kw.equals("defaults") || kw.equals("backend") || kw.equals("resolvers")
        || SKIPPED_SECTIONS.contains(kw);
  }

  // ------------------------------------------------------------------------------------------------ sections

  private void startSection(List<String> w) {
    endSection();
    String kw = w.get(0);
    section = kw;
    sectionLine = lineNo;
    skipping = false;
    proxy = null;
    resolversName = null;
    if (SKIPPED_SECTIONS.contains(kw)) {
      skipping = true;
      sectionName = w.size() > 1 ? w.get(1) : kw;
      note(kw, kw + " sections are not imported: routing imports backend sections (and defaults, global"
          + " spread-checks, resolvers hold valid)");
      return;
    }
    switch (kw) {
      case "global" -> {
        sectionName = "global";
        if (w.size() > 1) {
          throw error(kw, "unexpected argument '" + w.get(1) + "'");
        }
      }
      case "resolvers" -> {
        if (w.size() < 2) {
          throw error(kw, "missing name for resolvers section");
        }
        sectionName = w.get(1);
        resolversName = w.get(1);
        resolvers.put(w.get(1), Duration.ofSeconds(10));
      }
      case "defaults" -> defaultsSection(w);
      default -> backendSection(w);
    }
  }

  private void defaultsSection(List<String> w) {
    String name = "";
    String from = null;
    if (w.size() == 3 && w.get(1).equals("from")) {
      from = w.get(2);
    } else if (w.size() == 2) {
      name = w.get(1);
    } else if (w.size() == 4 && w.get(2).equals("from")) {
      name = w.get(1);
      from = w.get(3);
    } else if (w.size() != 1) {
      throw error("defaults", "expects [<name>] [from <defaults>], was " + HaproxySyntax.line(w));
    }
    ProxyState parent = from == null ? null : namedDefault(from);
    ProxyState d = ProxyState.from(parent, name, true, lineNo, parent == null ? null : effectiveCheck(parent));
    sectionName = name.isEmpty() ? "defaults" : name;
    if (!name.isEmpty()) {
      namedDefaults.computeIfAbsent(name, k -> new ArrayList<>()).add(d);
    }
    lastDefaults = d;
    proxy = d;
  }

  private ProxyState namedDefault(String name) {
    List<ProxyState> found = namedDefaults.get(name);
    if (found == null) {
      throw error("from", "defaults section '" + name + "' not found");
    }
    if (found.size() > 1) {
      throw error("from", "ambiguous defaults section name '" + name + "', declared at " + file + ":"
          + found.get(0).line + " and " + file + ":" + found.get(1).line);
    }
    int bad = HaproxySyntax.invalidNameChar(name);
    if (bad >= 0) {
      throw error("from", "character '" + name.charAt(bad) + "' is not permitted in defaults section name '" + name
          + "' when designated by its name");
    }
    return found.get(0);
  }

  private void backendSection(List<String> w) {
    if (w.size() < 2) {
      throw error("backend", "expects an <id> argument");
    }
    String name = w.get(1);
    int bad = HaproxySyntax.invalidNameChar(name);
    if (bad >= 0) {
      throw error("backend", "character '" + name.charAt(bad) + "' is not permitted in backend name '" + name + "'");
    }
    if (!backendNames.add(name)) {
      throw error("backend", "backend '" + name + "' is declared twice");
    }
    ProxyState parent = lastDefaults;
    if (w.size() == 4 && w.get(2).equals("from")) {
      parent = namedDefault(w.get(3));
    } else if (w.size() != 2) {
      throw error("backend", "expects <id> [from <defaults>], was " + HaproxySyntax.line(w));
    }
    ProxyState b = ProxyState.from(parent, name, false, lineNo, parent == null ? null : effectiveCheck(parent));
    sectionName = name;
    backends.add(b);
    proxy = b;
  }

  private void endSection() {
    if (proxy != null) {
      effectiveCheck(proxy); // reports misplaced http-check lines of this section now
    }
  }

  // ------------------------------------------------------------------------------------------------ global, resolvers

  private void global(List<String> w) {
    if (!w.get(0).equals("spread-checks")) {
      note(w.get(0), "global settings other than spread-checks are HAProxy's process settings");
      return;
    }
    if (w.size() != 2) {
      throw error("spread-checks", w.size() < 2 ? "expects an integer argument (0..50)"
          : "unexpected argument '" + w.get(2) + "'");
    }
    if (spreadSeen && spreadChecks != 0) {
      throw error("spread-checks", "spread-checks already specified (HAProxy keeps the first one)");
    }
    spreadChecks = integer("spread-checks", w.get(1), 0, 50);
    spreadSeen = true;
  }

  private void resolversLine(List<String> w) {
    if (w.size() >= 3 && w.get(0).equals("hold") && w.get(1).equals("valid")) {
      if (w.size() != 3) {
        throw error("hold", "unexpected argument '" + w.get(3) + "'");
      }
      int ms = time("hold valid", w.get(2), TimeUnit.MILLISECONDS);
      if (ms <= 0) {
        throw error("hold", "hold valid must be > 0, was '" + w.get(2) + "'");
      }
      resolvers.put(resolversName == null ? "" : resolversName, Duration.ofMillis(ms));
      return;
    }
    note(w.get(0), "resolvers settings other than 'hold valid' (the refresh interval) are not imported: the"
        + " discovery resolves with the JDK resolver");
  }

  // ------------------------------------------------------------------------------------------------ proxy keywords

  private void proxyLine(List<String> w, @Nullable String modifier) {
    ProxyState p = proxy;
    if (p == null) {
      throw error(w.get(0), "'listen' or 'defaults' expected");
    }
    String kw = w.get(0);
    if (modifier != null && kw.equals("log")) {
      note(kw, "logging is the gateway's");
      return;
    }
    switch (kw) {
      case "mode" -> {
        maxArgs(w, 1);
        switch (arg(w, 1, "expects http or tcp")) {
          case "http" -> p.http = true;
          case "tcp" -> p.http = false;
          default -> throw error(kw, "unknown proxy mode '" + w.get(1) + "'");
        }
      }
      case "balance" -> balance(p, w);
      case "hash-type" -> hashType(p, w);
      case "cookie" -> cookie(p, w);
      case "dynamic-cookie-key" -> {
        p.dynamicKey = arg(w, 1, "expects <secret_key> as argument");
      }
      case "retries" -> {
        maxArgs(w, 1);
        p.retries = integer(kw, arg(w, 1, "expects an integer argument"), 0, 1_000_000);
      }
      case "option" -> option(p, w, modifier);
      case "http-check" -> httpCheckLine(p, w);
      case "timeout" -> timeout(p, w);
      case "default-server" -> servers(p).parse(p.defsrv, w, 1, ServerKeywords.Line.DEFAULT_SERVER);
      case "server" -> server(p, w);
      case "server-template" -> serverTemplate(p, w);
      case "stick-table" -> stickTable(p, w);
      case "stick" -> stick(p, w);
      default -> {
        String reason = PROXY_NOTES.get(kw);
        if (reason != null) {
          note(kw, reason);
        } else {
          unsupported(kw, "routing does not support '" + kw + "' in a " + (p.defaults ? "defaults" : "backend")
              + " section");
        }
      }
    }
  }

  private void balance(ProxyState p, List<String> w) {
    p.balanceLine = lineNo;
    Balance b = HaproxyBalance.parse(w, 1, this);
    if (b == null) {
      return; // lenient: an unsupported algorithm or option is listed and the previous balance stays
    }
    p.balance = b;
    p.balanceText = w.size() == 1 ? "roundrobin" : HaproxySyntax.line(w.subList(1, w.size()));
  }

  private void hashType(ProxyState p, List<String> w) {
    String type = arg(w, 1, "only supports 'consistent' and 'map-based'");
    if (!type.equals("consistent") && !type.equals("map-based")) {
      throw error("hash-type", type.equals("avalanche") ? "'hash-type avalanche' is not supported anymore"
          : "only supports 'consistent' and 'map-based', was '" + type + "'");
    }
    if (w.size() > 2) {
      if (!Set.of("sdbm", "djb2", "wt6", "crc32").contains(w.get(2))) {
        throw error("hash-type", "only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions, was '" + w.get(2)
            + "'");
      }
      if (w.size() > 3 && !w.get(3).equals("avalanche")) {
        throw error("hash-type", "only supports 'avalanche' as a modifier for hash functions, was '" + w.get(3) + "'");
      }
      if (w.size() > 4) {
        throw error("hash-type", "unexpected argument '" + w.get(4) + "'");
      }
      note("hash-type", "the hash function " + HaproxySyntax.line(w.subList(2, w.size())) + " is not used: routing"
          + " hashes keys with XXH3 (the pool's KeyHasher) and selects with the jump consistent hash");
    }
    p.hashType = type;
  }

  private void cookie(ProxyState p, List<String> w) {
    if (w.size() < 2) {
      throw error("cookie", "expects <cookie_name> as argument");
    }
    List<String> plain = new ArrayList<>();
    List<String> attrs = new ArrayList<>();
    plain.add("cookie");
    plain.add(w.get(1));
    for (int i = 2; i < w.size(); i++) {
      String o = w.get(i);
      switch (o) {
        case "attr" -> {
          String v = arg(w, i + 1, "attr expects <value> as argument");
          for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (c < 0x20 || c == 0x7f || c == ';') {
              throw error("cookie", String.format("character '%%x%02X' is not permitted in attribute value", (int) c));
            }
          }
          attrs.add(v);
          i++;
        }
        case "domain", "maxidle", "maxlife" -> {
          plain.add(o);
          plain.add(arg(w, i + 1, "'" + o + "' expects an argument"));
          i++;
        }
        default -> plain.add(o);
      }
    }
    try {
      CookiePersistence.parse(plain); // validates the words now: the combination is checked when the backend ends
    } catch (IllegalArgumentException e) {
      throw error("cookie", e.getMessage(), e);
    }
    p.cookieWords = plain;
    p.cookieAttrs.addAll(attrs);
    p.cookieLine = lineNo;
  }

  private void option(ProxyState p, List<String> w, @Nullable String modifier) {
    String name = arg(w, 1, "expects an option name");
    switch (name) {
      case "redispatch" -> {
        if (modifier != null) {
          p.redispatch = false;
          p.redispatchInterval = -1;
          maxArgs(w, 1);
          return;
        }
        maxArgs(w, 2);
        int interval = w.size() > 2 ? integer("option redispatch", w.get(2), Integer.MIN_VALUE + 1,
            Integer.MAX_VALUE) : -1;
        p.redispatch = interval != 0;
        p.redispatchInterval = interval == 0 ? -1 : interval;
      }
      case "persist" -> {
        maxArgs(w, 1);
        p.persist = modifier == null;
      }
      case "allbackups" -> {
        maxArgs(w, 1);
        p.allBackups = modifier == null;
      }
      case "httpchk" -> {
        if (modifier != null) {
          throw error("option", "negation/default is not supported for option 'httpchk'");
        }
        maxArgs(w, 4);
        String meth = null;
        String uri = null;
        String ver = null;
        if (w.size() == 3) {
          uri = w.get(2);
        } else if (w.size() >= 4) {
          meth = w.get(2);
          uri = w.get(3);
          if (w.size() == 5) {
            ver = w.get(4);
          }
        }
        if (ver != null && ver.contains("\r\n")) {
          unsupported("httpchk", "headers hidden in the version of option httpchk are not supported");
          return;
        }
        HttpCheck d = HttpCheck.defaults();
        p.ownOption = checkRequest(d.with(meth == null ? d.method() : meth, uri == null ? d.uri() : uri,
            ver == null ? d.version() : ver));
        p.ownOptionLine = lineNo;
      }
      default -> {
        if (OPTION_NOTES.contains(name)) {
          note("option", "option " + name + " changes nothing routing decides");
        } else {
          unsupported("option", "routing does not support option " + name);
        }
      }
    }
  }

  private HttpCheck checkRequest(HttpCheck c) {
    if (!HaproxySyntax.isToken(c.method())) {
      unsupportedFatal("httpchk", "the check method must be an HTTP token, was '" + c.method() + "'");
    }
    if (!c.uri().startsWith("/")) {
      unsupportedFatal("httpchk", "the check URI must be a path starting with '/', was '" + c.uri() + "'");
    }
    return c;
  }

  private void httpCheckLine(ProxyState p, List<String> w) {
    String what = arg(w, 1, "only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', 'expect'");
    switch (what) {
      case "comment" -> note("http-check", "a check comment changes nothing");
      case "send", "expect" -> {
        if (what.equals("expect") && w.size() < 3) {
          throw error("http-check", "'http-check expect' expects at least a matching pattern as arguments");
        }
        p.ownRules.add(List.copyOf(w));
        p.ownRuleLines.add(lineNo);
      }
      case "disable-on-404", "send-state", "connect", "set-var", "unset-var" ->
          unsupported("http-check", "http-check " + what + " is not supported");
      default -> throw error("http-check", "only supports 'disable-on-404', 'send-state', 'comment', 'connect',"
          + " 'send', 'expect', but got '" + what + "'");
    }
  }

  /** The check this section's servers use: its own option httpchk (merged with its rules) or the inherited one. */
  private @Nullable HttpCheck effectiveCheck(ProxyState p) {
    if (effectiveChecks.containsKey(p)) {
      return effectiveChecks.get(p);
    }
    int saved = lineNo;
    String savedRaw = raw;
    try {
      HttpCheck result;
      if (p.ownOption != null) {
        result = p.ownOption;
        int sends = 0;
        int expects = 0;
        for (int k = 0; k < p.ownRules.size(); k++) {
          List<String> r = p.ownRules.get(k);
          lineNo = p.ownRuleLines.get(k);
          raw = HaproxySyntax.line(r);
          if (r.get(1).equals("send")) {
            if (sends++ > 0 || expects > 0) {
              unsupportedFatal("http-check", "routing supports one http-check send before one http-check expect");
            }
            result = send(result, r);
          } else {
            if (expects++ > 0) {
              unsupportedFatal("http-check", "routing supports one http-check expect");
            }
            result = expect(result, r);
          }
        }
      } else if (!p.ownRules.isEmpty()) {
        lineNo = p.ownRuleLines.get(0);
        raw = HaproxySyntax.line(p.ownRules.get(0));
        if (p.inheritedCheck != null) {
          unsupportedFatal("http-check", "http-check rules in a section that inherits option httpchk: HAProxy 2.6"
              + " then drops the inherited request line; repeat option httpchk in this section");
        }
        note("http-check", "http-check rules without option httpchk are unused (HAProxy ignores them too)");
        result = null;
      } else {
        result = p.inheritedCheck;
      }
      effectiveChecks.put(p, result);
      return result;
    } finally {
      lineNo = saved;
      raw = savedRaw;
    }
  }

  private HttpCheck send(HttpCheck c, List<String> r) {
    String meth = c.method();
    String uri = c.uri();
    String ver = c.version();
    for (int i = 2; i < r.size(); i++) {
      String k = r.get(i);
      switch (k) {
        case "meth" -> meth = arg(r, ++i, "'meth' expects a string as argument");
        case "uri" -> uri = arg(r, ++i, "'uri' expects a string as argument");
        case "ver" -> ver = arg(r, ++i, "'ver' expects a string as argument");
        case "comment" -> arg(r, ++i, "'comment' expects a string as argument");
        case "hdr", "body", "uri-lf", "body-lf" -> unsupportedFatal("http-check",
            "http-check send " + k + " is not supported (the JDK probe sends no custom header or body)");
        default -> throw error("http-check", "'send' only supports 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr',"
            + " 'body' and 'body-lf', but got '" + k + "'");
      }
    }
    return checkRequest(c.with(meth, uri, ver));
  }

  private HttpCheck expect(HttpCheck c, List<String> r) {
    boolean inverse = false;
    int i = 2;
    String pattern = null;
    while (i < r.size()) {
      String k = r.get(i);
      if (k.startsWith("!")) {
        while (k.startsWith("!")) {
          inverse = !inverse;
          k = k.substring(1);
        }
        if (k.isEmpty()) {
          i++;
          continue;
        }
      }
      if (k.equals("status")) {
        if (pattern != null) {
          throw error("http-check", "only one pattern expected");
        }
        pattern = arg(r, i + 1, "'status' expects a <pattern> as argument");
        i += 2;
      } else if (k.equals("comment")) {
        arg(r, i + 1, "'comment' expects a string as argument");
        i += 2;
      } else {
        unsupportedFatal("http-check", "http-check expect " + k + " is not supported (only [!] status <codes>)");
        return c;
      }
    }
    if (pattern == null) {
      throw error("http-check", "expects at least a matching pattern as arguments");
    }
    List<int[]> codes = new ArrayList<>();
    int p = 0;
    while (true) {
      int s = p;
      while (p < pattern.length() && Character.isDigit(pattern.charAt(p)) && pattern.charAt(p) < 128) {
        p++;
      }
      int c1 = readUint(pattern.substring(s, p));
      int c2 = c1;
      if (p < pattern.length() && pattern.charAt(p) == '-') {
        p++;
        s = p;
        while (p < pattern.length() && pattern.charAt(p) >= '0' && pattern.charAt(p) <= '9') {
          p++;
        }
        c2 = readUint(pattern.substring(s, p));
      }
      if (c1 > c2) {
        throw error("http-check", "invalid range of status codes '" + pattern + "'");
      }
      codes.add(new int[] {c1, c2});
      if (p >= pattern.length()) {
        break;
      }
      if (pattern.charAt(p) != ',') {
        throw error("http-check", "invalid character '" + pattern.charAt(p) + "' in the list of status codes");
      }
      p++;
    }
    return c.expecting(codes.toArray(new int[0][]), inverse);
  }

  private int readUint(String digits) {
    if (digits.isEmpty()) {
      return 0;
    }
    if (digits.length() > 9) {
      throw error("http-check", "status code too large: " + digits);
    }
    return Integer.parseInt(digits);
  }

  private void timeout(ProxyState p, List<String> w) {
    String name = arg(w, 1, "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive',"
        + " 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin'");
    if (!TIMEOUTS.contains(name)) {
      throw error("timeout", "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive',"
          + " 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '" + name + "')");
    }
    String v = arg(w, 2, "'timeout " + name + "' expects an integer value (in milliseconds)");
    maxArgs(w, 2);
    int ms = time("timeout " + name, v, TimeUnit.MILLISECONDS);
    switch (name) {
      case "check" -> p.timeoutCheckMs = ms;
      case "connect" -> p.timeoutConnectMs = ms;
      default -> note("timeout", "timeout " + name + " is the gateway's (connection timeouts of its own)");
    }
  }

  // ------------------------------------------------------------------------------------------------ servers

  private void server(ProxyState p, List<String> w) {
    if (p.defaults) {
      throw error("server", "'server' not allowed in 'defaults' section");
    }
    if (p.template != null && w.size() >= 3) {
      unsupportedFatal("server", "routing imports a backend with server lines or one server-template, not both");
    }
    p.servers.add(servers(p).server(p.defsrv, w, 1, lineNo));
  }

  private void serverTemplate(ProxyState p, List<String> w) {
    if (p.defaults) {
      throw error("server-template", "'server-template' not allowed in 'defaults' section");
    }
    if (w.size() < 4) {
      throw error("server-template", "expects <prefix> <nb | range> <addr>[:<port>] as arguments");
    }
    String prefix = w.get(1);
    int bad = HaproxySyntax.invalidNameChar(prefix);
    if (bad >= 0) {
      throw error("server-template", "character '" + prefix.charAt(bad) + "' is not permitted in prefix '" + prefix
          + "'");
    }
    String range = w.get(2);
    int low = 1;
    int high;
    int dash = range.indexOf('-');
    if (dash >= 0) {
      low = integer("server-template range", range.substring(0, dash), 0, 1_000_000);
      high = integer("server-template range", range.substring(dash + 1), 0, 1_000_000);
    } else {
      high = integer("server-template num", range, 0, 1_000_000);
    }
    if (high < low || high == 0) {
      throw error("server-template", "wrong server-template number or range arg '" + range + "'");
    }
    if (low != 1) {
      unsupportedFatal("server-template", "templates numbered from " + low + " are not supported (DNS discovery"
          + " numbers servers from 1)");
    }
    if (p.template != null || !p.servers.isEmpty()) {
      unsupportedFatal("server-template", "routing imports a backend with server lines or one server-template,"
          + " not both (the discovery delivers the whole membership)");
    }
    ServerState s = p.defsrv.copy();
    s.name = prefix;
    s.line = lineNo;
    servers(p).address(s, w.get(3), true);
    servers(p).parse(s, w, 4, ServerKeywords.Line.TEMPLATE);
    if (s.resolvers == null) {
      unsupportedFatal("server-template", "a server-template without 'resolvers' is resolved once at startup by"
          + " HAProxy 2.6 (every templated server gets the first address); add 'resolvers <section>' to import it"
          + " onto DNS discovery");
    }
    if (!resolvers.containsKey(s.resolvers)) {
      throw error("resolvers", "unable to find required resolvers '" + s.resolvers + "'");
    }
    p.template = s;
    p.templatePrefix = prefix;
    p.templateCount = high;
  }

  // ------------------------------------------------------------------------------------------------ stick

  private void stickTable(ProxyState p, List<String> w) {
    if (p.defaults) {
      throw error("stick-table", "'stick-table' is not supported in 'defaults' section");
    }
    if (p.stickTable != null) {
      throw error("stick-table", "stick-table name '" + p.name + "' conflicts with the table declared at " + file
          + ":" + p.stickTableLine);
    }
    p.stickTable = List.copyOf(w);
    p.stickTableLine = lineNo;
  }

  private void stick(ProxyState p, List<String> w) {
    if (p.defaults) {
      throw error("stick", "'stick' not allowed in 'defaults' section");
    }
    String what = arg(w, 1, "expects 'on', 'match', or 'store'");
    if (!Set.of("on", "match", "store", "store-request", "store-response").contains(what)) {
      throw error("stick", "expects 'on', 'match', or 'store'");
    }
    arg(w, 2, "expects a fetch method");
    if (!what.equals("on")) {
      unsupported("stick", "only 'stick on' is supported (stick " + what + " is not)");
      return;
    }
    if (w.size() > 3) {
      unsupported("stick", "'stick on' with 'table' or a condition is not supported");
      return;
    }
    if (p.stickOn != null) {
      unsupported("stick", "routing supports one 'stick on' rule per backend");
      return;
    }
    p.stickOn = List.copyOf(w);
    p.stickOnLine = lineNo;
  }

  // ------------------------------------------------------------------------------------------------ finish

  private HaproxyBackend finish(ProxyState p) {
    lineNo = p.line;
    raw = "backend " + p.name;
    if (!p.http) {
      unsupportedFatal("backend", "backend '" + p.name + "' is in mode tcp (HAProxy's default without 'mode http'):"
          + " routing imports HTTP backends");
    }
    CookiePersistence cookie = null;
    if (p.cookieWords != null) {
      lineNo = p.cookieLine;
      raw = HaproxySyntax.line(p.cookieWords);
      try {
        CookiePersistence.Builder cb = CookiePersistence.parse(p.cookieWords);
        p.cookieAttrs.forEach(cb::attr);
        if (p.dynamicKey != null) {
          cb.dynamicKey(p.dynamicKey);
        }
        cookie = cb.build();
      } catch (IllegalArgumentException e) {
        throw error("cookie", e.getMessage(), e);
      }
    }
    HttpCheck check = effectiveCheck(p);
    // HAProxy assigns puids in declaration order: the lowest free id from a counter that moves on at every server
    Set<Integer> used = new TreeSet<>();
    Map<Integer, ServerState> byId = new HashMap<>();
    for (ServerState s : p.servers) {
      if (s.puid > 0) {
        ServerState other = byId.put(s.puid, s);
        if (other != null) {
          lineNo = s.line;
          throw error("id", "custom id " + s.puid + " already used at " + file + ":" + other.line + " ('server "
              + other.name + "')");
        }
        used.add(s.puid);
      }
    }
    int next = 1;
    Map<String, ServerState> names = new LinkedHashMap<>();
    List<ServerSpec> specs = new ArrayList<>();
    HealthPolicy defaultPolicy = policy(p, p.defsrv, false);
    Boolean markedDown = null;
    Boolean markedUp = null;
    for (ServerState s : p.servers) {
      lineNo = s.line;
      if (names.put(s.name, s) != null) {
        throw error("server", "another server named '" + s.name + "' was already defined at line "
            + names.get(s.name).line + ", please use distinct names");
      }
      if (s.puid == 0) {
        while (used.contains(next)) {
          next++;
        }
        s.puid = next;
        used.add(next);
      }
      next++;
      markedDown = same(markedDown, s.onMarkedDownShutdown, "on-marked-down");
      markedUp = same(markedUp, s.onMarkedUpShutdownBackup, "on-marked-up");
      specs.add(spec(p, s, defaultPolicy, check));
    }
    HaproxyBackend.Template template = null;
    if (p.template != null) {
      ServerState t = p.template;
      lineNo = t.line;
      markedDown = t.onMarkedDownShutdown;
      markedUp = t.onMarkedUpShutdownBackup;
      ServerSpec options = spec(p, t, defaultPolicy, check);
      template = new HaproxyBackend.Template(p.templatePrefix, t.host, t.port, p.templateCount,
          resolvers.get(t.resolvers), options);
    }
    if (markedDown == null) {
      markedDown = p.defsrv.onMarkedDownShutdown;
      markedUp = p.defsrv.onMarkedUpShutdownBackup;
    }
    StickKey stickKey = null;
    long stickSize = 0;
    Duration stickExpire = null;
    if (p.stickOn != null) {
      lineNo = p.stickOnLine;
      raw = HaproxySyntax.line(p.stickOn);
      if (p.stickTable == null) {
        throw error("stick", "no stick-table declared in backend '" + p.name + "'");
      }
      List<String> t = p.stickTable;
      lineNo = p.stickTableLine;
      raw = HaproxySyntax.line(t);
      String type = null;
      int len = 32;
      for (int i = 1; i < t.size(); i++) {
        String k = t.get(i);
        switch (k) {
          case "type" -> {
            type = arg(t, ++i, "missing type");
            if (!Set.of("ip", "ipv6", "integer", "string", "binary").contains(type)) {
              throw error("stick-table", "unknown type '" + type + "'");
            }
            if ((type.equals("string") || type.equals("binary")) && i + 1 < t.size() && t.get(i + 1).equals("len")) {
              i += 2;
              len = integer("stick-table len", arg(t, i, "missing len"), 1, 65535);
            }
          }
          case "size" -> stickSize = size("stick-table size", arg(t, ++i, "missing argument after 'size'"));
          case "expire" -> {
            int ms = time("stick-table expire", arg(t, ++i, "missing argument after 'expire'"),
                TimeUnit.MILLISECONDS);
            stickExpire = ms == 0 ? null : Duration.ofMillis(ms);
          }
          case "nopurge", "peers", "store", "srvkey", "write-to" -> unsupportedFatal("stick-table",
              "stick-table " + k + " is not supported");
          default -> throw error("stick-table", "unknown argument '" + k + "'");
        }
      }
      if (stickSize == 0) {
        throw error("stick-table", "missing size");
      }
      if (type == null) {
        throw error("stick-table", "missing type");
      }
      lineNo = p.stickOnLine;
      raw = HaproxySyntax.line(p.stickOn);
      String expr = p.stickOn.get(2);
      stickKey = StickKey.parse(expr, type.equals("string") ? len : 0);
      if (stickKey == null) {
        unsupportedFatal("stick", "stick on " + expr + " is not supported (src, req.hdr(name), hdr(name),"
            + " req.cook(name), cookie(name), url_param(name), urlp(name), path)");
      }
      boolean ipTable = type.equals("ip") || type.equals("ipv6");
      if (type.equals("integer") || type.equals("binary") || ipTable != stickKey.isAddress()) {
        unsupportedFatal("stick", "a " + type + " stick-table with 'stick on " + expr + "' is not supported (string"
            + " tables take any key, ip and ipv6 tables take src)");
      }
      if (stickExpire == null) {
        stickExpire = Duration.ofNanos(Long.MAX_VALUE / 4); // HAProxy: no expiry, entries leave when the table is full
      }
    } else if (p.stickTable != null) {
      lineNo = p.stickTableLine;
      raw = HaproxySyntax.line(p.stickTable);
      note("stick-table", "a stick table without 'stick on' is not used for routing");
    }
    return new HaproxyBackend(p.name, file, p.line, p.balance, p.hashType, cookie, p.retries, p.redispatch,
        p.redispatchInterval, p.persist, p.allBackups, markedDown, markedUp, defaultPolicy, specs, check,
        stickKey, stickSize, stickExpire, template);
  }

  private Boolean same(@Nullable Boolean previous, boolean value, String keyword) {
    if (previous != null && previous != value) {
      unsupportedFatal(keyword, "routing applies " + keyword + " to the whole pool: every server must agree");
    }
    return value;
  }

  private ServerSpec spec(ProxyState p, ServerState s, HealthPolicy defaultPolicy, @Nullable HttpCheck check) {
    InetSocketAddress address;
    if (p.template != null && s == p.template) {
      address = InetSocketAddress.createUnresolved(s.host, s.port);
    } else {
      address = resolve(s);
    }
    HealthPolicy policy = policy(p, s, true);
    return servers(p).spec(s, address, s == p.template ? 0 : s.puid, policy, defaultPolicy);
  }

  private InetSocketAddress resolve(ServerState s) {
    String host = s.host;
    try {
      List<InetAddress> all = resolver.resolve(host);
      if (all == null || all.isEmpty()) {
        throw new UnknownHostException(host);
      }
      InetAddress a = all.get(0);
      return new InetSocketAddress(ServerKeywords.isLiteral(host) ? a : InetAddress.getByAddress(host, a.getAddress()),
          s.port);
    } catch (UnknownHostException | RuntimeException e) {
      throw error("server", "could not resolve address '" + host + "' (HAProxy resolves server addresses at"
          + " startup)", e);
    }
  }

  /** The server's health policy: its check keywords, the global spread-checks and the backend's check timeouts. */
  private HealthPolicy policy(ProxyState p, ServerState s, boolean server) {
    return servers(p).policy(s, ServerKeywords.Checks.of(spreadChecks, p.timeoutConnectMs, p.timeoutCheckMs), server);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  @Override
  public void note(String keyword, String reason) {
    notes.add(new ConfigNote(file, lineNo, keyword, raw, reason));
  }

  @Override
  public boolean lenient() {
    return lenient;
  }

  @Override
  public void ignored(String keyword, String reason) {
    ignored.add(new ConfigNote(file, lineNo, keyword, raw, reason));
  }

  /** An unsupported keyword: an error, or an ignored line in lenient mode. */
  @Override
  public void unsupported(String keyword, String reason) {
    if (!lenient) {
      throw error(keyword, reason);
    }
    ignored.add(new ConfigNote(file, lineNo, keyword, raw, reason));
  }

  /** Unsupported in a way that cannot be ignored without changing what the rest of the section means. */
  private void unsupportedFatal(String keyword, String reason) {
    throw error(keyword, reason);
  }

  private String arg(List<String> w, int i, String message) {
    if (i >= w.size() || w.get(i).isEmpty()) {
      throw error(w.get(0), message);
    }
    return w.get(i);
  }

  private void maxArgs(List<String> w, int max) {
    if (w.size() > max + 1) {
      throw error(w.get(0), "unexpected argument '" + w.get(max + 1) + "'");
    }
  }

  private int integer(String field, String text, int min, int max) {
    try {
      return HaproxySyntax.integer(field, text, min, max);
    } catch (IllegalArgumentException e) {
      throw error(field, e.getMessage(), e);
    }
  }

  private int time(String field, String text, TimeUnit unit) {
    try {
      return HaproxySyntax.time(field, text, unit);
    } catch (IllegalArgumentException e) {
      throw error(field, e.getMessage(), e);
    }
  }

  private long size(String field, String text) {
    try {
      return HaproxySyntax.size(field, text);
    } catch (IllegalArgumentException e) {
      throw error(field, e.getMessage(), e);
    }
  }

  @Override
  public HaproxyConfigException error(String keyword, @Nullable String reason) {
    return new HaproxyConfigException(file, lineNo, keyword, String.valueOf(reason));
  }

  @Override
  public HaproxyConfigException error(String keyword, @Nullable String reason, Throwable cause) {
    return new HaproxyConfigException(file, lineNo, keyword, String.valueOf(reason), cause);
  }
}
