package io.veza.routing.netty;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.CookiePersistence;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy on loopback sockets against hostile and unusual input: one test per item of the hardening list (path
 * normalisation, absolute form, NUL in the target, parked connections timing out, the unterminated-quote cookie), and
 * the behaviours that replaced the old buffering (streaming past 1 MiB, connection reuse, bounded retry buffer).
 */
class ProxyHardeningTest {
  private EventLoopGroup backendLoops;
  private TestBackend api1;
  private TestBackend api2;
  private TestBackend stream1;
  private BackendPool api;
  private BackendPool streams;
  private RoutingProxy proxy;

  @BeforeEach
  void start() throws Exception {
    backendLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    api1 = new TestBackend("api-1", backendLoops);
    api2 = new TestBackend("api-2", backendLoops);
    stream1 = new TestBackend("stream-1", backendLoops);
    api = BackendPool.builder("backend-api")
        .server("api-1", api1.address(), s -> s.cookie("api1"))
        .server("api-2", api2.address(), s -> s.cookie("api2"))
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .redispatch(true)
        .build();
    streams = BackendPool.builder("stream-server")
        .server("stream-1", stream1.address())
        .balance(Balance.pathSegment(1))
        .build();
    proxy = proxy(RoutingProxy.builder().idleTimeout(Duration.ofMillis(300)));
  }

  private RoutingProxy proxy(RoutingProxy.Builder b) throws InterruptedException {
    return b.route("/api/", api).route("/hls/", streams).threads(1).build().start();
  }

  @AfterEach
  void stop() {
    proxy.close();
    api.close();
    streams.close();
    api1.close();
    api2.close();
    stream1.close();
    backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private RawHttp.Response get(String target, String... headers) throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      return c.send(request("GET", target, headers)).read();
    }
  }

  private static String request(String method, String target, String... headers) {
    StringBuilder s = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: gw\r\n");
    for (String h : headers) {
      s.append(h).append("\r\n");
    }
    return s.append("\r\n").toString();
  }

  private int backendRequests() {
    return api1.received.size() + api2.received.size() + stream1.received.size();
  }

  // ------------------------------------------------------------------------------------------ hostile input

  @Test
  void dotSegmentsAreRemovedBeforeRoutingAndTheNormalisedPathIsForwarded() throws IOException {
    RawHttp.Response r = get("/hls/../api/v1/whoami");
    assertEquals(200, r.status());
    assertEquals(0, stream1.received.size(), "the stream pool never saw it");
    String servedBy = r.header("X-Served-By");
    TestBackend b = "api-1".equals(servedBy) ? api1 : api2;
    assertEquals("/api/v1/whoami", b.last().uri());
    // percent-encoded dots are unreserved characters: decoded, then removed as dot segments
    RawHttp.Response encoded = get("/hls/%2e%2E/api/v1/whoami?x=%2e%2e");
    assertEquals(200, encoded.status());
    assertEquals(0, stream1.received.size());
    TestBackend b2 = "api-1".equals(encoded.header("X-Served-By")) ? api1 : api2;
    assertEquals("/api/v1/whoami?x=%2e%2e", b2.last().uri(), "the query is kept byte for byte");
    // an encoded slash is not a separator
    assertEquals(200, get("/hls/a%2f..%2Fapi/x").status());
    assertEquals("/hls/a%2F..%2Fapi/x", stream1.last().uri());
  }

  @Test
  void absoluteFormTargetsAreAcceptedAndForwardedInOriginFormWithTheirAuthorityAsHost() throws IOException {
    RawHttp.Response r = get("http://veza.example:8080/api/v1/whoami?a=1");
    assertEquals(200, r.status());
    TestBackend b = "api-1".equals(r.header("X-Served-By")) ? api1 : api2;
    assertEquals("/api/v1/whoami?a=1", b.last().uri());
    assertEquals(List.of("veza.example:8080"), b.last().all("Host"), "RFC 9112 3.2.2: Host comes from the target");
    RawHttp.Response upper = get("HTTP://veza.example/hls/t1/x.ts");
    assertEquals(200, upper.status());
    assertEquals("/hls/t1/x.ts", stream1.last().uri());
  }

  @Test
  void aNulOrControlByteInTheTargetIsRejectedWith400AndNeverForwarded() throws IOException {
    for (String bad : List.of("/api/v1/who\u0000ami", "/api/v1/\u0001x", "/api/v1/\u007fx", "/api/v1/%zz",
        "/api/v1/x#frag", "/api/v1/caf\u00e9")) {
      try (RawHttp c = new RawHttp(proxy.address())) {
        RawHttp.Response r = c.send(request("GET", bad)).read();
        assertNotNull(r, bad);
        assertEquals(400, r.status(), bad);
        assertEquals("close", r.header("Connection"), bad);
      }
    }
    assertEquals(0, backendRequests());
    assertEquals(6, proxy.stats().badRequests());
  }

  @Test
  void missingHostIsRejected() throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      assertEquals(400, c.send("GET /api/v1/x HTTP/1.1\r\n\r\n").read().status());
    }
    assertEquals(0, backendRequests());
  }

  @Test
  void parkedKeepAliveBackendConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    assertEquals(200, get("/hls/t1/a.ts").status());
    assertTrue(await(() -> proxyParked() == 1), "the backend connection is parked for reuse");
    assertEquals(1, stream1.open.get());
    assertTrue(await(() -> stream1.open.get() == 0), "closed by the proxy after the 300 ms idle timeout");
    assertEquals(0, proxyParked());
    assertEquals(1, proxy.stats().idleTimeouts());
  }

  private int proxyParked() {
    return proxy.parkedConnections();
  }

  @Test
  void anUnterminatedQuoteCannotSmuggleTheServerIdCookieToTheBackend() throws IOException {
    String[] hostile = {"q=\"x; SERVERID=api1", "q=\"x, SERVERID=api1\"", "q=x\"; SERVERID=api1",
        "q=x SERVERID=api1", "SERVERID=api2; q=\"x; SERVERID=api1"};
    for (String cookie : hostile) {
      RawHttp.Response r = get("/api/v1/whoami", "Cookie: " + cookie);
      assertEquals(200, r.status(), cookie);
      TestBackend b = "api-1".equals(r.header("X-Served-By")) ? api1 : api2;
      for (String h : b.last().all("Cookie")) {
        for (ServerCookieDecoder decoder : List.of(ServerCookieDecoder.LAX, ServerCookieDecoder.STRICT)) {
          for (Cookie c : decoder.decodeAll(h)) {
            assertFalse(c.name().contains("SERVERID"), cookie + " reached the backend as " + h);
          }
        }
        for (String part : h.split("[;,\\s]+")) {
          assertFalse(part.trim().startsWith("SERVERID"), cookie + " reached the backend as " + h);
        }
      }
    }
    // an ordinary cookie header passes untouched, SERVERID removed (indirect)
    RawHttp.Response r = get("/api/v1/whoami", "Cookie: a=1; SERVERID=api2; b=\"two\"");
    assertEquals("api-2", r.header("X-Served-By"));
    assertEquals(List.of("a=1; b=\"two\""), api2.last().all("Cookie"));
  }

  @Test
  void hopByHopHeadersAreDroppedAndXForwardedForIsAdded() throws IOException {
    get("/hls/t/x", "Connection: keep-alive, X-Secret", "X-Secret: s", "Keep-Alive: timeout=5", "TE: trailers",
        "X-Forwarded-For: 10.0.0.1");
    TestBackend.Received r = stream1.last();
    assertAll(
        () -> assertEquals(List.of(), r.all("X-Secret")),
        () -> assertEquals(List.of(), r.all("Keep-Alive")),
        () -> assertEquals(List.of(), r.all("TE")),
        () -> assertEquals(List.of("10.0.0.1", "127.0.0.1"), r.all("X-Forwarded-For")));
  }

  @Test
  void unroutedPathsGet404OnAConnectionThatStaysUsable() throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      assertEquals(404, c.send(request("GET", "/nope")).read().status());
      assertEquals(200, c.send(request("GET", "/hls/t/a")).read().status());
    }
  }

  // ------------------------------------------------------------------------------------------ streaming, reuse

  @Test
  void aResponseLargerThanTheOldAggregatorCapStreamsThrough() throws IOException {
    byte[] big = new byte[3 << 20];
    new Random(1).nextBytes(big);
    stream1.responder = r -> new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
        Unpooled.wrappedBuffer(big));
    RawHttp.Response r = get("/hls/t/big.ts");
    assertEquals(200, r.status());
    assertArrayEquals(big, r.body());
  }

  @Test
  void requestBodiesStreamChunkedOrSizedAndBeyondTheRetryBuffer() throws IOException {
    byte[] body = new byte[200_000];
    new Random(2).nextBytes(body);
    try (RawHttp c = new RawHttp(proxy.address())) {
      c.send(("POST /hls/t/up HTTP/1.1\r\nHost: gw\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      c.send(body);
      assertEquals(200, c.read().status());
      assertArrayEquals(body, stream1.last().body());
      c.send("POST /hls/t/up HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      assertEquals(200, c.read().status());
      assertEquals("hello world", new String(stream1.last().body(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void keepAliveBackendConnectionsAreReusedAcrossClientsWithoutACap() throws Exception {
    int clients = 64;
    int perClient = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        results.add(pool.submit(() -> {
          int ok = 0;
          try (RawHttp c = new RawHttp(proxy.address())) {
            for (int k = 0; k < perClient; k++) {
              ok += c.send(request("GET", "/hls/t/x")).read().status() == 200 ? 1 : 0;
            }
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : results) {
        ok += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(clients * perClient, ok);
    } finally {
      pool.shutdownNow();
    }
    // at most one backend connection per concurrently active client (plus those the 300 ms idle timeout closed
    // while clients were still starting): every other request reused a parked one
    ProxyStats.Snapshot s = proxy.stats();
    assertTrue(s.backendConnects() <= clients + s.idleTimeouts(), s.toString());
    assertEquals(clients * perClient, s.backendConnects() + s.reusedConnections(), s.toString());
    assertEquals(s.backendConnects(), stream1.accepted.get());
  }

  @Test
  void aRefusedConnectIsRedispatchedToTheOtherServer() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    api.replace(io.veza.routing.ServerSpec.builder("api-1", new InetSocketAddress("127.0.0.1", dead))
        .cookie("api1").build());
    for (int i = 0; i < 4; i++) {
      RawHttp.Response r = get("/api/v1/whoami");
      assertEquals(200, r.status());
      assertEquals("api-2", r.header("X-Served-By"));
    }
    assertTrue(proxy.stats().connectFailures() > 0);
    assertTrue(proxy.stats().redispatches() > 0);
  }

  @Test
  void aBackendThatDropsTheConnectionBeforeAnsweringAnIdempotentRequestIsRetriedElsewhere() throws Exception {
    api1.responder = r -> {
      throw new IllegalStateException("drop"); // the backend's pipeline closes the connection without a response
    };
    int ok = 0;
    for (int i = 0; i < 6; i++) {
      RawHttp.Response r = get("/api/v1/whoami");
      ok += r.status() == 200 && "api-2".equals(r.header("X-Served-By")) ? 1 : 0;
    }
    assertEquals(6, ok);
    assertTrue(proxy.stats().transportErrors() > 0);
  }

  @Test
  void noFreshConnectionPerRequestOnOneClientConnection() throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      for (int i = 0; i < 500; i++) {
        assertEquals(200, c.send(request("GET", "/hls/t/x")).read().status());
      }
    }
    assertEquals(1, stream1.accepted.get());
    assertEquals(499, proxy.stats().reusedConnections());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      c.send(request("GET", "/hls/t/1") + request("GET", "/nope") + request("GET", "/api/v1/x"));
      assertEquals(200, c.read().status());
      assertEquals(404, c.read().status());
      RawHttp.Response third = c.read();
      assertEquals(200, third.status());
      assertNotNull(third.header("X-Served-By"));
    }
  }

  @Test
  void http10ClientsGetACloseDelimitedOrSizedResponse() throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r = c.send("GET /hls/t/x HTTP/1.0\r\n\r\n").read();
      assertEquals(200, r.status());
      assertEquals("ok", r.text());
      assertTrue(c.closedByPeer());
    }
    assertNull(stream1.last().headers().get("Connection"));
  }

  static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10); // poll interval of a condition wait
    }
    return true;
  }
}
