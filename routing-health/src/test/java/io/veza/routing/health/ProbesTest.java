package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The probes against real loopback servers report HAProxy's check statuses. Waits are bounded, never sleeps. */
class ProbesTest {
  static final long WAIT_SECONDS = 30;

  private final HealthTracker tracker = HealthTracker.builder().build();

  static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** A loopback port with nothing listening: connections are refused. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static CheckResult await(CompletableFuture<CheckResult> f) throws Exception {
    return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void httpResultsCarryL7okL7stsAndTheCode() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    HttpServer server = HttpServer.create(loopback(0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + exchange.getRequestHeaders().getFirst("User-Agent"));
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    try {
      TrackedServer s = tracker.add("web", 1, HealthPolicy.defaults(), loopback(server.getAddress().getPort()));
      HttpClient client = HttpClient.newHttpClient();
      Probe probe = Probes.http(client, "/health").build();
      CheckResult ok = await(probe.check(s).toCompletableFuture());
      assertEquals(CheckStatus.L7_OK, ok.status());
      assertEquals(200, ok.code());
      assertEquals("HTTP status check returned code <200>", ok.info());
      assertTrue(ok.durationNanos() >= 0);
      assertEquals("GET /health veza-routing-health", requests.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      status.set(503);
      CheckResult sts = await(probe.check(s).toCompletableFuture());
      assertEquals(CheckStatus.L7_WRONG_STATUS, sts.status());
      assertEquals(503, sts.code());
      assertEquals("HTTP status check returned code <503>", sts.info());
      status.set(302);
      assertEquals(CheckStatus.L7_OK, await(probe.check(s).toCompletableFuture()).status(), "3xx passes by default");
      status.set(204);
      Probe head = Probes.http(client, "/ready").method("HEAD").expectStatusRange(200, 200).build();
      CheckResult only200 = await(head.check(s).toCompletableFuture());
      assertEquals(CheckStatus.L7_WRONG_STATUS, only200.status(), "204 is not 200");
      assertEquals(204, only200.code());
      assertTrue(requests.contains("HEAD /ready veza-routing-health"), () -> requests.toString());
      assertEquals(CheckStatus.L7_TIMEOUT, probe.timeoutStatus(), "a hung HTTP check is a layer 7 timeout");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void httpToARefusedPortIsL4conConnectionRefused() throws Exception {
    TrackedServer s = tracker.add("gone", 1, HealthPolicy.defaults(), loopback(closedPort()));
    CheckResult r = await(Probes.http(HttpClient.newHttpClient(), "/health").build().check(s).toCompletableFuture());
    assertEquals(CheckStatus.L4_CONNECTION_PROBLEM, r.status());
    assertEquals("Connection refused", r.info());
    assertEquals(0, r.code());
  }

  @Test
  void tcpGivesL4okL4conAndL4tout() throws Exception {
    Probe tcp = Probes.tcp(Duration.ofMillis(500));
    assertEquals(CheckStatus.L4_TIMEOUT, tcp.timeoutStatus());
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TrackedServer up = tracker.add("up", 1, HealthPolicy.defaults(), loopback(listening.getLocalPort()));
      assertEquals(CheckStatus.L4_OK, await(tcp.check(up).toCompletableFuture()).status());

      // fill the never-accepted backlog: once the kernel drops SYNs, a connect hangs
      List<Socket> held = new ArrayList<>();
      try {
        fillBacklog(listening, held);
        TrackedServer hung = tracker.add("hung", 1, HealthPolicy.defaults(), loopback(listening.getLocalPort()));
        CheckResult r = await(tcp.check(hung).toCompletableFuture());
        assertEquals(CheckStatus.L4_TIMEOUT, r.status());
        assertTrue(r.durationNanos() >= Duration.ofMillis(500).toNanos(), "timed out by the connect timeout");
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
    TrackedServer refused = tracker.add("refused", 1, HealthPolicy.defaults(), loopback(closedPort()));
    CheckResult r = await(tcp.check(refused).toCompletableFuture());
    assertEquals(CheckStatus.L4_CONNECTION_PROBLEM, r.status());
    assertEquals("Connection refused", r.info());
    TrackedServer none = tracker.add("no-address", 1, HealthPolicy.defaults());
    assertEquals(CheckStatus.SOCKET_ERROR, await(tcp.check(none).toCompletableFuture()).status());
  }

  /** Connects until a connect times out: the listener's accept queue is then full and drops new SYNs. */
  static void fillBacklog(ServerSocket listening, List<Socket> held) throws IOException {
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket();
      try {
        s.connect(listening.getLocalSocketAddress(), 200);
        held.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return;
      }
    }
    throw new AssertionError("the backlog of " + listening + " never filled");
  }

  @Test
  void functionProbesAndBuilderValidation() throws Exception {
    TrackedServer s = tracker.add("f", 1, HealthPolicy.defaults());
    assertEquals(CheckStatus.PROBE_OK,
        await(Probes.of(x -> CompletableFuture.completedFuture(true)).check(s).toCompletableFuture()).status());
    assertEquals(CheckStatus.PROBE_ERROR,
        await(Probes.of(x -> CompletableFuture.completedFuture(false)).check(s).toCompletableFuture()).status());
    assertEquals(CheckStatus.PROBE_ERROR, await(Probes.of(x -> null).check(s).toCompletableFuture()).status());
    assertEquals(CheckStatus.PROBE_TIMEOUT, Probes.of(x -> null).timeoutStatus());
    HttpClient client = HttpClient.newHttpClient();
    assertEquals("path must start with '/', was \"health\"",
        assertThrows(IllegalArgumentException.class, () -> Probes.http(client, "health")).getMessage());
    assertEquals("connectTimeout must be > 0, was PT0S",
        assertThrows(IllegalArgumentException.class, () -> Probes.tcp(Duration.ZERO)).getMessage());
    assertEquals("expectStatusRange must have from <= to, was 300..200", assertThrows(IllegalArgumentException.class,
        () -> Probes.http(client, u -> URI.create("http://127.0.0.1/")).expectStatusRange(300, 200)).getMessage());
  }
}
