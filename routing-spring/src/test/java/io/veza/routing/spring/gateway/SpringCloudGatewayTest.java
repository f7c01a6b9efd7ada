package io.veza.routing.spring.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.RequestView;
import io.veza.routing.ServerStats;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.backend.NettyBackend;
import io.veza.routing.examples.backend.StreamServer;
import io.veza.routing.examples.client.BrowserClient;
import io.veza.routing.examples.client.Exchange;
import io.veza.routing.examples.client.ReliableWebSocket;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.OperationalState;
import io.veza.routing.spring.VezaPools;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Cloud Gateway (Reactor Netty, random port on loopback) in front of two API backends (HTTP and a
 * WebSocket echo that answers each message id) and two stream servers, routed by Veza pools configured with
 * HAProxy's keywords only:
 *
 * <ul>
 *   <li>{@code backend-api}: round robin, {@code cookie SERVERID insert indirect nocache}, HTTP checks with
 *       {@code on-marked-down shutdown-sessions}, {@code retries 3} + {@code redispatch};
 *   <li>{@code stream}: {@code path-segment 1} hashing with a seed, persistent ids from instance metadata.
 * </ul>
 */
@SpringBootTest(classes = TestGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringCloudGatewayTest {
  static final String COOKIE = "SERVERID";
  static final long HASH_SEED = 7340525781L;
  static final Duration AWAIT = Duration.ofSeconds(10);

  static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  static final ApiBackend API1 = new ApiBackend("api1", LOOPS, COOKIE);
  static final ApiBackend API2 = new ApiBackend("api2", LOOPS, COOKIE);
  static final StreamServer STREAM1 = new StreamServer("stream1", LOOPS);
  static final StreamServer STREAM2 = new StreamServer("stream2", LOOPS);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  @LocalServerPort
  int port;

  @Autowired
  VezaPools pools;

  @Autowired
  LoadBalancerClientFactory lbClients;

  @DynamicPropertySource
  static void gateway(DynamicPropertyRegistry registry) throws InterruptedException {
    for (NettyBackend b : List.of(API1, API2, STREAM1, STREAM2)) {
      b.start();
    }
    gatewayProperties().forEach((k, v) -> registry.add(k, () -> v));
  }

  /** Routes, static discovery and Veza pools: everything the gateway needs, as properties. */
  static Map<String, String> gatewayProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    String routes = "spring.cloud.gateway.server.webflux.routes";
    p.put(routes + "[0].id", "api");
    p.put(routes + "[0].uri", "lb://backend-api");
    p.put(routes + "[0].predicates[0]", "Path=/api/**,/ws/**");
    p.put(routes + "[1].id", "stream");
    p.put(routes + "[1].uri", "lb://stream");
    p.put(routes + "[1].predicates[0]", "Path=/hls/**");
    String simple = "spring.cloud.discovery.client.simple.instances";
    int i = 0;
    for (NettyBackend b : List.of(API1, API2)) {
      p.put(simple + ".backend-api[" + i + "].instance-id", b.id());
      p.put(simple + ".backend-api[" + i + "].uri", "http://127.0.0.1:" + b.address().getPort());
      i++;
    }
    i = 0;
    for (NettyBackend b : List.of(STREAM1, STREAM2)) {
      p.put(simple + ".stream[" + i + "].instance-id", b.id());
      p.put(simple + ".stream[" + i + "].uri", "http://127.0.0.1:" + b.address().getPort());
      p.put(simple + ".stream[" + i + "].metadata[veza.id]", Integer.toString(i + 1));
      i++;
    }
    String api = "veza.routing.services.backend-api.";
    p.put(api + "cookie", COOKIE + " insert indirect nocache");
    // timeout 1s: a check must not fail because the machine is busy starting the gateway
    p.put(api + "check", "inter 200ms fastinter 100ms downinter 200ms timeout 1s rise 2 fall 2 slowstart 1s"
        + " on-marked-down shutdown-sessions");
    p.put(api + "check-path", ApiBackend.HEALTH_PATH);
    p.put(api + "retries", "3");
    p.put(api + "redispatch", "true");
    p.put(api + "refresh", "1s");
    String stream = "veza.routing.services.stream.";
    p.put(stream + "balance", "path-segment 1");
    p.put(stream + "hash-seed", Long.toString(HASH_SEED));
    p.put(stream + "check", "inter 200ms timeout 1s rise 2 fall 2");
    p.put(stream + "check-path", ApiBackend.HEALTH_PATH);
    p.put("spring.main.banner-mode", "off");
    return p;
  }

  @AfterAll
  static void stopBackends() throws InterruptedException {
    for (NettyBackend b : List.of(API1, API2, STREAM1, STREAM2)) {
      b.close();
    }
    LOOPS.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  URI gatewayUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  List<BrowserClient> browsers(String prefix, int n) {
    List<BrowserClient> list = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      list.add(new BrowserClient(prefix + k, gatewayUri(), HTTP, LOOPS, COOKIE));
    }
    return list;
  }

  ApiBackend api(String id) {
    return id.equals(API1.id()) ? API1 : API2;
  }

  ApiBackend otherApi(String id) {
    return id.equals(API1.id()) ? API2 : API1;
  }

  ServerStats stats(String apiServer) {
    return pools.pool("backend-api").orElseThrow().stats().servers().stream()
        .filter(s -> s.id().equals(apiServer)).findFirst().orElseThrow();
  }

  OperationalState health(String service, String server) {
    BackendPool pool = pools.pool(service).orElseThrow();
    return pool.server(server).orElseThrow().health().state().operational();
  }

  /** Each scenario starts with every server UP at full weight (past slow start). */
  @BeforeEach
  void everyServerReady() throws InterruptedException {
    for (String service : pools.serviceIds()) {
      BackendPool pool = pools.pool(service).orElseThrow();
      await(() -> pool.servers().size() == 2 && pool.servers().stream().allMatch(s ->
          s.status().operational() == OperationalState.UP && !s.status().slowStarting()), service + " ready");
    }
  }

  @Test
  @Order(0)
  void configuredServicesAreRoutedByTheirPoolOthersKeepSpringsDefault() {
    assertThat(lbClients.getInstance("backend-api", ReactorServiceInstanceLoadBalancer.class))
        .hasToString("VezaLoadBalancer{backend-api}");
    assertThat(lbClients.getInstance("stream", ReactorServiceInstanceLoadBalancer.class))
        .hasToString("VezaLoadBalancer{stream}");
    assertThat(lbClients.getInstance("unconfigured", ReactorServiceInstanceLoadBalancer.class))
        .isInstanceOf(RoundRobinLoadBalancer.class);
    assertThat(pools.serviceIds()).containsExactly("backend-api", "stream");
  }

  @Test
  @Order(1)
  void hashedTracksStayOnTheirStreamerAcrossRequestsAndAcrossAGatewayRestart() throws Exception {
    List<String> tracks = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      tracks.add(new java.util.UUID(HASH_SEED, k).toString());
    }
    Map<String, String> first = streamerOf(port, tracks, "playlist.m3u8");
    Map<String, String> again = streamerOf(port, tracks, "segment-7.ts");
    assertThat(again).as("every segment of a track goes where its playlist went").isEqualTo(first);
    assertThat(new HashSet<>(first.values())).as("both streamers take tracks")
        .containsExactlyInAnyOrder(STREAM1.id(), STREAM2.id());

    // the choice is the library's pure function of (key, membership, seed): the same pool built by hand agrees
    BackendPool reference = BackendPool.builder("reference").balance(Balance.pathSegment(1))
        .keyHasher(KeyHashers.xxh3(HASH_SEED))
        .server(STREAM1.id(), STREAM1.address(), s -> s.id(1))
        .server(STREAM2.id(), STREAM2.address(), s -> s.id(2))
        .build();
    for (String track : tracks) {
      String uri = "/hls/" + track + "/playlist.m3u8";
      assertThat(reference.route(new Get(uri)).server().id()).as(uri).isEqualTo(first.get(track));
    }
    reference.close();

    // a second gateway process (a restart, or another instance of the fleet) with the same seed agrees
    Map<String, Object> props = new LinkedHashMap<>(gatewayProperties());
    props.put("server.port", "0");
    try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(TestGatewayApplication.class)
        .properties(props).run()) {
      int restartedPort = Integer.parseInt(restarted.getEnvironment().getProperty("local.server.port"));
      assertThat(restartedPort).isNotEqualTo(port);
      assertThat(streamerOf(restartedPort, tracks, "segment-8.ts")).isEqualTo(first);
    }
  }

  /** GET /hls/{track}/{file} through the gateway on {@code port}: track to the X-Served-By of its answer. */
  Map<String, String> streamerOf(int gatewayPort, List<String> tracks, String file) throws Exception {
    Map<String, String> served = new TreeMap<>();
    for (String track : tracks) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + gatewayPort + "/hls/" + track + "/" + file)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      served.put(track, r.headers().firstValue(NettyBackend.SERVED_BY).orElseThrow());
    }
    return served;
  }

  @Test
  @Order(2)
  void aHungHostIsMarkedDownAndItsWebSocketsMoveWithoutLosingAMessage() throws Exception {
    List<BrowserClient> browsers = browsers("hung-", 4);
    try {
      Map<BrowserClient, ReliableWebSocket> sockets = new LinkedHashMap<>();
      for (BrowserClient b : browsers) {
        assertThat(b.get(ApiBackend.WHOAMI_PATH).status()).isEqualTo(200);
        sockets.put(b, b.openWebSocket(ApiBackend.WEBSOCKET_PATH, AWAIT));
      }
      sendAndAwait(sockets, 3);
      for (Map.Entry<BrowserClient, ReliableWebSocket> e : sockets.entrySet()) {
        assertThat(e.getValue().lastServer()).as("the WebSocket follows the cookie").isEqualTo(e.getKey().pin());
      }
      String hungId = browsers.get(0).pin();
      ApiBackend hung = api(hungId);
      List<BrowserClient> moved = browsers.stream().filter(b -> hungId.equals(b.pin())).toList();

      // the health endpoint hangs, everything else works: only the checks (timeout) see it, and only
      // on-marked-down shutdown-sessions moves the WebSockets that are still connected to it
      hung.hangHealthChecks(true);
      try {
        await(() -> health("backend-api", hungId) == OperationalState.DOWN, "checks mark " + hungId + " DOWN");
        for (BrowserClient b : moved) {
          ReliableWebSocket ws = sockets.get(b);
          assertThat(ws.awaitDisconnects(1, AWAIT)).as(b.name() + " WebSocket closed by the gateway").isTrue();
          assertThat(ws.disconnects().get(0).closeCode()).as("1001 going away").isEqualTo(1001);
        }
        sendAndAwait(sockets, 3);
        for (BrowserClient b : moved) {
          assertThat(sockets.get(b).lastServer()).isEqualTo(otherApi(hungId).id());
          assertThat(b.pin()).as("the 101 re-pinned the browser").isEqualTo(otherApi(hungId).id());
        }
        assertNoMessageLost(sockets.values());
        assertThat(stats(hungId).sessionsCurrent()).as("shut down, none registered since").isZero();
      } finally {
        hung.hangHealthChecks(false);
      }
      await(() -> health("backend-api", hungId) == OperationalState.UP, hungId + " rises again");
    } finally {
      browsers.forEach(BrowserClient::close);
    }
  }

  @Test
  @Order(3)
  void pinnedClientsStayPinnedAndLoseNothingWhenTheirBackendDies() throws Exception {
    List<BrowserClient> browsers = browsers("browser-", 4);
    try {
      // round robin pins the browsers across both backends; each stays on its pin
      for (int round = 0; round < 5; round++) {
        for (BrowserClient b : browsers) {
          Exchange x = b.get(ApiBackend.WHOAMI_PATH);
          assertThat(x.status()).isEqualTo(200);
          assertThat(x.servedBy()).as(b.name() + " served by its pin").isEqualTo(b.pin());
          assertThat(x.setCookie() != null).as("only the first response pins (" + x + ")").isEqualTo(round == 0);
        }
      }
      Exchange pinning = browsers.get(0).exchanges().get(0);
      assertThat(pinning.setCookie()).isEqualTo(COOKIE + "=" + pinning.servedBy() + "; path=/");
      assertThat(pinning.cacheControl()).as("nocache").isEqualTo("private");
      assertThat(browsers.stream().map(BrowserClient::pin).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(API1.id(), API2.id());

      Map<BrowserClient, ReliableWebSocket> sockets = new LinkedHashMap<>();
      for (BrowserClient b : browsers) {
        sockets.put(b, b.openWebSocket(ApiBackend.WEBSOCKET_PATH, AWAIT));
      }
      sendAndAwait(sockets, 5);
      for (Map.Entry<BrowserClient, ReliableWebSocket> e : sockets.entrySet()) {
        assertThat(e.getValue().lastServer()).isEqualTo(e.getKey().pin());
      }
      assertThat(stats(API1.id()).sessionsCurrent() + stats(API2.id()).sessionsCurrent())
          .as("every proxied WebSocket is a session of its server").isEqualTo(browsers.size());

      // kill the backend the first browser is pinned to; it is still UP for the pool until its checks fail
      String deadId = browsers.get(0).pin();
      ApiBackend dead = api(deadId);
      String survivor = otherApi(deadId).id();
      List<BrowserClient> victims = browsers.stream().filter(b -> deadId.equals(b.pin())).toList();
      int exchangesBefore = browsers.stream().mapToInt(b -> b.exchanges().size()).sum();
      dead.stop();
      for (int round = 0; round < 20; round++) {
        for (BrowserClient b : browsers) {
          sockets.get(b).send("during-outage-" + round);
          b.get(ApiBackend.WHOAMI_PATH);
        }
        Thread.sleep(25);
      }
      List<Exchange> failed = new ArrayList<>();
      int exchangesDuring = 0;
      for (BrowserClient b : browsers) {
        List<Exchange> all = b.exchanges();
        exchangesDuring += all.size();
        all.stream().filter(x -> !x.ok()).forEach(failed::add);
      }
      assertThat(exchangesDuring - exchangesBefore).isEqualTo(20 * browsers.size());
      assertThat(failed).as("no request failed: failed connects are retried, then redispatched").isEmpty();
      for (BrowserClient b : victims) {
        assertThat(b.pin()).as(b.name() + " got a new cookie").isEqualTo(survivor);
        assertThat(b.pinHistory()).containsExactly(deadId, survivor);
        List<Exchange> all = b.exchanges();
        assertThat(all.get(all.size() - 1).servedBy()).isEqualTo(survivor);
      }
      for (Map.Entry<BrowserClient, ReliableWebSocket> e : sockets.entrySet()) {
        ReliableWebSocket ws = e.getValue();
        assertThat(ws.awaitAllAcked(AWAIT)).as(e.getKey().name() + " every message answered").isTrue();
        assertThat(ws.lastServer()).isEqualTo(survivor);
      }
      assertNoMessageLost(sockets.values());
      for (BrowserClient b : victims) {
        assertThat(sockets.get(b).disconnects()).as(b.name() + " reconnected").isNotEmpty();
      }
      await(() -> health("backend-api", deadId) == OperationalState.DOWN, deadId + " marked DOWN");
      // the first requests follow stop() at once, while DOWN takes two failed checks 100 ms apart: at least one
      // pinned request found its server still UP, retried it (HAProxy retries the same server first), then
      // redispatched; later ones may find it DOWN already and be balanced
      ServerStats deadStats = stats(deadId);
      assertThat(deadStats.retries()).as("retries to the dead server").isPositive();
      assertThat(deadStats.redispatches()).as("redispatches away from it").isPositive();
      assertThat(deadStats.sessionsCurrent()).isZero();
      assertThat(stats(survivor).responses(2)).as("passive observation counts the backend's answers")
          .isGreaterThanOrEqualTo(20L * victims.size());
      assertThat(stats(survivor).responses(5)).isZero();
      assertThat(API1.persistenceCookieSeen() + API2.persistenceCookieSeen())
          .as("indirect: the persistence cookie never reaches a backend").isZero();

      // it comes back: rise checks, then slow start; pinned browsers stay where they are
      dead.start();
      await(() -> health("backend-api", deadId) == OperationalState.UP, deadId + " rises again");
      for (BrowserClient b : browsers) {
        assertThat(b.get(ApiBackend.WHOAMI_PATH).servedBy()).isEqualTo(survivor);
      }
    } finally {
      browsers.forEach(BrowserClient::close);
    }
  }

  /** Sends {@code n} messages on every socket and waits for every answer. */
  static void sendAndAwait(Map<BrowserClient, ReliableWebSocket> sockets, int n) throws InterruptedException {
    for (ReliableWebSocket ws : sockets.values()) {
      for (int k = 0; k < n; k++) {
        ws.send("hello-" + k);
      }
    }
    for (Map.Entry<BrowserClient, ReliableWebSocket> e : sockets.entrySet()) {
      assertThat(e.getValue().awaitAllAcked(AWAIT)).as(e.getKey().name() + " answered").isTrue();
    }
  }

  /** Every message ever sent was answered exactly once, as the application sees it (resends deduplicated). */
  static void assertNoMessageLost(Iterable<ReliableWebSocket> sockets) {
    for (ReliableWebSocket ws : sockets) {
      assertThat(ws.pendingCount()).isZero();
      assertThat(ws.acks()).hasSize(ws.sentCount());
      Set<String> servers = ws.acks().values().stream().map(ReliableWebSocket.Ack::server)
          .collect(Collectors.toSet());
      assertThat(servers).isSubsetOf(API1.id(), API2.id());
    }
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting: " + what).isNegative();
      Thread.sleep(20);
    }
  }

  /** A GET of {@code uri} without headers, as the pool reads it. */
  record Get(String target) implements RequestView {
    @Override
    public String method() {
      return "GET";
    }

    @Override
    public CharSequence uri() {
      return target;
    }

    @Override
    public int headerCount(CharSequence name) {
      return 0;
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      return null;
    }

    @Override
    public InetSocketAddress clientAddress() {
      return null;
    }
  }
}
