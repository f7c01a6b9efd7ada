package io.veza.routing.haproxy;

import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.ServerSpec;
import io.veza.routing.discovery.DnsDiscovery;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
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
final class ConfigParser {
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

  private static final Set<String> AGENT_KEYWORDS = Set.of("agent-check", "agent-port", "agent-inter", "agent-addr",
      "agent-send", "no-agent-check");

  /** HAProxy 2.6's server keywords (server.c, check.c, ssl_sock.c, proto_tcp.c) and how many arguments each takes. */
  private static final Map<String, Integer> HAPROXY_SERVER_KEYWORDS = Map.ofEntries(
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

  ConfigParser(String file, Function<String, @Nullable String> environment, boolean lenient, boolean newerKeywords,
               DnsDiscovery.Resolver resolver) {
    this.file = file;
    this.environment = environment;
    this.lenient = lenient;
    this.newerKeywords = newerKeywords;
    this.resolver = resolver;
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
      case "default-server" -> serverKeywords(p, p.defsrv, w, 1, true, false);
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
    if (w.size() == 1) {
      p.balance = Balance.roundRobin();
      p.balanceText = "roundrobin";
      return;
    }
    String algo = w.get(1);
    Balance b;
    if (algo.equals("roundrobin")) {
      b = Balance.roundRobin();
    } else if (algo.equals("uri")) {
      b = Balance.uri();
      for (int i = 2; i < w.size(); i++) {
        switch (w.get(i)) {
          case "len" -> b = b.len(positive(w, ++i, "len"));
          case "depth" -> b = b.depth(positive(w, ++i, "depth"));
          case "whole" -> b = b.whole();
          case "path-only" -> b = b.pathOnly();
          default -> throw error("balance", "uri only accepts parameters 'len', 'depth', 'path-only', and 'whole'"
              + " (got '" + w.get(i) + "')");
        }
      }
    } else if (algo.equals("url_param")) {
      String name = arg(w, 2, "url_param requires an URL parameter name");
      if (w.size() > 3) {
        if (!w.get(3).equals("check_post")) {
          throw error("balance", "url_param only accepts 'check_post' modifier (got '" + w.get(3) + "')");
        }
        unsupported("check_post", "balance url_param check_post (hashing a POST body) is not supported");
        return;
      }
      b = Balance.queryParam(name);
    } else if (algo.startsWith("hdr(")) {
      int close = algo.indexOf(')');
      if (close < 0 || close == 4) {
        throw error("balance", "hdr requires an http header field name");
      }
      if (close != algo.length() - 1) {
        throw error("balance", "unexpected characters after ')' in '" + algo + "'");
      }
      String name = algo.substring(4, close);
      if (!HaproxySyntax.isToken(name)) {
        throw error("balance", "hdr(name) needs a header name that is an HTTP token, was '" + name + "'");
      }
      if (w.size() > 2) {
        if (!w.get(2).equals("use_domain_only")) {
          throw error("balance", algo + " only accepts 'use_domain_only' modifier (got '" + w.get(2) + "')");
        }
        unsupported("use_domain_only", "balance hdr(name) use_domain_only is not supported");
        return;
      }
      b = Balance.header(name);
    } else if (algo.equals("hash")) {
      // balance hash <expr>: the one expression routing maps exactly is a path field, path,field(N,/): the N-th
      // '/'-separated field of the path (field 1 is the empty one before the leading '/'), i.e. path segment N-2
      String expr = arg(w, 2, "hash requires a sample expression");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("path,field\\(([0-9]{1,4}),/\\)").matcher(expr);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 2) {
        unsupported("balance", "balance hash " + expr + " is not supported (routing maps 'hash path,field(N,/)',"
            + " N >= 2, onto a path segment)");
        return;
      }
      if (w.size() > 3) {
        throw error("balance", "unexpected argument '" + w.get(3) + "'");
      }
      b = Balance.pathSegment(Integer.parseInt(m.group(1)) - 2);
    } else if (Set.of("static-rr", "first", "leastconn", "source").contains(algo)
        || algo.startsWith("random") || algo.startsWith("rdp-cookie")) {
      unsupported("balance", "balance " + algo + " is not supported (routing has roundrobin, uri, url_param and"
          + " hdr(name))");
      return;
    } else {
      throw error("balance", "only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param',"
          + " 'hdr(name)' and 'rdp-cookie(name)' options, was '" + algo + "'");
    }
    if (!algo.equals("uri") && !algo.equals("url_param") && !algo.startsWith("hdr(") && !algo.equals("hash")
        && w.size() > 2) {
      throw error("balance", "unexpected argument '" + w.get(2) + "'");
    }
    p.balance = b;
    p.balanceText = HaproxySyntax.line(w.subList(1, w.size()));
  }

  private int positive(List<String> w, int i, String what) {
    String v = i < w.size() ? w.get(i) : "";
    if (v.isEmpty()) {
      throw error("balance", "uri: '" + what + "' expects a positive integer (got '')");
    }
    return integer("balance uri " + what, v, 1, Integer.MAX_VALUE);
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
    if (w.size() < 3) {
      throw error("server", "expects <name> and <addr>[:<port>] as arguments");
    }
    String name = w.get(1);
    int bad = HaproxySyntax.invalidNameChar(name);
    if (bad >= 0) {
      throw error("server", "character '" + name.charAt(bad) + "' is not permitted in server name '" + name + "'");
    }
    ServerState s = p.defsrv.copy();
    s.name = name;
    s.line = lineNo;
    address(s, w.get(2), false);
    if (p.template != null) {
      unsupportedFatal("server", "routing imports a backend with server lines or one server-template, not both");
    }
    serverKeywords(p, s, w, 3, false, false);
    if (s.resolvers != null) {
      unsupportedFatal("resolvers", "runtime resolution of a server line is not supported (use server-template)");
    }
    p.servers.add(s);
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
    address(s, w.get(3), true);
    serverKeywords(p, s, w, 4, false, true);
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

  private void address(ServerState s, String text, boolean template) {
    String kw = template ? "server-template" : "server";
    if (text.indexOf('@') >= 0 || text.startsWith("/")) {
      unsupportedFatal(kw, "only <host>:<port> addresses are supported, was '" + text + "'");
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        unsupportedFatal(kw, "an address needs an explicit port, was '" + text + "'");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        unsupportedFatal(kw, "an address needs an explicit port (HAProxy would use the client's destination"
            + " port), was '" + text + "'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (port.isEmpty() || port.startsWith("+") || port.startsWith("-") || port.contains("-")) {
      unsupportedFatal(kw, "port offsets and ranges are not supported, was '" + text + "'");
    }
    int p = integer(kw + " port", port, 0, 65535);
    if (p == 0) {
      unsupportedFatal(kw, "port 0 (the client's destination port) is not supported, was '" + text + "'");
    }
    if (host.isEmpty()) {
      throw error(kw, "missing address in '" + text + "'");
    }
    if (template && host.startsWith("_")) {
      unsupportedFatal(kw, "SRV records are not supported, was '" + text + "'");
    }
    s.host = host;
    s.port = p;
  }

  /** Server keywords from {@code from}; HAProxy's {@code _srv_parse_kw} loop. */
  private void serverKeywords(ProxyState p, ServerState s, List<String> w, int from, boolean defaultServer,
                              boolean template) {
    List<String> skipped = new ArrayList<>();
    String kw0 = w.get(0);
    for (int i = from; i < w.size(); i++) {
      String k = w.get(i);
      switch (k) {
        case "check" -> s.check = true;
        case "no-check" -> s.check = false;
        case "inter" -> s.interMs = positiveTime(k, w, ++i);
        case "fastinter" -> s.fastInterMs = positiveTime(k, w, ++i);
        case "downinter" -> s.downInterMs = positiveTime(k, w, ++i);
        case "rise" -> s.rise = integer(k, serverArg(w, ++i, k, "an integer"), 1, HealthPolicy.MAX_RISE_FALL);
        case "fall" -> s.fall = integer(k, serverArg(w, ++i, k, "an integer"), 1, HealthPolicy.MAX_RISE_FALL);
        case "slowstart" -> s.slowStartMs = time(k, serverArg(w, ++i, k, "a delay"), TimeUnit.MILLISECONDS);
        case "weight" -> s.weight = integer(k, serverArg(w, ++i, k, "an integer"), 0, 256);
        case "cookie" -> s.cookie = serverArg(w, ++i, k, "<value>");
        case "backup" -> s.backup = true;
        case "no-backup" -> s.backup = false;
        case "disabled" -> s.disabled = true;
        case "enabled" -> s.disabled = false;
        case "id" -> {
          if (defaultServer) {
            throw error(k, "'id' option is not accepted in default-server sections");
          }
          if (template) {
            unsupportedFatal(k, "'id' on a server-template is not supported (the discovery numbers servers)");
          }
          s.puid = integer(k, serverArg(w, ++i, k, "an integer"), 1, ServerSpec.MAX_PERSISTENT_ID);
        }
        case "observe" -> {
          String m = serverArg(w, ++i, k, "<mode>");
          s.observe = switch (m) {
            case "none" -> ObserveMode.NONE;
            case "layer4" -> ObserveMode.LAYER4;
            case "layer7" -> {
              if (!p.http) {
                throw error(k, "'layer7' can only be used in http proxies (HAProxy ignores it elsewhere)");
              }
              yield ObserveMode.LAYER7;
            }
            default -> throw error(k, "'observe' expects one of 'none', 'layer4', 'layer7' but got '" + m + "'");
          };
        }
        case "error-limit" -> s.errorLimit = integer(k, serverArg(w, ++i, k, "an integer"), 1, Integer.MAX_VALUE);
        case "on-error" -> {
          String a = i + 1 < w.size() ? w.get(++i) : "";
          s.onError = switch (a) {
            case "fastinter" -> OnErrorAction.FASTINTER;
            case "fail-check" -> OnErrorAction.FAIL_CHECK;
            case "sudden-death" -> OnErrorAction.SUDDEN_DEATH;
            case "mark-down" -> OnErrorAction.MARK_DOWN;
            default -> throw error(k, "'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or"
                + " 'mark-down' but got '" + a + "'");
          };
        }
        case "on-marked-down" -> {
          String a = i + 1 < w.size() ? w.get(++i) : "";
          if (!a.equals("shutdown-sessions")) {
            throw error(k, "'on-marked-down' expects 'shutdown-sessions' but got '" + a + "'");
          }
          s.onMarkedDownShutdown = true;
        }
        case "on-marked-up" -> {
          String a = i + 1 < w.size() ? w.get(++i) : "";
          if (!a.equals("shutdown-backup-sessions")) {
            throw error(k, "'on-marked-up' expects 'shutdown-backup-sessions' but got '" + a + "'");
          }
          s.onMarkedUpShutdownBackup = true;
        }
        case "init-state" -> {
          if (!newerKeywords) {
            throw error(k, "unknown keyword 'init-state' in HAProxy 2.6 (added in HAProxy 3.1; allow it with"
                + " HaproxyConfig.parser().newerKeywords(true))");
          }
          String a = serverArg(w, ++i, k, "a state");
          s.initState = switch (a) {
            case "fully-up" -> InitialState.FULLY_UP;
            case "up" -> InitialState.UP;
            case "down" -> InitialState.DOWN;
            case "fully-down" -> InitialState.FULLY_DOWN;
            default -> throw error(k, "'init-state' expects 'fully-up', 'up', 'down' or 'fully-down', was '" + a
                + "'");
          };
        }
        case "resolvers" -> s.resolvers = serverArg(w, ++i, k, "a resolvers section name");
        case "init-addr" -> {
          String a = serverArg(w, ++i, k, "a method list");
          if (!template && !defaultServer) {
            unsupportedFatal(k, "init-addr on a server line is not supported");
          }
          notes.add(new ConfigNote(file, lineNo, k, raw, "init-addr " + a + ": the discovery delivers servers once"
              + " a resolution succeeds"));
        }
        default -> {
          if (AGENT_KEYWORDS.contains(k)) {
            if (!k.equals("agent-check") && !k.equals("no-agent-check")) {
              serverArg(w, ++i, k, "an argument");
            }
            notes.add(new ConfigNote(file, lineNo, k, raw, "agent checks are ignored: routing runs active checks"
                + " only"));
          } else {
            Integer args = HAPROXY_SERVER_KEYWORDS.get(k);
            if (args == null) {
              throw error(k, "unknown server keyword '" + k + "' (HAProxy 2.6 refuses it too)");
            }
            if (!lenient || args < 0) {
              throw error(k, "server keyword '" + k + "' is not supported by routing (on " + kw0 + " " + s.name
                  + ")");
            }
            skipped.add(k);
            for (int a = 0; a < args; a++) {
              skipped.add(serverArg(w, ++i, k, "an argument"));
            }
          }
        }
      }
    }
    if (!skipped.isEmpty()) {
      ignored.add(new ConfigNote(file, lineNo, skipped.get(0), raw, "server words ignored: " + String.join(" ",
          skipped)));
    }
  }

  private String serverArg(List<String> w, int i, String kw, String what) {
    if (i >= w.size()) {
      throw error(kw, "'" + kw + "' expects " + what + " as argument");
    }
    return w.get(i);
  }

  private int positiveTime(String kw, List<String> w, int i) {
    String v = serverArg(w, i, kw, "a delay");
    int ms = time(kw, v, TimeUnit.MILLISECONDS);
    if (ms <= 0) {
      throw error(kw, "invalid value " + ms + " for argument '" + kw + "'");
    }
    return ms;
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
    try {
      return ServerSpec.builder(s.name, address)
          .id(s == p.template ? 0 : s.puid)
          .weight(s.weight)
          .cookie(s.cookie)
          .backup(s.backup)
          .check(s.check)
          .disabled(s.disabled)
          .healthPolicy(policy.equals(defaultPolicy) ? null : policy)
          .build();
    } catch (IllegalArgumentException e) {
      throw error("server", e.getMessage(), e);
    }
  }

  private InetSocketAddress resolve(ServerState s) {
    String host = s.host;
    try {
      List<InetAddress> all = resolver.resolve(host);
      if (all == null || all.isEmpty()) {
        throw new UnknownHostException(host);
      }
      InetAddress a = all.get(0);
      return new InetSocketAddress(isLiteral(host) ? a : InetAddress.getByAddress(host, a.getAddress()), s.port);
    } catch (UnknownHostException | RuntimeException e) {
      throw error("server", "could not resolve address '" + host + "' (HAProxy resolves server addresses at"
          + " startup)", e);
    }
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** The server's health policy: its check keywords, the global spread-checks and the backend's check timeouts. */
  private HealthPolicy policy(ProxyState p, ServerState s, boolean server) {
    HealthPolicy.Builder b = HealthPolicy.builder()
        .inter(Duration.ofMillis(s.interMs))
        .rise(s.rise)
        .fall(s.fall)
        .slowStart(Duration.ofSeconds((s.slowStartMs + 999L) / 1000)) // HAProxy stores slowstart in seconds
        .observe(s.observe)
        .errorLimit(s.errorLimit)
        .onError(s.onError)
        .spreadPercent(spreadChecks);
    if (s.fastInterMs > 0) {
      b.fastInter(Duration.ofMillis(s.fastInterMs));
    }
    if (s.downInterMs > 0) {
      b.downInter(Duration.ofMillis(s.downInterMs));
    }
    if (p.timeoutCheckMs > 0) {
      // HAProxy: the connection may take min(inter, timeout connect) (inter without timeout connect), then the
      // response may take timeout check: the probe's whole budget is their sum
      long connect = p.timeoutConnectMs > 0 ? Math.min(s.interMs, p.timeoutConnectMs) : s.interMs;
      b.checkTimeout(Duration.ofMillis(connect + p.timeoutCheckMs));
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
      throw error(s.name.isEmpty() ? "default-server" : "server", e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private void note(String keyword, String reason) {
    notes.add(new ConfigNote(file, lineNo, keyword, raw, reason));
  }

  /** An unsupported keyword: an error, or an ignored line in lenient mode. */
  private void unsupported(String keyword, String reason) {
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

  private HaproxyConfigException error(String keyword, @Nullable String reason) {
    return new HaproxyConfigException(file, lineNo, keyword, String.valueOf(reason));
  }

  private HaproxyConfigException error(String keyword, @Nullable String reason, Throwable cause) {
    return new HaproxyConfigException(file, lineNo, keyword, String.valueOf(reason), cause);
  }
}
