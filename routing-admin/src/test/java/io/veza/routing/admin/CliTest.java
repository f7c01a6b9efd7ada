package io.veza.routing.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import io.veza.routing.RouteDecision;
import io.veza.routing.Server;
import io.veza.routing.ServerSpec;
import io.veza.routing.haproxy.HaproxyServerLine;
import io.veza.routing.health.AdminState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runtime API's commands, in process ({@link AdminServer#execute}): outputs and error texts as HAProxy's. */
class CliTest {
  private final TestPools.ManualTicker ticker = new TestPools.ManualTicker();
  private BackendPool api;
  private BackendPool stream;
  private AdminServer admin;

  @BeforeEach
  void setUp() {
    api = TestPools.api(ticker);
    stream = TestPools.stream(ticker);
    for (String s : List.of("backend-api-1", "backend-api-2")) {
      TestPools.pass(api, s, 1); // a server starts at h = rise ("UP 1/3"); one passed check: full health
    }
    admin = AdminServer.builder().pool(api).pool(stream).logHealthTransitions(false).start();
  }

  @AfterEach
  void tearDown() {
    admin.close();
    api.close();
    stream.close();
  }

  private String admin(String cmd) {
    return admin.execute(cmd, AccessLevel.ADMIN);
  }

  /** {@code show stat} parsed: one map per row, by header name. */
  static List<Map<String, String>> csv(String out) {
    String[] lines = out.split("\n");
    assertTrue(lines[0].startsWith("# "), out);
    String[] header = lines[0].substring(2).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] v = lines[i].split(",", -1);
      assertEquals(header.length, v.length, () -> "field count of " + String.join(",", v));
      Map<String, String> row = new LinkedHashMap<>();
      for (int k = 0; k < header.length; k++) {
        row.put(header[k], v[k]);
      }
      rows.add(row);
    }
    return rows;
  }

  static Map<String, String> row(List<Map<String, String>> rows, String px, String sv) {
    return rows.stream().filter(r -> r.get("pxname").equals(px) && r.get("svname").equals(sv)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + px + "/" + sv + " in " + rows));
  }

  @Test
  void showStatHasHaproxy26HeaderAndOneRowPerServerThenTheBackend() {
    String out = admin("show stat");
    assertTrue(out.startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
        + "wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,"
        + "tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,"), out);
    assertTrue(out.contains(",uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,"));
    assertTrue(out.endsWith("\n\n"), "the post-command newline");
    List<Map<String, String>> rows = csv(out);
    List<String> order = rows.stream().map(r -> r.get("pxname") + "/" + r.get("svname")).toList();
    assertEquals(List.of("backend-api/backend-api-1", "backend-api/backend-api-2", "backend-api/backup-1",
        "backend-api/BACKEND", "backend-stream/stream-1", "backend-stream/stream-2", "backend-stream/BACKEND"), order);
    Map<String, String> a1 = row(rows, "backend-api", "backend-api-1");
    assertEquals("UP", a1.get("status"));
    assertEquals("1", a1.get("act"));
    assertEquals("0", a1.get("bck"));
    assertEquals("1", a1.get("iid"));
    assertEquals("1", a1.get("sid"));
    assertEquals("2", a1.get("type"));
    assertEquals("L4OK", a1.get("check_status"));
    assertEquals("127.0.0.1:18081", a1.get("addr"));
    assertEquals("a1", a1.get("cookie"));
    assertEquals("2", a1.get("check_rise"));
    assertEquals("3", a1.get("check_fall"));
    assertEquals("0", a1.get("hanafail"), "observe layer7");
    Map<String, String> backup = row(rows, "backend-api", "backup-1");
    assertEquals("no check", backup.get("status"));
    assertEquals("", backup.get("chkfail"), "no check: no check counters");
    assertEquals("0", backup.get("act"));
    assertEquals("1", backup.get("bck"));
    Map<String, String> be = row(rows, "backend-api", "BACKEND");
    assertEquals("UP", be.get("status"));
    assertEquals("2", be.get("act"));
    assertEquals("1", be.get("bck"));
    assertEquals("1", be.get("type"));
    assertEquals("0", be.get("sid"));
    assertEquals("SERVERID", be.get("cookie"));
    assertEquals("roundrobin", be.get("algo"));
    assertEquals("uri", row(rows, "backend-stream", "BACKEND").get("algo"));
    assertEquals("2", row(rows, "backend-stream", "stream-2").get("sid"), "sid: the persistent id");
    assertEquals("50", row(rows, "backend-stream", "stream-2").get("weight"));
  }

  @Test
  void statusStringsFollowHaproxy() {
    TestPools.fail(api, "backend-api-1", 1);
    assertEquals("UP 2/3", status("backend-api-1"), "one failed check from full health");
    TestPools.fail(api, "backend-api-1", 2);
    assertEquals("DOWN", status("backend-api-1"));
    TestPools.pass(api, "backend-api-1", 1);
    assertEquals("DOWN 1/2", status("backend-api-1"), "going up");
    TestPools.pass(api, "backend-api-1", 1);
    assertEquals("UP", status("backend-api-1"));
    admin("set server backend-api/backend-api-1 state drain");
    assertEquals("DRAIN", status("backend-api-1"));
    TestPools.fail(api, "backend-api-1", 1);
    assertEquals("DRAIN 2/3", status("backend-api-1"));
    admin("set server backend-api/backend-api-1 state maint");
    assertEquals("MAINT", status("backend-api-1"));
    admin("set server backend-api/backend-api-1 state ready");
    admin("set server backend-api/backend-api-1 health stopping");
    assertEquals("NOLB", status("backend-api-1"));
    admin("set server backend-api/backend-api-1 health down");
    assertEquals("DOWN", status("backend-api-1"));
    assertEquals("no check", status("backup-1"));
  }

  private String status(String server) {
    return row(csv(admin("show stat")), "backend-api", server).get("status");
  }

  @Test
  void countersAfterAKillAreHaproxys() {
    TestPools.fail(api, "backend-api-2", 3);
    ticker.advance(Duration.ofSeconds(7));
    Map<String, String> a2 = row(csv(admin("show stat")), "backend-api", "backend-api-2");
    assertEquals("DOWN", a2.get("status"));
    assertEquals("3", a2.get("chkfail"));
    assertEquals("1", a2.get("chkdown"));
    assertEquals("7", a2.get("lastchg"));
    assertEquals("7", a2.get("downtime"));
    assertEquals("L4CON", a2.get("check_status"));
    assertEquals("0", a2.get("check_duration"));
    assertEquals("Connection refused", a2.get("last_chk"));
    assertEquals("Layer4 connection problem", a2.get("check_desc"));
    assertEquals("0", a2.get("check_health"));
    assertEquals("", a2.get("check_code"), "layer-4 statuses carry no code");
  }

  @Test
  void requestCountersReachShowStat() {
    for (int i = 0; i < 10; i++) {
      api.route(null);
    }
    RouteDecision d = api.route(null);
    api.reportResponse(d.server(), 200);
    api.reportResponse(d.server(), 503);
    api.reportTransportError(d.server());
    RouteDecision retry = api.retry(null, d, 1);
    api.retry(null, d, 4); // past retries 3: a connection error
    List<Map<String, String>> rows = csv(admin("show stat"));
    Map<String, String> s = row(rows, "backend-api", d.server().id());
    assertEquals("1", s.get("hrsp_2xx"));
    assertEquals("1", s.get("hrsp_5xx"));
    assertEquals("1", s.get("eresp"));
    assertEquals("1", s.get("econ"));
    assertEquals(retry.server() == d.server() ? "1" : "0", s.get("wretr"));
    assertEquals(retry.server() == d.server() ? "0" : "1", s.get("wredis"));
    Map<String, String> be = row(rows, "backend-api", "BACKEND");
    assertEquals("12", be.get("lbtot"), "11 balanced + 1 redispatched");
    assertEquals("12", be.get("req_tot"));
  }

  @Test
  void filtersSelectProxyTypeAndServer() {
    List<Map<String, String>> servers = csv(admin("show stat backend-api 4 -1"));
    assertEquals(3, servers.size());
    List<Map<String, String>> one = csv(admin("show stat 2 4 2"));
    assertEquals(1, one.size());
    assertEquals("stream-2", one.get(0).get("svname"));
    List<Map<String, String>> backends = csv(admin("show stat -1 2 -1"));
    assertEquals(2, backends.size());
    assertEquals("No such proxy.\n\n", admin("show stat nope 1 1"));
    admin("set server backend-api/backend-api-1 state maint");
    assertEquals(2, csv(admin("show stat backend-api 4 -1 no-maint")).size());
    assertEquals("UP (2/3)", row(csv(admin("show stat backend-api 2 -1 up")), "backend-api", "BACKEND")
        .get("status"));
  }

  @Test
  void typedOutputIsHaproxys() {
    String out = admin("show stat backend-stream 4 1 typed");
    assertTrue(out.startsWith("S.2.1.0.pxname.1:KNS:str:backend-stream\nS.2.1.1.svname.1:KNS:str:stream-1\n"
        + "S.2.1.2.qcur.1:MGP:u32:0\n"), out);
    assertTrue(out.contains("S.2.1.17.status.1:SGP:str:UP 1/3\n"), out);
    assertTrue(out.contains("S.2.1.36.check_status.1:MOP:str:INI\n"), out);
    String desc = admin("show stat backend-stream 2 -1 typed desc");
    assertTrue(desc.startsWith("B.2.0.0.pxname.1:KNS:str:backend-stream:\"Proxy name\"\n"), desc);
  }

  @Test
  void userLevelHidesAddressesAndCannotChangeAnything() {
    String out = admin.execute("show stat", AccessLevel.USER);
    Map<String, String> a1 = row(csv(out), "backend-api", "backend-api-1");
    assertEquals("", a1.get("addr"));
    assertEquals("", a1.get("cookie"));
    assertEquals("Permission denied\n\n",
        admin.execute("set server backend-api/backend-api-1 state maint", AccessLevel.OPERATOR));
    assertEquals("Permission denied\n\n", admin.execute("disable server backend-api/backend-api-1", AccessLevel.USER));
    assertEquals(AdminState.READY, api.server("backend-api-1").orElseThrow().status().admin());
    assertEquals("operator\n\n", admin.execute("show cli level", AccessLevel.OPERATOR));
    assertEquals("\nuser\n\nPermission denied\n\n",
        admin.execute("user;show cli level;operator", AccessLevel.OPERATOR), "a session only lowers its level");
  }

  @Test
  void setServerCommands() {
    assertEquals("\n", admin("set server backend-api/backend-api-1 state maint"));
    assertEquals(AdminState.MAINT, api.server("backend-api-1").orElseThrow().status().admin());
    assertEquals("\n", admin("enable server backend-api/backend-api-1"));
    assertEquals(AdminState.READY, api.server("backend-api-1").orElseThrow().status().admin());
    assertEquals("\n", admin("set server backend-api/backend-api-2 weight 10"));
    assertEquals("10 (initial 1)\n\n", admin("get weight backend-api/backend-api-2"));
    assertEquals("\n", admin("set server backend-api/backend-api-2 weight 50%"));
    assertEquals("0 (initial 1)\n\n", admin("get weight backend-api/backend-api-2"), "50% of 1, rounded down");
    assertEquals("IP changed from '127.0.0.1' to '10.0.0.9', port changed from '18082' to '80' by 'stats socket "
        + "command'\n\n", admin("set server backend-api/backend-api-2 addr 10.0.0.9 port 80"));
    assertEquals("10.0.0.9:80", row(csv(admin("show stat")), "backend-api", "backend-api-2").get("addr"));
    assertEquals("no need to change the addr by 'stats socket command'\n\n",
        admin("set server backend-api/backend-api-2 addr 10.0.0.9"));
    assertEquals("Invalid addr 'bogus' by 'stats socket command'\n\n",
        admin("set server backend-api/backend-api-2 addr bogus"));
  }

  @Test
  void errorTextsAreHaproxys() {
    assertEquals("Require 'backend/server'.\n\n", admin("set server backend-api state ready"));
    assertEquals("No such server.\n\n", admin("set server backend-api/nope state ready"));
    assertEquals("No such backend.\n\n", admin("set server nope/x state ready"));
    assertEquals("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n",
        admin("set server backend-api/backend-api-1 state bogus"));
    assertEquals("'set server <srv> health' expects 'up', 'stopping', or 'down'.\n\n",
        admin("set server backend-api/backend-api-1 health bogus"));
    assertEquals("Absolute weight can only be between 0 and 256 inclusive.\n\n",
        admin("set server backend-api/backend-api-1 weight 300"));
    assertEquals("Empty weight string empty or preceded by garbage\n",
        admin("set server backend-api/backend-api-1 weight abc"));
    assertEquals("Trailing garbage in weight string\n", admin("set server backend-api/backend-api-1 weight 5x"));
    assertEquals("Require <weight> or <weight%>.\n\n", admin("set server backend-api/backend-api-1 weight"));
    assertEquals("Relative weight must be positive.\n\n", admin("set server backend-api/backend-api-1 weight -1%"));
    assertEquals("set server <b>/<s> addr requires an address and optionally a port.\n\n",
        admin("set server backend-api/backend-api-1 addr"));
    assertEquals("usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | "
        + "check-addr | check-port | fqdn | health | ssl | state | weight\n\n",
        admin("set server backend-api/backend-api-1"));
    assertEquals("Can't find backend.\n\n", admin("show servers state nope"));
    assertEquals("Invalid statistics domain.\n\n", admin("show stat domain foo"));
    assertEquals("Expects an integer value.\n\n", admin("set timeout cli"));
    assertEquals("Invalid timeout value.\n\n", admin("set timeout cli 0"));
    assertEquals("'set timeout' only supports 'cli'.\n\n", admin("set timeout foo 5"));
  }

  @Test
  void unknownCommandsGetTheClosestOnes() {
    String out = admin("show foo");
    assertTrue(out.startsWith("Unknown command, but maybe one of the following ones is a better match:\n"), out);
    assertTrue(out.endsWith("  help [<command>]                        : list matching or all commands\n"
        + "  prompt                                  : toggle interactive mode with prompt\n"
        + "  quit                                    : disconnect\n\n"), out);
    assertTrue(admin("").startsWith("Unknown command. Please enter one of the following commands only:\n"));
    String help = admin("help");
    assertTrue(help.startsWith("The following commands are valid at this level:\n"
        + "  add server <bk>/<srv>                   : create a new server\n"
        + "  del server <bk>/<srv>                   : remove a dynamically added server\n"), help);
    assertTrue(help.contains("  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server\n"));
  }

  @Test
  void addServerStartsInMaintenanceAndDelNeedsMaintenance() {
    assertEquals("New server registered.\n\n",
        admin("add server backend-api/api-3 127.0.0.1:18084 check weight 10 cookie a3 rise 3"));
    Map<String, String> a3 = row(csv(admin("show stat")), "backend-api", "api-3");
    assertEquals("MAINT", a3.get("status"), "HAProxy's dynamic servers start disabled");
    assertEquals("10", a3.get("weight"));
    assertEquals("Already exists a server with the same name in backend.\n\n",
        admin("add server backend-api/api-3 127.0.0.1:18084"));
    assertEquals("\n", admin("set server backend-api/api-3 state ready"));
    assertEquals("UP 1/3", row(csv(admin("show stat")), "backend-api", "api-3").get("status"),
        "leaving maintenance: h = rise, UP and checked at once");
    assertEquals(3, api.server("api-3").orElseThrow().healthPolicy().rise());
    assertEquals("Only servers in maintenance mode can be deleted.\n", admin("del server backend-api/api-3"));
    assertEquals("\nServer deleted.\n", admin("disable server backend-api/api-3;del server backend-api/api-3"));
    assertFalse(api.server("api-3").isPresent());
    assertEquals("No such server.\n", admin("del server backend-api/api-3"));
    assertEquals("No such backend.\n", admin("del server nope/x"));
    assertEquals("Require 'backend/server'.\n", admin("add server backend-api"));
    assertEquals("'server' expects <name> and <addr>[:<port>] as arguments.\n\n", admin("add server backend-api/x"));
    assertEquals("unknown keyword 'bogus'.\n\n", admin("add server backend-api/x 127.0.0.1:1 bogus"));
    assertEquals("weight of server x is not within 0 and 256 (300)..\n\n",
        admin("add server backend-api/x 127.0.0.1:1 weight 300"));
    assertEquals("'id' : custom id has to be > 0.\n\n", admin("add server backend-api/x 127.0.0.1:1 id abc"));
    assertEquals("'rise' has to be > 0..\n\n", admin("add server backend-api/x 127.0.0.1:1 rise 0"));
    assertEquals("invalid port '99999'\n\n", admin("add server backend-api/x 1.2.3.4:99999"));
    assertEquals("'observe' expects one of 'none', 'layer4', 'layer7' but got 'foo'.\n\n",
        admin("add server backend-api/x 127.0.0.1:1 observe foo"));
    assertFalse(api.server("x").isPresent());
  }

  @Test
  void addServerReadsItsOptionsAsTheConfigurationImporterReadsAServerLine() {
    String options = "check weight 7 cookie a4 inter 5s fastinter 500ms rise 3 slowstart 1500ms observe layer7"
        + " error-limit 4 on-error mark-down backup";
    assertEquals("New server registered.\n\n", admin("add server backend-api/api-4 127.0.0.1:18085 " + options));
    ServerSpec expected = HaproxyServerLine.parser()
        .defaults(api.defaultHealthPolicy()).disabled(true).parse("api-4 127.0.0.1:18085 " + options);
    Server added = api.server("api-4").orElseThrow();
    assertEquals(expected.healthPolicy(), added.healthPolicy());
    assertEquals(Duration.ofSeconds(2), added.healthPolicy().slowStart(), "slowstart in whole seconds, as HAProxy");
    assertEquals(7, added.weight());
    assertTrue(added.backup());
    assertEquals("'no-check' option is not accepted for dynamic server\n\n",
        admin("add server backend-api/x 127.0.0.1:1 no-check"), "HAProxy 2.6 refuses it on dynamic servers");
    assertEquals("'rise' has to be > 0..\n\n", admin("add server backend-api/x 127.0.0.1:1 rise 0 no-check"),
        "errors in the line's order");
    assertEquals("weight expects an integer in [0, 256], was '2x'.\n\n",
        admin("add server backend-api/x 127.0.0.1:1 weight 2x"), "stricter than HAProxy's atol, as the importer");
    assertFalse(api.server("x").isPresent());
  }

  @Test
  void serversStateAndBackendList() {
    assertEquals("# name\nbackend-api\nbackend-stream\n\n", admin("show backend"));
    String out = admin("show servers state backend-stream");
    String[] lines = out.split("\n");
    assertEquals("1", lines[0]);
    assertEquals("# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
        + "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
        + "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port "
        + "srv_check_addr srv_agent_addr srv_agent_port", lines[1]);
    assertEquals("2 backend-stream 1 stream-1 127.0.0.1 2 0 50 50 0 1 0 2 6 0 0 1 - 18091 - 0 0 - - 0", lines[2],
        "before any check: INI, no result, health = rise, check configured and enabled");
  }

  @Test
  void semicolonsAndEscapes() {
    assertEquals("# name\nbackend-api\nbackend-stream\n\nadmin\n\n", admin("show backend;show cli level"));
    assertTrue(admin("show backend\\;x").startsWith("Unknown command, but maybe"), "an escaped ; is a character");
    assertEquals("admin\n\n", admin("show cli level\r\n"), "CRLF");
  }

  @Test
  void showInfoHasWhatHatopReads() {
    String info = admin("show info");
    for (String field : List.of("Name", "Version", "Release_date", "Nbproc", "Process_num", "Pid", "Uptime",
        "Maxconn", "CurrConns", "Maxpipes", "PipesUsed", "Tasks", "Run_queue", "node")) {
      assertTrue(info.contains("\n" + field + ": ") || info.startsWith(field + ": "), field + " in\n" + info);
    }
    assertTrue(admin("show info typed").startsWith("0.Name.1:POS:str:Veza-Routing\n"));
  }
}
