package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RouteDecision;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OperationalState;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Veza configuration (test resource {@code veza-haproxy.cfg}) loads, HAProxy accepts it, and its pools decide
 * like the pools the example builds by hand (examples' {@code VezaPlatform.apiPool}/{@code streamPool}, production
 * timings), request by request, with every server up and with each one down.
 */
class VezaConfigTest {
  static final Map<String, String> ENV = Map.of("API_1", "127.0.0.1:18081", "API_2", "127.0.0.1:18082",
      "STREAM_1", "127.0.0.1:18091", "STREAM_2", "127.0.0.1:18092");

  static String vezaConfig() {
    try (InputStream in = VezaConfigTest.class.getResourceAsStream("veza-haproxy.cfg")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static HaproxyConfig load() {
    return HaproxyConfig.parser().fileName("veza-haproxy.cfg").environment(ENV).parse(vezaConfig());
  }

  @Test
  void haproxyAcceptsTheVezaConfiguration() {
    Haproxy.Check c = Haproxy.check(vezaConfig(), ENV);
    assertTrue(c.accepted(), c.output());
  }

  @Test
  void importsWhatTheConfigurationSays() {
    HaproxyConfig config = load();
    assertEquals(List.of("api_pool", "stream_pool"), config.backends().stream().map(HaproxyBackend::name).toList());
    assertTrue(config.ignored().isEmpty());
    assertTrue(config.notes().stream().anyMatch(n -> n.keyword().equals("frontend")), config.notes().toString());
    assertTrue(config.notes().stream().anyMatch(n -> n.keyword().equals("stats")), config.notes().toString());
    HaproxyBackend api = config.backend("api_pool").orElseThrow();
    assertEquals("cookie SERVERID insert indirect nocache", api.cookie().orElseThrow().toString());
    assertEquals(List.of(1, 2), api.servers().stream().map(ServerSpec::persistentId).toList());
    assertEquals(List.of("api1", "api2"), api.servers().stream().map(ServerSpec::cookie).toList());
    assertEquals(new InetSocketAddress("127.0.0.1", 18081), api.servers().get(0).address());
    assertTrue(api.redispatch());
    assertTrue(api.shutdownSessionsOnMarkedDown());
    HealthPolicy p = api.defaultHealthPolicy();
    assertEquals(Duration.ofSeconds(5), p.inter());
    assertEquals(3, p.fall());
    assertEquals(2, p.rise());
    assertEquals(Duration.ofSeconds(30), p.slowStart());
    assertEquals(ObserveMode.LAYER7, p.observe());
    // HAProxy's check budget: min(inter 5s, timeout connect 5s) to connect + timeout check 2s to answer
    assertEquals(Duration.ofSeconds(7), p.checkTimeout());
    HttpCheck check = api.httpCheck().orElseThrow();
    assertEquals("GET", check.method());
    assertEquals("/api/v1/health", check.uri());
    assertTrue(check.passes(204) && check.passes(302) && !check.passes(503));
    HaproxyBackend stream = config.backend("stream_pool").orElseThrow();
    assertEquals("uri", stream.balance().toString());
    assertEquals("consistent", stream.hashType());
    assertEquals(Duration.ZERO, stream.defaultHealthPolicy().slowStart());
    assertTrue(!stream.shutdownSessionsOnMarkedDown());
  }

  /** The example's apiPool with the production timings (VezaPlatform.apiPool). */
  static BackendPool handBuiltApiPool() {
    HealthPolicy health = HealthPolicy.builder().inter(Duration.ofSeconds(5)).fall(3).rise(2)
        .checkTimeout(Duration.ofSeconds(7)).observe(ObserveMode.LAYER7).slowStart(Duration.ofSeconds(30)).build();
    return BackendPool.builder("api_pool")
        .server("backend-api-1", new InetSocketAddress("127.0.0.1", 18081), s -> s.cookie("api1"))
        .server("backend-api-2", new InetSocketAddress("127.0.0.1", 18082), s -> s.cookie("api2"))
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .redispatch(true)
        .shutdownSessionsOnMarkedDown(true)
        .defaultHealthPolicy(health)
        .build();
  }

  /**
   * The example's streamPool, with the balance the configuration declares: {@code balance uri} hashes the whole
   * request-target up to '?', while the example hashes the track id alone ({@code Balance.key(trackId)}), which no
   * HAProxy 2.6 balance keyword but {@code balance hash} expresses.
   */
  static BackendPool handBuiltStreamPool() {
    HealthPolicy health = HealthPolicy.builder().inter(Duration.ofSeconds(5)).fall(3).rise(2)
        .checkTimeout(Duration.ofSeconds(7)).observe(ObserveMode.LAYER7).build();
    return BackendPool.builder("stream_pool")
        .server("stream-server-1", new InetSocketAddress("127.0.0.1", 18091))
        .server("stream-server-2", new InetSocketAddress("127.0.0.1", 18092))
        .balance(Balance.uri())
        .redispatch(true)
        .defaultHealthPolicy(health)
        .build();
  }

  static List<TestRequest> corpus(long seed, int n) {
    Random r = new Random(seed);
    List<TestRequest> out = new ArrayList<>();
    String[] cookies = {null, "SERVERID=api1", "SERVERID=api2", "SERVERID=nope", "theme=dark; SERVERID=api2",
        "SERVERID=api1; SERVERID=api2", "SERVERID=\"api1\"", "serverid=api1"};
    for (int i = 0; i < n; i++) {
      TestRequest req;
      if (r.nextBoolean()) {
        req = new TestRequest(r.nextInt(4) == 0 ? "POST" : "GET", "/api/v1/tracks/" + r.nextInt(1000));
        String c = cookies[r.nextInt(cookies.length)];
        if (c != null) {
          req.header("Cookie", c);
        }
      } else {
        String track = new UUID(r.nextLong(), r.nextLong()).toString();
        req = TestRequest.get("/hls/" + track + "/seg" + r.nextInt(50) + ".ts" + (r.nextInt(3) == 0 ? "?t=1" : ""));
      }
      out.add(req);
    }
    return out;
  }

  @Test
  void poolsDecideLikeTheHandBuiltOnes() {
    HaproxyConfig config = load();
    try (BackendPool api = config.backend("api_pool").orElseThrow().builder().build();
         BackendPool stream = config.backend("stream_pool").orElseThrow().builder().build();
         BackendPool apiByHand = handBuiltApiPool();
         BackendPool streamByHand = handBuiltStreamPool()) {
      assertEquals(apiByHand.servers().stream().map(s -> s.id() + "@" + s.slot()).toList(),
          api.servers().stream().map(s -> s.id() + "@" + s.slot()).toList());
      List<TestRequest> requests = corpus(20240611L, 2000);
      compare(requests, api, apiByHand, stream, streamByHand);
      for (String down : List.of("backend-api-1", "backend-api-2")) {
        api.setHealth(down, OperationalState.DOWN);
        apiByHand.setHealth(down, OperationalState.DOWN);
        compare(requests, api, apiByHand, stream, streamByHand);
        api.setHealth(down, OperationalState.UP);
        apiByHand.setHealth(down, OperationalState.UP);
      }
      for (String down : List.of("stream-server-1", "stream-server-2")) {
        stream.setHealth(down, OperationalState.DOWN);
        streamByHand.setHealth(down, OperationalState.DOWN);
        compare(requests, api, apiByHand, stream, streamByHand);
        stream.setHealth(down, OperationalState.UP);
        streamByHand.setHealth(down, OperationalState.UP);
      }
    }
  }

  private static void compare(List<TestRequest> requests, BackendPool api, BackendPool apiByHand, BackendPool stream,
                              BackendPool streamByHand) {
    int hashed = 0;
    for (TestRequest req : requests) {
      boolean isApi = req.uri().toString().startsWith("/api/");
      RouteDecision a = (isApi ? api : stream).route(req);
      RouteDecision b = (isApi ? apiByHand : streamByHand).route(req);
      assertEquals(describe(b), describe(a), req.toString());
      if (a.reason() == RouteDecision.Reason.HASHED) {
        hashed++;
      }
      if (a.server() != null) {
        RouteDecision ra = (isApi ? api : stream).retry(req, a, 1);
        RouteDecision rb = (isApi ? apiByHand : streamByHand).retry(req, b, 1);
        assertEquals(describe(rb), describe(ra), "retry of " + req);
      }
    }
    assertTrue(hashed > 0, "the corpus reaches the hashed pool");
  }

  private static String describe(RouteDecision d) {
    return d == null ? "give up" : (d.server() == null ? "-" : d.server().id()) + " " + d.reason();
  }

  /**
   * The example's stream pool hashes the track id alone, which HAProxy 2.6 writes {@code balance hash
   * path,field(3,/)} (the third '/'-separated field of the path); the importer maps it onto
   * {@code Balance.pathSegment(1)}, and the imported pool decides exactly like the example's, all up and with each
   * streamer down.
   */
  @Test
  void trackIdHashingDecidesLikeTheExamplesStreamPool() {
    String cfg = String.join("\n", "defaults", "    mode http", "    option redispatch", "    retries 3",
        "    default-server check inter 5s fall 3 rise 2 observe layer7", "", "backend stream_pool",
        "    balance hash path,field(3,/)", "    hash-type consistent", "    option httpchk GET /api/v1/health",
        "    server stream-server-1 127.0.0.1:18091", "    server stream-server-2 127.0.0.1:18092", "");
    assertTrue(Haproxy.check(cfg, Map.of()).accepted(), "haproxy -c accepts the configuration");
    HaproxyConfig config = HaproxyConfig.parse(cfg);
    try (BackendPool imported = config.backend("stream_pool").orElseThrow().builder().build();
         BackendPool byHand = BackendPool.builder("stream_pool")
             .server("stream-server-1", new InetSocketAddress("127.0.0.1", 18091))
             .server("stream-server-2", new InetSocketAddress("127.0.0.1", 18092))
             .balance(Balance.pathSegment(1)).redispatch(true).build()) {
      List<TestRequest> requests = corpus(20261129L, 2000);
      for (String down : new String[] {null, "stream-server-1", "stream-server-2"}) {
        if (down != null) {
          imported.setHealth(down, OperationalState.DOWN);
          byHand.setHealth(down, OperationalState.DOWN);
        }
        int hashed = 0;
        for (TestRequest req : requests) {
          if (req.uri().toString().startsWith("/hls/")) {
            RouteDecision a = imported.route(req);
            RouteDecision b = byHand.route(req);
            assertEquals(describe(b), describe(a), req.toString());
            hashed += a.reason() == RouteDecision.Reason.HASHED ? 1 : 0;
          }
        }
        assertTrue(hashed > 0, "track requests are hashed");
        if (down != null) {
          imported.setHealth(down, OperationalState.UP);
          byHand.setHealth(down, OperationalState.UP);
        }
      }
    }
  }
}
