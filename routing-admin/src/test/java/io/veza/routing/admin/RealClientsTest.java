package io.veza.routing.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RouteDecision;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.Probes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runtime API read by clients nobody here wrote, and compared with a real HAProxy 2.6 running the equivalent
 * configuration against the same backends: {@code socat} one-liners, Prometheus' {@code haproxy_exporter},
 * {@code hatop} under {@code tmux}. Both sides check real TCP backends every 100 ms (rise 2, fall 3); the test kills
 * one backend and both must report the same statuses and counters. The Debian packages are in
 * {@code .ci/apt-packages}; a missing tool fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealClientsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Path dir;
  private final List<ServerSocket> backends = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private BackendPool pool;
  private AdminServer admin;
  private Path ours;
  private Path theirs;
  private int ourExporter;
  private int theirExporter;

  @BeforeAll
  void start() throws Exception {
    for (String tool : List.of("socat", "haproxy", "prometheus-haproxy-exporter", "hatop", "tmux")) {
      assertEquals(0, sh("command -v " + tool).exit(), tool + " is missing: apt-get install -y socat haproxy "
          + "prometheus-haproxy-exporter hatop tmux (they are listed in .ci/apt-packages)");
    }
    dir = Files.createTempDirectory("veza-admin-real");
    for (int i = 0; i < 3; i++) {
      ServerSocket s = new ServerSocket();
      s.bind(new InetSocketAddress("127.0.0.1", 0), 50);
      backends.add(s);
      Thread t = new Thread(() -> acceptForever(s), "backend-" + i);
      t.setDaemon(true);
      t.start();
    }
    HealthPolicy checks = HealthPolicy.builder().inter(Duration.ofMillis(100)).fastInter(Duration.ofMillis(100))
        .downInter(Duration.ofMillis(100)).rise(2).fall(3).build();
    pool = BackendPool.builder("backend-api").balance(Balance.roundRobin()).redispatch(true)
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .defaultHealthPolicy(checks)
        .server("backend-api-1", addr(0), s -> s.cookie("a1"))
        .server("backend-api-2", addr(1), s -> s.cookie("a2"))
        .server("backup-1", addr(2), s -> s.backup().check(false))
        .build();
    pool.startChecks(Probes.tcp(Duration.ofSeconds(2)));
    ours = dir.resolve("veza.sock");
    admin = AdminServer.builder().pool(pool, 2).unixSocket(ours).start();

    theirs = dir.resolve("haproxy.sock");
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, String.join("\n",
        "global",
        "  stats socket " + theirs + " mode 600 level admin",
        "  stats timeout 10s",
        "defaults",
        "  mode http",
        "  timeout connect 2s",
        "  timeout client 5s",
        "  timeout server 5s",
        "backend backend-api",
        "  balance roundrobin",
        "  cookie SERVERID insert indirect nocache",
        "  option redispatch",
        "  default-server inter 100 fastinter 100 downinter 100 rise 2 fall 3",
        "  server backend-api-1 " + hostPort(0) + " check cookie a1",
        "  server backend-api-2 " + hostPort(1) + " check cookie a2",
        "  server backup-1 " + hostPort(2) + " backup",
        ""));
    processes.add(new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start());
    ourExporter = freePort();
    theirExporter = freePort();
    processes.add(exporter(ours, ourExporter));
    processes.add(exporter(theirs, theirExporter));
    await(() -> Files.exists(theirs), "HAProxy's socket");
  }

  private Process exporter(Path socket, int port) throws IOException {
    return new ProcessBuilder("prometheus-haproxy-exporter", "--haproxy.scrape-uri=unix:" + socket,
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("exporter-" + port + ".log").toFile()).start();
  }

  @AfterAll
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    sh("tmux kill-session -t veza-hatop 2>/dev/null");
    if (admin != null) {
      admin.close();
    }
    if (pool != null) {
      pool.close();
    }
    for (ServerSocket s : backends) {
      s.close();
    }
  }

  private static void acceptForever(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        s.accept().close();
      } catch (IOException e) {
        return;
      }
    }
  }

  private InetSocketAddress addr(int i) {
    return new InetSocketAddress("127.0.0.1", backends.get(i).getLocalPort());
  }

  private String hostPort(int i) {
    return "127.0.0.1:" + backends.get(i).getLocalPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  record Result(int exit, String out) {}

  static Result sh(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** The smoke test's one-liner: {@code echo "<cmd>" | socat stdio unix-connect:<sock>}. */
  static String socat(Path sock, String cmd) throws IOException, InterruptedException {
    Result r = sh("echo \"" + cmd + "\" | socat stdio unix-connect:" + sock);
    assertEquals(0, r.exit(), r.out());
    return r.out();
  }

  private static String status(Path sock, String server) throws IOException, InterruptedException {
    return CliTest.row(CliTest.csv(socat(sock, "show stat")), "backend-api", server).get("status");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check c, String what) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!c.ok()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private void awaitBoth(String server, Predicate<String> status, String what) throws Exception {
    await(() -> status.test(status(ours, server)) && status.test(status(theirs, server)),
        server + " " + what + " on both sides");
  }

  private static String metrics(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  /** The value of one sample, e.g. {@code haproxy_server_up{backend="backend-api",server="backend-api-2"}}. */
  private static String sample(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + Pattern.quote(labels) + "\\} (\\S+)$")
        .matcher(metrics);
    return m.find() ? m.group(1) : "absent";
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void theCsvHeaderHelpAndServersStateHeaderAreHaproxys() throws Exception {
    assertEquals(socat(theirs, "show stat").lines().findFirst().orElseThrow(),
        socat(ours, "show stat").lines().findFirst().orElseThrow(), "show stat header, field for field");
    assertEquals(socat(theirs, "show servers state").lines().limit(2).toList(),
        socat(ours, "show servers state").lines().limit(2).toList());
    assertEquals(socat(theirs, "show backend"), socat(ours, "show backend"));
    assertEquals(socat(theirs, "help").lines().findFirst(), socat(ours, "help").lines().findFirst());
    // show info typed: each of our fields has HAProxy's index, name, tags and type
    List<String> theirInfo = socat(theirs, "show info typed").lines().filter(l -> !l.isEmpty())
        .map(l -> l.substring(0, l.indexOf(':', l.indexOf(':', l.indexOf(':') + 1) + 1))).toList();
    for (String line : socat(ours, "show info typed").lines().filter(l -> !l.isEmpty()).toList()) {
      String key = line.substring(0, line.indexOf(':', line.indexOf(':', line.indexOf(':') + 1) + 1));
      assertTrue(theirInfo.contains(key), key + " in HAProxy's show info typed");
    }
    // typed output: every field both sides print for a server and a backend has the same index, tags and type
    for (String filter : List.of("backend-api 4 1", "backend-api 2 -1")) {
      Map<String, String> o = typedTags(socat(ours, "show stat " + filter + " typed"));
      Map<String, String> t = typedTags(socat(theirs, "show stat " + filter + " typed"));
      assertTrue(o.size() > 30, o.toString());
      for (Map.Entry<String, String> e : o.entrySet()) {
        if (t.containsKey(e.getKey())) {
          assertEquals(t.get(e.getKey()), e.getValue(), e.getKey());
        }
      }
    }
  }

  /** {@code show stat typed}: field name to {@code index:tags:type}. */
  private static Map<String, String> typedTags(String typed) {
    Map<String, String> out = new java.util.HashMap<>();
    Matcher m = Pattern.compile("(?m)^[SB]\\.\\d+\\.\\d+\\.(\\d+)\\.([^.]+)\\.1:(\\w{3}):(\\w+):").matcher(typed);
    while (m.find()) {
      out.put(m.group(2), m.group(1) + ":" + m.group(3) + ":" + m.group(4));
    }
    return out;
  }

  @Test
  @Order(2)
  void errorTextsAreHaproxysWordForWord() throws Exception {
    for (String cmd : List.of("set server backend-api state ready", "set server backend-api/nope state ready",
        "set server nope/x state ready", "set server backend-api/backend-api-1 state bogus",
        "set server backend-api/backend-api-1 health bogus", "set server backend-api/backend-api-1 weight 300",
        "set server backend-api/backend-api-1 weight abc", "set server backend-api/backend-api-1 weight 5x",
        "set server backend-api/backend-api-1 weight", "set server backend-api/backend-api-1 weight -1%",
        "set server backend-api/backend-api-1 addr", "set server backend-api/backend-api-1 addr bogus",
        "set server backend-api/backend-api-1", "get weight backend-api/nope", "get weight nope/x",
        "get weight backend-api/backup-1", "show servers state nope", "show stat domain foo", "show stat nope 1 1",
        "set timeout cli", "set timeout cli 0", "set timeout foo 5", "show cli level",
        "del server backend-api/backend-api-1", "del server backend-api/nope", "del server nope/x",
        "add server backend-api", "add server nope/x 1.2.3.4:5", "add server backend-api/backend-api-1 1.2.3.4:5",
        "add server backend-api/z", "add server backend-api/z 127.0.0.1:1 bogus",
        "add server backend-api/z 127.0.0.1:1 weight 300", "add server backend-api/z 127.0.0.1:1 rise 0",
        "add server backend-api/z 127.0.0.1:1 id abc", "add server backend-api/z 1.2.3.4:99999",
        "add server backend-api/z 127.0.0.1:1 observe foo", "add server backend-api/z 127.0.0.1:1 on-error foo",
        // every server keyword error HAProxy gives, through the importer's server-line code
        "add server backend-api/z 127.0.0.1:1 weight -1", "add server backend-api/z 127.0.0.1:1 weight 99999999999",
        "add server backend-api/z 127.0.0.1:1 rise", "add server backend-api/z 127.0.0.1:1 fall abc",
        "add server backend-api/z 127.0.0.1:1 error-limit 0", "add server backend-api/z 127.0.0.1:1 error-limit",
        "add server backend-api/z 127.0.0.1:1 inter", "add server backend-api/z 127.0.0.1:1 inter 0",
        "add server backend-api/z 127.0.0.1:1 downinter 99999999999", "add server backend-api/z 127.0.0.1:1 fastinter",
        "add server backend-api/z 127.0.0.1:1 slowstart 99999999999",
        "add server backend-api/z 127.0.0.1:1 slowstart 5x",
        "add server backend-api/z 127.0.0.1:1 id 0", "add server backend-api/z 127.0.0.1:1 id",
        "add server backend-api/z 127.0.0.1:1 observe", "add server backend-api/z 127.0.0.1:1 on-error",
        "add server backend-api/z 127.0.0.1:1 check weight 300 rise 0", "add server backend-api/z! 127.0.0.1:1",
        // HAProxy's dynamic-server restrictions
        "add server backend-api/z 127.0.0.1:1 no-check", "add server backend-api/z 127.0.0.1:1 resolvers dns",
        "add server backend-api/z 127.0.0.1:1 redir http://x", "add server backend-api/z 127.0.0.1:1 init-addr none",
        "add server backend-api/z 127.0.0.1:1 rise 0 stick", "add server backend-api/z 127.0.0.1:1 non-stick rise 0",
        "add server backend-api/z 127.0.0.1:1 init-state up",
        "set timeout cli 500ms;show cli level", "set timeout cli 5x", "set timeout cli 99999999999",
        "user;show cli level;operator", "operator;set server backend-api/backend-api-1 state maint",
        "show backend;show cli level")) {
      assertEquals(socat(theirs, cmd), socat(ours, cmd), cmd);
    }
  }

  @Test
  @Order(3)
  void aKilledBackendReadsTheSameOnBothSidesAndThroughTheExporter() throws Exception {
    awaitBoth("backend-api-1", "UP"::equals, "UP");
    awaitBoth("backend-api-2", "UP"::equals, "UP");
    assertEquals("no check", status(ours, "backup-1"));
    assertEquals(status(theirs, "backup-1"), status(ours, "backup-1"));
    await(() -> sample(metrics(ourExporter), "haproxy_server_up", "backend=\"backend-api\",server=\"backend-api-2\"")
        .equals("1"), "the exporter to see backend-api-2 up");

    long ourFailedBefore = Long.parseLong(CliTest.row(CliTest.csv(socat(ours, "show stat")), "backend-api",
        "backend-api-2").get("chkfail"));
    long theirFailedBefore = Long.parseLong(CliTest.row(CliTest.csv(socat(theirs, "show stat")), "backend-api",
        "backend-api-2").get("chkfail"));
    backends.get(1).close(); // kill backend-api-2
    RouteDecision d = pool.route(null);
    while (!d.server().id().equals("backend-api-2")) {
      d = pool.route(null);
    }
    pool.retry(null, d, 4); // the gateway gave up connecting to it: one connection error (econ)
    awaitBoth("backend-api-2", "DOWN"::equals, "DOWN");

    Map<String, String> o = CliTest.row(CliTest.csv(socat(ours, "show stat")), "backend-api", "backend-api-2");
    Map<String, String> t = CliTest.row(CliTest.csv(socat(theirs, "show stat")), "backend-api", "backend-api-2");
    // a check of a live server can time out on a loaded machine: compare what the kill added, not totals
    assertEquals(3, Long.parseLong(t.get("chkfail")) - theirFailedBefore, "HAProxy: fall 3 from full health");
    assertEquals(3, Long.parseLong(o.get("chkfail")) - ourFailedBefore, "ours: fall 3 from full health");
    for (String field : List.of("status", "weight", "act", "bck", "chkdown", "check_status", "last_chk",
        "check_desc", "check_rise", "check_fall", "check_health", "iid", "sid", "type", "addr", "cookie", "mode")) {
      assertEquals(t.get(field), o.get(field), field);
    }
    assertEquals("1", o.get("chkdown"));
    Map<String, String> ob = CliTest.row(CliTest.csv(socat(ours, "show stat")), "backend-api", "BACKEND");
    Map<String, String> tb = CliTest.row(CliTest.csv(socat(theirs, "show stat")), "backend-api", "BACKEND");
    for (String field : List.of("status", "weight", "act", "bck", "iid", "sid", "type", "cookie", "mode", "algo")) {
      assertEquals(tb.get(field), ob.get(field), "BACKEND " + field);
    }

    String labels2 = "backend=\"backend-api\",server=\"backend-api-2\"";
    String labels1 = "backend=\"backend-api\",server=\"backend-api-1\"";
    await(() -> sample(metrics(ourExporter), "haproxy_server_up", labels2).equals("0"),
        "the exporter to see backend-api-2 down");
    String m = metrics(ourExporter);
    String h = metrics(theirExporter);
    assertEquals("1", sampleNoLabels(m, "haproxy_up"));
    assertEquals("0", sample(m, "haproxy_server_up", labels2));
    assertEquals("1", sample(m, "haproxy_server_up", labels1));
    assertEquals(o.get("chkfail"), sample(m, "haproxy_server_check_failures_total", labels2));
    assertEquals("1", sample(m, "haproxy_server_connection_errors_total", labels2));
    assertEquals("1", sample(m, "haproxy_backend_up", "backend=\"backend-api\""));
    for (String metric : List.of("haproxy_server_up", "haproxy_server_weight")) {
      for (String labels : List.of(labels1, labels2)) {
        assertEquals(sample(h, metric, labels), sample(m, metric, labels), metric + "{" + labels + "}");
      }
    }
    for (String metric : List.of("haproxy_backend_up", "haproxy_backend_weight", "haproxy_backend_current_server")) {
      assertEquals(sample(h, metric, "backend=\"backend-api\""), sample(m, metric, "backend=\"backend-api\""), metric);
    }
  }

  private static String sampleNoLabels(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    return m.find() ? m.group(1) : "absent";
  }

  @Test
  @Order(4)
  void adminStatesReadTheSame() throws Exception {
    for (String[] step : new String[][] {
        {"set server backend-api/backend-api-1 state drain", "DRAIN"},
        {"set server backend-api/backend-api-1 state maint", "MAINT"},
        {"set server backend-api/backend-api-1 state ready", null},
        {"set server backend-api/backend-api-1 health stopping", "NOLB"},
        {"set server backend-api/backend-api-1 weight 5", null},
        {"disable server backend-api/backend-api-1", "MAINT"},
        {"enable server backend-api/backend-api-1", null}}) {
      // The command and the read in one connection, so that a check rarely lands in between. Checks run every
      // 100 ms, and a passed check ends a forced STOPPING on both sides (HAProxy's check_notify_success calls
      // srv_set_running), so a step whose status is expected is repeated (it is idempotent) until the read sees
      // it: a few attempts, each a race lost only to a check landing inside one connection.
      String cmd = step[0] + ";show stat backend-api 4 1";
      Map<String, String> o = commandAndRead(ours, cmd, step[1]);
      Map<String, String> t = commandAndRead(theirs, cmd, step[1]);
      if (step[1] != null) {
        assertEquals(step[1], o.get("status"), step[0]);
      }
      // leaving MAINT asks both for an immediate check, which may land before the read ("UP 1/3" or "UP")
      String ts = step[1] == null ? t.get("status").split(" ")[0] : t.get("status");
      String os = step[1] == null ? o.get("status").split(" ")[0] : o.get("status");
      assertEquals(ts, os, step[0] + ": status");
      for (String field : List.of("weight", "uweight", "act", "bck")) {
        assertEquals(t.get(field), o.get(field), step[0] + ": " + field);
      }
      awaitBoth("backend-api-1", s -> s.equals("UP") || s.equals("MAINT") || s.equals("DRAIN"), "settled");
    }
  }

  /**
   * Runs {@code cmd} (a command and a {@code show stat} in one connection) and returns the row read; when
   * {@code expected} is given, repeats up to 5 times until the row's status is that.
   */
  private static Map<String, String> commandAndRead(Path socket, String cmd, String expected) throws Exception {
    Map<String, String> row = CliTest.csv(lastCsv(socat(socket, cmd))).get(0);
    for (int attempt = 1; attempt < 5 && expected != null && !expected.equals(row.get("status")); attempt++) {
      row = CliTest.csv(lastCsv(socat(socket, cmd))).get(0);
    }
    return row;
  }

  /** The output after the first command's (the first line starting with "# "). */
  private static String lastCsv(String out) {
    return out.substring(out.indexOf("# pxname"));
  }

  @Test
  @Order(5)
  void hatopAttachesAndListsTheServers() throws Exception {
    Result r = sh("tmux new-session -d -s veza-hatop -x 200 -y 50 'hatop -s " + ours + "'");
    assertEquals(0, r.exit(), r.out());
    String[] screen = {""};
    await(() -> {
      screen[0] = sh("tmux capture-pane -p -t veza-hatop").out();
      return screen[0].contains("backend-api-1") && screen[0].contains("backend-api-2")
          && screen[0].contains("backup-1");
    }, "hatop to list the servers");
    assertTrue(screen[0].contains("backend-api"), screen[0]);
    assertTrue(screen[0].contains("DOWN"), "backend-api-2 is DOWN:\n" + screen[0]);
    sh("tmux send-keys -t veza-hatop q");
  }
}
