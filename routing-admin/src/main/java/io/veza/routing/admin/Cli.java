package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The command interpreter of the runtime API, HAProxy 2.6's CLI (src/cli.c, src/stats.c, src/server.c,
 * src/proxy.c): the same words, arguments, level checks, outputs and error texts, for the commands that apply to
 * a routing library. One instance serves every connection; {@link Session} holds what is per connection. Commands
 * run on the admin server's thread and only call the pools' thread-safe, non-blocking methods.
 */
final class Cli {
  /** Most words in one command (HAProxy {@code MAX_CLI_ARGS}); more are ignored. */
  static final int MAX_ARGS = 64;

  static final String PERMISSION_DENIED = "Permission denied\n";

  /** Per-connection state. */
  static final class Session {
    AccessLevel level;
    boolean prompt;
    /** Idle timeout in milliseconds ({@code set timeout cli}), or 0 for the server's default. */
    long timeoutMillis;
    boolean quit;

    Session(AccessLevel level) {
      this.level = level;
    }
  }

  /** One command: its words, its help line (null if not listed) and what it does. */
  private record Command(String[] words, @Nullable String usage, BiConsumer<Call, StringBuilder> handler) {}

  /** A command being run: the session and the words of the line. */
  private record Call(Session session, String[] args) {
    /** Word {@code i}, or "" past the end (HAProxy's unused slots point to an empty string). */
    String arg(int i) {
      return i < args.length ? args[i] : "";
    }
  }

  private final List<Backend> backends;
  private final InfoSource info;
  private final List<Command> commands = new ArrayList<>();
  /** Initial weights ({@code iweight}) by pool and server id, as first seen: for {@code N%} and {@code get weight}. */
  private final Map<String, Integer> initialWeights = new ConcurrentHashMap<>();

  /** What {@code show info} reports about the process and the gateway. */
  interface InfoSource {
    /** Appends the {@code show info} fields as (name, value, tags:type) triples. */
    void fields(List<String[]> out);
  }

  Cli(List<Backend> backends, InfoSource info) {
    this.backends = List.copyOf(backends);
    this.info = info;
    for (Backend b : this.backends) {
      for (Server s : b.pool().servers()) {
        initialWeights.putIfAbsent(key(b, s.id()), s.weight());
      }
    }
    add(null, this::help, "help");
    add(null, (c, o) -> c.session().prompt = !c.session().prompt, "prompt");
    add(null, (c, o) -> c.session().quit = true, "quit");
    add("add server <bk>/<srv>                   : create a new server", this::addServer, "add", "server");
    add("del server <bk>/<srv>                   : remove a dynamically added server", this::delServer,
        "del", "server");
    add("disable server (DEPRECATED)             : disable a server for maintenance (use 'set server' instead)",
        (c, o) -> adminState(c, o, AdminState.MAINT), "disable", "server");
    add("enable server  (DEPRECATED)             : enable a disabled server (use 'set server' instead)",
        (c, o) -> adminState(c, o, AdminState.READY), "enable", "server");
    add("get weight <bk>/<srv>                   : report a server's current weight", this::getWeight,
        "get", "weight");
    add("operator                                : lower the level of the current CLI session to operator",
        (c, o) -> lower(c, o, AccessLevel.OPERATOR), "operator");
    add("set server <bk>/<srv> [opts]            : change a server's state, weight, address or ssl",
        this::setServer, "set", "server");
    add("set timeout [cli] <delay>               : change a timeout setting", this::setTimeout, "set", "timeout");
    add("set weight <bk>/<srv>  (DEPRECATED)     : change a server's weight (use 'set server' instead)",
        this::setWeight, "set", "weight");
    add("show backend                            : list backends in the current running config", this::showBackend,
        "show", "backend");
    add("show cli level                          : display the level of the current CLI session",
        (c, o) -> o.append(c.session().level.haproxyName()).append('\n'), "show", "cli", "level");
    add("show info [desc|json|typed|float]*      : report information about the running process", this::showInfo,
        "show", "info");
    add("show servers state [<backend>]          : dump volatile server information (all or for a single backend)",
        this::showServersState, "show", "servers", "state");
    add("show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server", this::showStat,
        "show", "stat");
    add("show version                            : show version of the current process",
        (c, o) -> o.append(AdminServer.VERSION).append('\n'), "show", "version");
    add("user                                    : lower the level of the current CLI session to user",
        (c, o) -> lower(c, o, AccessLevel.USER), "user");
  }

  private void add(@Nullable String usage, BiConsumer<Call, StringBuilder> handler, String... words) {
    commands.add(new Command(words, usage, handler));
  }

  private static String key(Backend b, String server) {
    return b.iid() + "/" + server;
  }

  /** Remembers the initial weight of a server that joined (the admin server's monitor calls it). */
  void rememberInitialWeight(Backend b, String server, int weight) {
    initialWeights.putIfAbsent(key(b, server), weight);
  }

  // ------------------------------------------------------------------------------------------------ parsing

  /**
   * Splits one command line into words as HAProxy's {@code cli_parse_request}: spaces and tabs separate words, a
   * backslash escapes the next character (so {@code \ } and {@code \;} stay in a word, {@code \\} is one backslash).
   */
  static String[] words(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (out.size() < MAX_ARGS && i < n) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      StringBuilder w = new StringBuilder();
      while (i < n) {
        char c = line.charAt(i);
        if (c == ' ' || c == '\t') {
          break;
        }
        if (c == '\\') {
          if (i + 1 < n) {
            w.append(line.charAt(i + 1));
            i += 2;
            continue;
          }
          i++;
          continue;
        }
        w.append(c);
        i++;
      }
      out.add(w.toString());
    }
    return out.toArray(new String[0]);
  }

  /**
   * Runs one command (one line, already split at unescaped {@code ;} and newlines, without them) and appends its
   * output, without the prompt. Never throws: a bug in a command is reported as HAProxy's internal error text.
   */
  void execute(Session session, String line, StringBuilder out) {
    String[] args = words(line);
    Command cmd = find(args);
    if (cmd == null) {
      usage(session, args, false, out);
      return;
    }
    int mark = out.length();
    try {
      cmd.handler().accept(new Call(session, args), out);
    } catch (RuntimeException e) {
      out.setLength(mark);
      out.append("Internal error.\n");
      System.getLogger(Cli.class.getName()).log(System.Logger.Level.WARNING, "runtime API command failed: " + line, e);
    }
  }

  private @Nullable Command find(String[] args) {
    for (Command c : commands) {
      boolean match = true;
      for (int i = 0; i < c.words().length; i++) {
        if (i >= args.length || !c.words()[i].equals(args[i])) {
          match = false;
          break;
        }
      }
      if (match) {
        return c;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------------ help

  private void help(Call c, StringBuilder o) {
    String[] rest = new String[Math.max(0, c.args().length - 1)];
    System.arraycopy(c.args(), 1, rest, 0, rest.length);
    usage(c.session(), rest, true, o);
  }

  /** HAProxy's {@code cli_gen_usage_msg}: the help, or the "Unknown command" text with the closest commands. */
  private void usage(Session s, String[] args, boolean isHelp, StringBuilder out) {
    int length = 0;
    for (Command c : commands) {
      for (int i = 0; i < 5 && i < c.words().length && i < args.length && !args[i].isEmpty(); i++) {
        if (!c.words()[i].equals(args[i])) {
          break;
        }
        length = Math.max(length, i + 1);
      }
    }
    if (isHelp) {
      out.append("The following commands are valid at this level:\n");
    } else if (length == 0 && (args.length == 0 || args[0].isEmpty())) {
      out.append("Unknown command. Please enter one of the following commands only:\n");
    } else {
      out.append("Unknown command, but maybe one of the following ones is a better match:\n");
    }
    List<Command> entries = new ArrayList<>();
    Command[] best = new Command[5];
    int[] bestDist = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    if (length < args.length && !args[length].isEmpty()) {
      for (Command c : commands) {
        if (c.usage() == null || matchingPrefix(c, args, length) != length) {
          continue;
        }
        byte[] word = new byte[1024];
        int total = 0;
        for (int i = length; i < 5 && i < args.length && !args[i].isEmpty(); i++) {
          fingerprint(word, args[i]);
          total += args[i].length();
        }
        byte[] list = new byte[1024];
        for (int i = length; i < 5 && i < c.words().length; i++) {
          fingerprint(list, c.words()[i]);
          total += c.words()[i].length();
        }
        int dist = 0;
        for (int i = 0; i < 1024; i++) {
          dist += Math.abs((word[i] & 0xff) - (list[i] & 0xff));
        }
        if (dist < 5 * total / 2 && dist < bestDist[4]) {
          best[4] = c;
          bestDist[4] = dist;
          for (int i = 3; i >= 0 && bestDist[i + 1] < bestDist[i]; i--) {
            Command tc = best[i];
            best[i] = best[i + 1];
            best[i + 1] = tc;
            int td = bestDist[i];
            bestDist[i] = bestDist[i + 1];
            bestDist[i + 1] = td;
          }
        }
      }
    }
    if (best[0] != null) {
      for (int i = 0; i < 5 && best[i] != null; i++) {
        if (bestDist[i] > 5 * bestDist[0] / 2) {
          break;
        }
        entries.add(best[i]);
      }
    } else {
      for (Command c : commands) {
        if (c.usage() != null && matchingPrefix(c, args, length) == length) {
          entries.add(c);
        }
      }
    }
    entries.sort(Comparator.comparing(c -> c.usage(), Comparator.nullsFirst(Comparator.naturalOrder())));
    for (Command c : entries) {
      out.append("  ").append(c.usage()).append('\n');
    }
    out.append("  help [<command>]                        : list matching or all commands\n"
        + "  prompt                                  : toggle interactive mode with prompt\n"
        + "  quit                                    : disconnect\n");
  }

  /** How many of the first {@code length} words of {@code args} the command starts with (HAProxy's loop). */
  private static int matchingPrefix(Command c, String[] args, int length) {
    int idx = 0;
    for (; idx < length; idx++) {
      if (idx >= c.words().length || idx >= args.length || args[idx].isEmpty()
          || !c.words()[idx].equals(args[idx])) {
        break;
      }
    }
    return idx;
  }

  /** HAProxy's {@code update_word_fingerprint} (src/tools.c). */
  private static void fingerprint(byte[] fp, String word) {
    int from = 28;
    for (int i = 0; i < word.length(); i++) {
      char c = Character.toLowerCase(word.charAt(i));
      int to = c >= 'a' && c <= 'z' ? c - 'a' + 1 : c >= '0' && c <= '9' ? 27 : 28;
      fp[to] = 1;
      fp[32 * from + to]++;
      from = to;
    }
    fp[32 * from + 28]++;
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static boolean hasLevel(Call c, StringBuilder o, AccessLevel level) {
    if (c.session().level.ordinal() < level.ordinal()) {
      o.append(PERMISSION_DENIED);
      return false;
    }
    return true;
  }

  private @Nullable Backend backend(String name) {
    for (Backend b : backends) {
      if (b.pool().name().equals(name)) {
        return b;
      }
    }
    return null;
  }

  /** A server named {@code <backend>/<server>}, or null after appending HAProxy's error ({@code cli_find_server}). */
  private @Nullable Target target(String arg, StringBuilder o) {
    int slash = arg.indexOf('/');
    String be = slash < 0 ? arg : arg.substring(0, slash);
    String sv = slash < 0 ? "" : arg.substring(slash + 1);
    if (sv.isEmpty() || be.isEmpty()) {
      o.append("Require 'backend/server'.\n");
      return null;
    }
    Backend b = backend(be);
    Optional<Server> s = b == null ? Optional.empty() : b.pool().server(sv);
    if (s.isEmpty()) {
      o.append(b != null ? "No such server.\n" : "No such backend.\n");
      return null;
    }
    return new Target(b, s.get());
  }

  /**
   * The backend and the server name of {@code <backend>/<server>} for {@code add server} and {@code del server},
   * where the server need not exist; null after appending HAProxy's error (no trailing newline, as there).
   */
  private @Nullable BackendAndName backendAndName(String arg, StringBuilder o) {
    int slash = arg.indexOf('/', 1);
    String be = slash < 0 ? arg : arg.substring(0, slash);
    String sv = slash < 0 ? "" : arg.substring(slash + 1);
    if (sv.isEmpty()) {
      o.append("Require 'backend/server'.");
      return null;
    }
    Backend b = backend(be);
    if (b == null) {
      o.append("No such backend.");
      return null;
    }
    return new BackendAndName(b, sv);
  }

  private record BackendAndName(Backend backend, String server) {}

  private record Target(Backend backend, Server server) {
    BackendPool pool() {
      return backend.pool();
    }
  }

  // ------------------------------------------------------------------------------------------------ commands

  private void lower(Call c, StringBuilder o, AccessLevel to) {
    if (!hasLevel(c, o, to)) {
      return;
    }
    c.session().level = to;
  }

  private void setTimeout(Call c, StringBuilder o) {
    if (!c.arg(2).equals("cli")) {
      o.append("'set timeout' only supports 'cli'.\n");
      return;
    }
    if (c.arg(3).isEmpty()) {
      o.append("Expects an integer value.\n");
      return;
    }
    int seconds;
    try {
      seconds = HaproxySyntax.time("timeout cli", c.arg(3), TimeUnit.SECONDS); // HAProxy: parse_time_err, unit s
    } catch (IllegalArgumentException e) {
      seconds = 0;
    }
    if (seconds < 1) {
      o.append("Invalid timeout value.\n");
      return;
    }
    c.session().timeoutMillis = seconds * 1000L;
  }

  private void showBackend(Call c, StringBuilder o) {
    o.append("# name\n");
    for (Backend b : backends) {
      o.append(b.pool().name()).append('\n');
    }
  }

  private void showStat(Call c, StringBuilder o) {
    int arg = 2;
    if (c.arg(arg).equals("domain")) {
      arg++;
      if (c.arg(arg).equals("proxy")) {
        arg++;
      } else if (c.arg(arg).equals("resolvers")) {
        o.append("# \n"); // no resolvers section: the empty resolvers domain
        return;
      } else {
        o.append("Invalid statistics domain.\n");
        return;
      }
    }
    int iid = -1;
    int type = -1;
    int sid = -1;
    if (!c.arg(arg).isEmpty() && !c.arg(arg + 1).isEmpty() && !c.arg(arg + 2).isEmpty()) {
      Backend b = backend(c.arg(arg));
      iid = b != null ? b.iid() : atoi(c.arg(arg));
      if (iid == 0) {
        o.append("No such proxy.\n");
        return;
      }
      type = atoi(c.arg(arg + 1));
      sid = atoi(c.arg(arg + 2));
      arg += 3;
    }
    boolean typed = false;
    boolean json = false;
    boolean desc = false;
    boolean hideMaint = false;
    boolean hideDown = false;
    for (; !c.arg(arg).isEmpty(); arg++) {
      switch (c.arg(arg)) {
        case "typed" -> {
          typed = true;
          json = false;
        }
        case "json" -> {
          json = true;
          typed = false;
        }
        case "desc" -> desc = true;
        case "no-maint" -> hideMaint = true;
        case "up" -> hideDown = true;
        default -> { }
      }
    }
    if (json) {
      o.append("JSON output is not supported by this runtime API; use 'show stat' or 'show stat typed'.\n");
      return;
    }
    if (!typed) {
      o.append(StatFields.CSV_HEADER);
    }
    AccessLevel level = c.session().level;
    for (Backend b : backends) {
      if (iid != -1 && b.iid() != iid) {
        continue;
      }
      Stats.PoolView pv = Stats.PoolView.of(b);
      if ((type & (1 << 2)) != 0) {
        for (Stats.ServerView sv : pv.servers()) {
          if (sid != -1 && sv.sid() != sid) {
            continue;
          }
          AdminState admin = sv.status().admin();
          if (hideMaint && admin == AdminState.MAINT) {
            continue;
          }
          if (hideDown && (admin == AdminState.MAINT || sv.status().operational() == OperationalState.DOWN)) {
            continue;
          }
          StatFields.Row r = Stats.serverRow(pv, sv, level);
          if (typed) {
            r.typed(b.iid(), sv.sid(), desc, o);
            o.append('\n');
          } else {
            r.csv(o);
          }
        }
      }
      if ((type & (1 << 1)) != 0) {
        StatFields.Row r = Stats.backendRow(pv, level, hideMaint || hideDown);
        if (typed) {
          r.typed(b.iid(), 0, desc, o);
          o.append('\n');
        } else {
          r.csv(o);
        }
      }
    }
  }

  /** C's {@code atoi}: leading spaces, sign, digits; 0 when there are none; saturates instead of overflowing. */
  static int atoi(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = false;
    if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    long v = 0;
    for (; i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
      v = Math.min(v * 10 + (s.charAt(i) - '0'), (long) Integer.MAX_VALUE + 1);
    }
    v = neg ? -v : v;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private void showInfo(Call c, StringBuilder o) {
    boolean typed = false;
    boolean desc = false;
    boolean json = false;
    for (int i = 2; !c.arg(i).isEmpty(); i++) {
      switch (c.arg(i)) {
        case "typed" -> {
          typed = true;
          json = false;
        }
        case "json" -> {
          json = true;
          typed = false;
        }
        case "desc" -> desc = true;
        default -> { }
      }
    }
    if (json) {
      o.append("JSON output is not supported by this runtime API; use 'show info' or 'show info typed'.\n");
      return;
    }
    List<String[]> fields = new ArrayList<>();
    info.fields(fields);
    for (String[] f : fields) {
      if (typed) {
        o.append(f[3]).append('.').append(f[0]).append(".1:").append(f[2]).append(':').append(f[1]);
      } else {
        o.append(f[0]).append(": ").append(f[1]);
      }
      if (desc) {
        o.append(":\"").append(f[4]).append('"');
      }
      o.append('\n');
    }
  }

  private void showServersState(Call c, StringBuilder o) {
    Backend only = null;
    if (!c.arg(3).isEmpty()) {
      only = backend(c.arg(3));
      if (only == null) {
        o.append("Can't find backend.\n");
        return;
      }
    }
    o.append("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
        + "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
        + "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port "
        + "srv_check_addr srv_agent_addr srv_agent_port\n");
    for (Backend b : backends) {
      if (only != null && b != only) {
        continue;
      }
      Stats.PoolView pv = Stats.PoolView.of(b);
      Map<String, Integer> iweights = new java.util.HashMap<>();
      for (Stats.ServerView sv : pv.servers()) {
        Integer w = initialWeights.get(key(b, sv.stats().id()));
        if (w != null) {
          iweights.put(sv.stats().id(), w);
        }
      }
      for (Stats.ServerView sv : pv.servers()) {
        Stats.serversStateLine(pv, sv, iweights, o);
      }
    }
  }

  private void adminState(Call c, StringBuilder o, AdminState state) {
    if (!hasLevel(c, o, AccessLevel.ADMIN)) {
      return;
    }
    Target t = target(c.arg(2), o);
    if (t != null) {
      t.pool().setAdminState(t.server().id(), state);
    }
  }

  private void getWeight(Call c, StringBuilder o) {
    String arg = c.arg(2);
    int slash = arg.indexOf('/');
    if (slash < 0 || slash == arg.length() - 1) {
      o.append("Require 'backend/server'.\n");
      return;
    }
    Target t = target(arg, o);
    if (t != null) {
      int w = t.server().weight();
      o.append(w).append(" (initial ").append(initialWeights.getOrDefault(key(t.backend(), t.server().id()), w))
          .append(")\n");
    }
  }

  private void setWeight(Call c, StringBuilder o) {
    if (!hasLevel(c, o, AccessLevel.ADMIN)) {
      return;
    }
    Target t = target(c.arg(2), o);
    if (t != null) {
      weight(t, c.arg(3), o);
    }
  }

  /** HAProxy's {@code server_parse_weight_change_request}, texts included (some have no newline, as there). */
  private void weight(Target t, String w, StringBuilder o) {
    if (w.isEmpty()) {
      o.append("Require <weight> or <weight%>.\n");
      return;
    }
    int i = 0;
    boolean neg = false;
    while (i < w.length() && Character.isWhitespace(w.charAt(i))) {
      i++;
    }
    if (i < w.length() && (w.charAt(i) == '-' || w.charAt(i) == '+')) {
      neg = w.charAt(i) == '-';
      i++;
    }
    int digits = i;
    long v = 0;
    while (i < w.length() && Character.isDigit(w.charAt(i))) {
      v = Math.min(v * 10 + (w.charAt(i) - '0'), Integer.MAX_VALUE);
      i++;
    }
    if (i == digits) {
      o.append("Empty weight string empty or preceded by garbage");
      return;
    }
    v = neg ? -v : v;
    String end = w.substring(i);
    int iweight = initialWeights.getOrDefault(key(t.backend(), t.server().id()), t.server().weight());
    if (end.equals("%")) {
      if (v < 0) {
        o.append("Relative weight must be positive.\n");
        return;
      }
      v = Math.min(v, 25600);
      v = iweight * v / 100;
      v = Math.min(v, 256);
    } else if (v < 0 || v > 256) {
      o.append("Absolute weight can only be between 0 and 256 inclusive.\n");
      return;
    } else if (!end.isEmpty()) {
      o.append("Trailing garbage in weight string");
      return;
    }
    try {
      t.pool().setWeight(t.server().id(), (int) v);
    } catch (IllegalArgumentException e) {
      o.append(e.getMessage()).append('\n'); // a hashed pool's weight scale
    }
  }

  private void setServer(Call c, StringBuilder o) {
    if (!hasLevel(c, o, AccessLevel.ADMIN)) {
      return;
    }
    Target t = target(c.arg(2), o);
    if (t == null) {
      return;
    }
    String id = t.server().id();
    switch (c.arg(3)) {
      case "weight" -> weight(t, c.arg(4), o);
      case "state" -> {
        switch (c.arg(4)) {
          case "ready" -> t.pool().setAdminState(id, AdminState.READY);
          case "drain" -> t.pool().setAdminState(id, AdminState.DRAIN);
          case "maint" -> t.pool().setAdminState(id, AdminState.MAINT);
          default -> o.append("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
        }
      }
      case "health" -> {
        switch (c.arg(4)) {
          case "up" -> t.pool().setHealth(id, OperationalState.UP);
          case "stopping" -> t.pool().setHealth(id, OperationalState.STOPPING);
          case "down" -> t.pool().setHealth(id, OperationalState.DOWN);
          default -> o.append("'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
        }
      }
      case "agent", "agent-send" -> o.append("agent checks are not enabled on this server.\n");
      case "addr" -> setAddr(t, c, o);
      case "fqdn" -> {
        if (c.arg(4).isEmpty()) {
          o.append("set server <b>/<s> fqdn requires a FQDN.\n");
        } else {
          o.append("set server <b>/<s> fqdn failed because no resolution is configured.\n");
        }
      }
      case "ssl" -> o.append("'set server <srv> ssl' cannot be set.  default-server should define ssl settings\n");
      case "agent-addr", "agent-port", "check-addr", "check-port" ->
          o.append("'set server <b>/<s> ").append(c.arg(3)).append("' is not supported by this runtime API.\n");
      default -> o.append("usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | "
          + "agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n");
    }
  }

  /** HAProxy's {@code srv_update_addr_port} messages ({@code by 'stats socket command'}). */
  private void setAddr(Target t, Call c, StringBuilder o) {
    String addr = c.arg(4);
    if (addr.isEmpty()) {
      o.append("set server <b>/<s> addr requires an address and optionally a port.\n");
      return;
    }
    String port = c.arg(5).equals("port") ? c.arg(6) : null;
    InetSocketAddress current = t.server().address();
    StringBuilder msg = new StringBuilder();
    InetAddress ip = ServerLine.literal(addr);
    if (ip == null) {
      o.append("Invalid addr '").append(addr).append("' by 'stats socket command'\n");
      return;
    }
    String currentIp = Stats.ip(current);
    InetAddress newIp = ip;
    if (currentIp.equals(ip.getHostAddress())) {
      msg.append("no need to change the addr");
    } else {
      msg.append("IP changed from '").append(currentIp).append("' to '").append(addr).append('\'');
    }
    int newPort = current.getPort();
    if (port != null) {
      msg.append(", ");
      int p = parsePort(port);
      if (p < 0) {
        msg.append("problem converting port '").append(port).append("' to an int");
      } else if (p != current.getPort()) {
        msg.append("port changed from '").append(current.getPort()).append("' to '").append(p).append('\'');
        newPort = p;
      } else {
        msg.append("no need to change the port");
      }
    }
    t.pool().setAddress(t.server().id(), new InetSocketAddress(newIp, newPort));
    o.append(msg).append(" by 'stats socket command'\n");
  }

  private static int parsePort(String s) {
    try {
      int p = Integer.parseInt(s);
      return p >= 0 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void addServer(Call c, StringBuilder o) {
    if (!hasLevel(c, o, AccessLevel.ADMIN)) {
      return;
    }
    BackendAndName n = backendAndName(c.arg(2), o);
    if (n == null) {
      return;
    }
    Backend b = n.backend();
    String sv = n.server();
    List<String> words = new ArrayList<>();
    for (int i = 3; i < c.args().length; i++) {
      words.add(c.arg(i));
    }
    ServerLine.Result parsed = ServerLine.parse(sv, words, b.pool());
    if (parsed.error() != null) {
      o.append(parsed.error()).append('\n');
      return;
    }
    ServerSpec spec = parsed.spec();
    if (b.pool().server(sv).isPresent()) {
      o.append("Already exists a server with the same name in backend.\n");
      return;
    }
    if (spec.persistentId() > 0) {
      for (Server s : b.pool().servers()) {
        if (s.persistentId() == spec.persistentId()) {
          o.append("'id' : custom id ").append(spec.persistentId()).append(" already used by server '")
              .append(s.id()).append("'.\n");
          return;
        }
      }
    }
    try {
      b.pool().add(spec);
    } catch (IllegalArgumentException | IllegalStateException e) {
      o.append(e.getMessage()).append('\n');
      return;
    }
    rememberInitialWeight(b, sv, spec.weight());
    o.append("New server registered.\n");
  }

  private void delServer(Call c, StringBuilder o) {
    if (!hasLevel(c, o, AccessLevel.ADMIN)) {
      return;
    }
    BackendAndName n = backendAndName(c.arg(2), o);
    if (n == null) {
      return;
    }
    Backend b = n.backend();
    String sv = n.server();
    Optional<Server> s = b.pool().server(sv);
    if (s.isEmpty()) {
      o.append("No such server.");
      return;
    }
    if (s.get().health().state().admin() != AdminState.MAINT) {
      o.append("Only servers in maintenance mode can be deleted.");
      return;
    }
    if (b.pool().sessionCount(s.get()) > 0) {
      o.append("Server still has connections attached to it, cannot remove it.");
      return;
    }
    b.pool().remove(sv);
    initialWeights.remove(key(b, sv));
    o.append("Server deleted.");
  }

  /** Lower-case ASCII for keyword comparisons. */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
