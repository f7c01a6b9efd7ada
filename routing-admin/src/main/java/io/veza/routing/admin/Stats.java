package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.PoolStats;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.Server;
import io.veza.routing.ServerStats;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.CheckCounters;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.CheckStatus;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.ServerStatus;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code show stat} and {@code show servers state} rows from a pool's {@link PoolStats}, following HAProxy 2.6's
 * {@code stats_fill_sv_stats} / {@code stats_fill_be_stats} (src/stats.c) and {@code dump_servers_state}
 * (src/proxy.c) field by field. A field HAProxy fills but a routing library cannot know (bytes, rates, queue and
 * connection times, aborts, connection reuse) is left empty rather than invented; fields that are known to be zero
 * here (no queue: {@code qcur}, {@code qmax}) are 0.
 */
final class Stats {
  private Stats() {}

  /** One server with everything its rows need, read once. */
  record ServerView(Server server, ServerStats stats, boolean checkEnabled, int sid) {
    ServerStatus status() {
      return stats.status();
    }
  }

  /** A pool's snapshot: the stats and, per server, whether its checks are enabled. */
  record PoolView(Backend backend, PoolStats stats, List<ServerView> servers) {
    static PoolView of(Backend b) {
      BackendPool pool = b.pool();
      PoolStats st = pool.stats();
      Map<String, Server> byId = new HashMap<>();
      for (Server s : pool.servers()) {
        byId.put(s.id(), s);
      }
      List<ServerView> views = new ArrayList<>();
      boolean checks = pool.checksRunning();
      for (ServerStats ss : st.servers()) {
        Server s = byId.get(ss.id());
        if (s != null) {
          views.add(new ServerView(s, ss, checks && s.checked(), ss.slot() + 1));
        }
      }
      return new PoolView(b, st, views);
    }
  }

  /** HAProxy {@code check_status >= HCHK_STATUS_L57DATA}: the statuses that carry a code. */
  static boolean hasCode(CheckStatus s) {
    return switch (s) {
      case L7_OK, L7_WRONG_STATUS, PROBE_OK, PROBE_ERROR, PROBE_TIMEOUT -> true;
      default -> false;
    };
  }

  /** HAProxy's {@code enum healthcheck_status} number of a status ({@code show servers state}). */
  static int hchkNumber(CheckStatus s) {
    return switch (s) {
      case INITIALIZING -> 1;
      case HEALTH_ANALYZE -> 4;
      case SOCKET_ERROR -> 5;
      case L4_OK -> 6;
      case L4_TIMEOUT -> 7;
      case L4_CONNECTION_PROBLEM -> 8;
      case L7_TIMEOUT -> 12;
      case L7_INVALID_RESPONSE -> 13;
      case L7_OK -> 15;
      case L7_WRONG_STATUS -> 17;
      case PROBE_ERROR -> 18;
      case PROBE_TIMEOUT -> 19;
      case PROBE_OK -> 20;
    };
  }

  /**
   * The server's {@code status} column as HAProxy prints it ({@code stats_fill_sv_stats_computestate} and the
   * {@code srv_hlt_st} formats): {@code MAINT}, {@code UP}, {@code UP 2/3} (going down), {@code DRAIN},
   * {@code DRAIN 1/3}, {@code NOLB}, {@code NOLB 2/3}, {@code DOWN}, {@code DOWN 1/2} (going up), {@code no check}.
   */
  static String status(ServerStatus st, boolean checkEnabled) {
    if (st.admin() == AdminState.MAINT) {
      return "MAINT";
    }
    int h = st.health();
    int rise = st.rise();
    int fall = st.fall();
    int max = rise + fall - 1;
    String fmt;
    if (st.operational() == OperationalState.UP) {
      boolean goingDown = checkEnabled && h < max;
      if (st.admin() == AdminState.DRAIN) {
        fmt = goingDown ? "DRAIN %d/%d" : "DRAIN";
      } else if (goingDown) {
        fmt = "UP %d/%d";
      } else {
        fmt = checkEnabled ? "UP" : "no check";
      }
    } else if (st.operational() == OperationalState.STOPPING) {
      fmt = !checkEnabled || h == max ? "NOLB" : "NOLB %d/%d";
    } else {
      fmt = checkEnabled && h > 0 ? "DOWN %d/%d" : "DOWN";
    }
    if (!fmt.contains("%")) {
      return fmt;
    }
    boolean stopped = st.operational() == OperationalState.DOWN;
    return String.format(fmt, stopped ? h : h - rise + 1, stopped ? rise : fall);
  }

  /** The {@code weight} column: the effective weight (slow start applied), the configured one while not up. */
  static long weight(ServerStatus st) {
    return st.operational() == OperationalState.DOWN ? st.weight() : (long) Math.ceil(st.effectiveWeight());
  }

  /** {@code addr}: {@code ip:port}, {@code [ipv6]:port}, or the host string of an unresolved address. */
  static String addr(@Nullable InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    InetAddress ip = a.getAddress();
    if (ip instanceof Inet6Address) {
      return "[" + ip.getHostAddress() + "]:" + a.getPort();
    }
    return (ip != null ? ip.getHostAddress() : a.getHostString()) + ":" + a.getPort();
  }

  /** The address alone, as {@code show servers state} prints it ({@code dump_server_addr}). */
  static String ip(@Nullable InetSocketAddress a) {
    if (a == null) {
      return "-";
    }
    InetAddress ip = a.getAddress();
    return ip != null ? ip.getHostAddress() : a.getHostString();
  }

  /** HAProxy's {@code backend_lb_algo_str} for a pool's balance mode. */
  static String algo(BackendPool pool) {
    String b = pool.balance().toString();
    if (b.equals("roundrobin")) {
      return "roundrobin";
    }
    if (b.startsWith("uri")) {
      return "uri";
    }
    if (b.startsWith("hdr(")) {
      return "hdr";
    }
    if (b.startsWith("url_param")) {
      return "url_param";
    }
    return "hash";
  }

  /** A server's row. */
  static StatFields.Row serverRow(PoolView pv, ServerView sv, AccessLevel level) {
    ServerStats s = sv.stats();
    ServerStatus st = s.status();
    CheckCounters ck = s.checks();
    boolean checks = sv.checkEnabled();
    boolean paused = st.admin() == AdminState.MAINT;
    BackendPool pool = pv.backend().pool();
    StatFields.Row r = new StatFields.Row(true);
    r.set("pxname", pool.name()).set("svname", s.id()).set("qcur", 0).set("qmax", 0)
        .set("scur", s.sessionsCurrent()).set("smax", s.sessionsMax()).set("stot", s.sessionsTotal())
        .set("econ", s.connectErrors()).set("eresp", s.responseErrors()).set("wretr", s.retries())
        .set("wredis", s.redispatches()).set("status", status(st, checks)).set("weight", weight(st))
        .set("act", s.backup() ? 0 : 1).set("bck", s.backup() ? 1 : 0)
        .set("lastchg", ck.sinceLastChangeNanos() / 1_000_000_000L)
        .set("pid", 1).set("iid", pv.backend().iid()).set("sid", sv.sid()).set("lbtot", s.loadBalanced())
        .set("type", 2).set("mode", "http").set("uweight", st.weight());
    if (checks) {
      r.set("chkfail", ck.checksFailed()).set("chkdown", ck.downTransitions())
          .set("downtime", ck.downtimeNanos() / 1_000_000_000L);
    }
    if (st.slowStarting() && st.admin() != AdminState.DRAIN && st.weight() > 0) {
      r.set("throttle", (long) Math.ceil(100.0 * st.effectiveWeight() / st.weight()));
    }
    if (checks && !paused) {
      CheckResult last = ck.lastCheck();
      r.set("check_status", last.status().code());
      if (hasCode(last.status())) {
        r.set("check_code", last.code());
      }
      if (last.status() != CheckStatus.INITIALIZING && last.durationNanos() >= 0) {
        r.set("check_duration", last.durationNanos() / 1_000_000L);
      }
      r.set("check_desc", last.status().description()).set("last_chk", last.info())
          .set("check_rise", st.rise()).set("check_fall", st.fall()).set("check_health", st.health());
    }
    long[] rsp = s.responses();
    r.set("hrsp_1xx", rsp[0]).set("hrsp_2xx", rsp[1]).set("hrsp_3xx", rsp[2]).set("hrsp_4xx", rsp[3])
        .set("hrsp_5xx", rsp[4]).set("hrsp_other", rsp[5]);
    if (sv.server().healthPolicy().observe() != ObserveMode.NONE) {
      r.set("hanafail", ck.observedFailures());
    }
    long requests = 0;
    for (long n : s.decisions().values()) {
      requests += n;
    }
    r.set("req_tot", requests);
    if (level != AccessLevel.USER) {
      r.set("addr", addr(s.address()));
      if (s.cookie() != null) {
        r.set("cookie", s.cookie());
      }
    }
    return r;
  }

  /** The BACKEND row; {@code showCounts} adds HAProxy's {@code " (up/total)"} (with {@code up} or {@code no-maint}). */
  static StatFields.Row backendRow(PoolView pv, AccessLevel level, boolean showCounts) {
    BackendPool pool = pv.backend().pool();
    PoolMonitor mon = pv.backend().monitor();
    int act = 0;
    int bck = 0;
    long actWeight = 0;
    long bckWeight = 0;
    long actUweight = 0;
    long bckUweight = 0;
    int up = 0;
    long scur = 0;
    long smax = 0;
    long stot = 0;
    long econ = 0;
    long eresp = 0;
    long wretr = 0;
    long wredis = 0;
    long lbtot = 0;
    long[] rsp = new long[6];
    for (ServerView sv : pv.servers()) {
      ServerStats s = sv.stats();
      ServerStatus st = s.status();
      if (st.operational() != OperationalState.DOWN) {
        up++;
      }
      if (st.isBalanceable()) {
        if (s.backup()) {
          bck++;
          bckWeight += weight(st);
          bckUweight += st.weight();
        } else {
          act++;
          actWeight += weight(st);
          actUweight += st.weight();
        }
      }
      scur += s.sessionsCurrent();
      smax = Math.max(smax, s.sessionsMax());
      stot += s.sessionsTotal();
      econ += s.connectErrors();
      eresp += s.responseErrors();
      wretr += s.retries();
      wredis += s.redispatches();
      lbtot += s.loadBalanced();
      long[] r = s.responses();
      for (int k = 0; k < 6; k++) {
        rsp[k] += r[k];
      }
    }
    long requests = 0;
    for (Map.Entry<Reason, Long> e : pv.stats().decisions().entrySet()) {
      requests += e.getValue();
    }
    boolean backendUp = pv.servers().isEmpty() || act + bck > 0;
    StatFields.Row r = new StatFields.Row(false);
    r.set("pxname", pool.name()).set("svname", "BACKEND").set("qcur", 0).set("qmax", 0)
        .set("scur", scur).set("smax", Math.max(smax, scur)).set("stot", stot)
        .set("econ", econ).set("eresp", eresp).set("wretr", wretr).set("wredis", wredis)
        .set("status", (backendUp ? "UP" : "DOWN") + (showCounts ? " (" + up + "/" + pv.servers().size() + ")" : ""))
        .set("weight", act > 0 ? actWeight : bckWeight).set("act", act).set("bck", bck)
        .set("chkdown", mon.backendDownTransitions()).set("lastchg", mon.backendSinceLastChangeSeconds())
        .set("pid", 1).set("iid", pv.backend().iid()).set("sid", 0).set("lbtot", lbtot).set("type", 1)
        .set("hrsp_1xx", rsp[0]).set("hrsp_2xx", rsp[1]).set("hrsp_3xx", rsp[2]).set("hrsp_4xx", rsp[3])
        .set("hrsp_5xx", rsp[4]).set("hrsp_other", rsp[5]).set("req_tot", requests).set("mode", "http")
        .set("uweight", act > 0 ? actUweight : bckUweight)
        .set("agg_server_status", 0).set("agg_server_check_status", 0).set("agg_check_status", 0);
    if (!pv.servers().isEmpty()) {
      r.set("downtime", mon.backendDowntimeSeconds());
    }
    if (level != AccessLevel.USER) {
      pool.cookie().ifPresent(c -> r.set("cookie", c.name()));
      r.set("algo", algo(pool));
    }
    return r;
  }

  /**
   * One {@code show servers state} line (version 1 format, src/proxy.c {@code dump_servers_state}).
   */
  static void serversStateLine(PoolView pv, ServerView sv, Map<String, Integer> initialWeights, StringBuilder out) {
    ServerStats s = sv.stats();
    ServerStatus st = s.status();
    CheckCounters ck = s.checks();
    boolean checks = sv.checkEnabled();
    int opState = switch (st.operational()) {
      case DOWN -> 0;
      case UP -> st.slowStarting() ? 1 : 2;
      case STOPPING -> 3;
    };
    int admin = (st.admin() == AdminState.MAINT ? 0x01 : 0) | (st.admin() == AdminState.DRAIN ? 0x08 : 0);
    CheckResult last = ck.lastCheck();
    int result = !checks || last.status() == CheckStatus.INITIALIZING ? 0 : last.passed() ? 3 : 2;
    int checkState = sv.server().checked() ? 0x02 | (checks ? 0x04 : 0) | (checks && st.admin() == AdminState.MAINT
        ? 0x08 : 0) : 0;
    InetSocketAddress a = s.address();
    out.append(pv.backend().iid()).append(' ').append(pv.backend().pool().name()).append(' ')
        .append(sv.sid()).append(' ').append(s.id()).append(' ').append(ip(a)).append(' ')
        .append(opState).append(' ').append(admin).append(' ').append(st.weight()).append(' ')
        .append(initialWeights.getOrDefault(s.id(), st.weight())).append(' ')
        .append(ck.sinceLastChangeNanos() / 1_000_000_000L).append(' ')
        .append(checks ? hchkNumber(last.status()) : 1).append(' ').append(result).append(' ')
        .append(checks ? st.health() : st.rise()).append(' ').append(checkState).append(' ').append(0).append(' ')
        .append(0).append(' ').append(s.persistentId() > 0 ? 1 : 0).append(' ')
        .append(a != null && a.getAddress() == null ? a.getHostString() : "-").append(' ')
        .append(a == null ? 0 : a.getPort()).append(' ').append("- 0 0 - - 0\n");
  }
}
