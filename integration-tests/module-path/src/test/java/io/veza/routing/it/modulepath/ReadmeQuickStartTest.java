package io.veza.routing.it.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RequestEdits;
import io.veza.routing.ResponseEdits;
import io.veza.routing.RouteDecision;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.Server;
import io.veza.routing.ServerSpec;
import io.veza.routing.SessionRegistration;
import io.veza.routing.discovery.Discovery;
import io.veza.routing.discovery.DnsDiscovery;
import io.veza.routing.hash.JumpHash;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.ActiveChecker;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.Probe;
import io.veza.routing.health.Probes;
import io.veza.routing.health.testing.ManualScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, run by an application module on the module path. The block between the
 * {@code README BEGIN}/{@code README END} markers is routing-api's {@code ReadmeQuickStartTest} block, character for
 * character ({@link #sameSnippetAsRoutingApi()} checks it); everything around it uses this module's own views
 * ({@link Request}, {@link Response}), since routing-api's test fixtures live in its own package.
 */
class ReadmeQuickStartTest {
  static final long FLEET_SEED = 0x5EEDL;

  @Test
  void runsOnTheModulePath() {
    assertEquals("io.veza.routing.it.modulepath", getClass().getModule().getName(), "the tests run in this module");
    for (Class<?> type : List.of(BackendPool.class, KeyHashers.class, HealthPolicy.class)) {
      assertTrue(type.getModule().isNamed(), type + " is in a named module, not on the class path");
    }
    assertTrue(getClass().getModule().canRead(HealthPolicy.class.getModule()),
        "requires io.veza.routing reads io.veza.routing.health (requires transitive)");
    assertTrue(getClass().getModule().canRead(KeyHashers.class.getModule()),
        "requires io.veza.routing reads io.veza.routing.hash (requires transitive)");
  }

  @Test
  void quickStart() throws Exception {
    ManualScheduler scheduler = new ManualScheduler(); // the README uses the defaults; tests drive time by hand
    long fleetSeed = FLEET_SEED;
    // the README's probe is Probes.http(client, "/api/v1/health"); this test must not connect anywhere
    Probe probe = Probes.of(server -> CompletableFuture.completedFuture(true));
    DnsDiscovery.Resolver resolver = host -> List.of(InetAddress.getByName("10.0.1.1"),
        InetAddress.getByName("10.0.1.2"));
    Request request = Request.get("/api/v1/whoami");
    Response responseView = Response.ok().setCookie("session=abc; path=/").header("Cache-Control", "max-age=60");
    InetSocketAddress addr3 = new InetSocketAddress("10.0.0.3", 8080);

    // README BEGIN
    // API traffic: round robin, pinned by SERVERID (HAProxy: cookie SERVERID insert indirect nocache)
    BackendPool api = BackendPool.builder("backend-api")
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .balance(Balance.roundRobin())
        .retries(3).redispatch(true)                        // retries 3 + option redispatch
        .shutdownSessionsOnMarkedDown(true)                 // on-marked-down shutdown-sessions
        .defaultHealthPolicy(HealthPolicy.builder()         // default-server, also for servers added later
            .inter(Duration.ofSeconds(5)).rise(2).fall(3).slowStart(Duration.ofSeconds(30))
            .observe(ObserveMode.LAYER7).build())
        .server("backend-api-1", new InetSocketAddress("10.0.0.1", 8080), s -> s.cookie("api1"))
        .server("backend-api-2", new InetSocketAddress("10.0.0.2", 8080), s -> s.cookie("api2").weight(2))
        .server("spare", new InetSocketAddress("10.0.0.9", 8080), s -> s.cookie("spare").backup())
        .scheduler(scheduler).ticker(scheduler.ticker())    // (tests only: manual time)
        .build();
    ActiveChecker checks = api.startChecks(probe);         // README: Probes.http(client, "/api/v1/health").build()

    // Stream traffic: /hls/{track_id}/... -> jump consistent hash of the track id; the members come from DNS
    // (server-template stream 16 streams.veza.internal:8080), each with its template number as persistent id
    BackendPool streams = BackendPool.builder("stream")
        .balance(Balance.pathSegment(1))                    // balance hash path,field(3,/)
        .keyHasher(KeyHashers.xxh3(fleetSeed))              // the same seed on every gateway
        .hashSlots(16)                                      // the template's size: only a changed server's keys move
        .build();
    Discovery dns = DnsDiscovery.builder("stream", "streams.veza.internal", 8080).count(16)
        .resolver(resolver).scheduler(scheduler)            // (tests only: no DNS server, manual time)
        .build();
    dns.start(streams::update);

    // Per request
    RouteDecision d = api.route(request);                   // lock-free, never throws, 0 allocation
    if (d.server() == null) { /* NO_SERVER: answer 503 */ }
    RequestEdits req = api.editRequest(d, request);         // indirect: SERVERID is not forwarded
    if (req.replacesCookies()) { /* replace the Cookie headers by req.cookieHeaders() */ }
    // connect to d.server().address(); on a connect failure:
    //   api.reportConnectFailure(d.server()); d = api.retry(request, d, ++failures); (null: answer 503)
    ResponseEdits res = api.editResponse(d, responseView);  // Set-Cookie, and Cache-Control under nocache
    if (res.replacesSetCookies()) { /* remove the Set-Cookie headers, add res.setCookies() in order */ }
    if (res.cacheControl() != null) { /* add a header "Cache-Control: " + res.cacheControl() */ }
    api.reportResponse(d.server(), responseView.status());  // passive health (observe layer7)
    SessionRegistration ws = api.registerSession(d.server(), () -> { /* webSocket.close(1001) */ });

    // Membership at runtime (HAProxy add server / del server, with the default-server policy)
    api.add(ServerSpec.builder("backend-api-3", addr3).cookie("api3").build());
    api.remove("backend-api-3");
    // README END

    // what the snippet did
    assertEquals(Reason.BALANCED, d.reason());
    assertFalse(req.replacesCookies(), "no Cookie header: nothing to edit");
    assertEquals(List.of("session=abc; path=/", "SERVERID=" + d.server().cookieValue() + "; path=/"),
        res.setCookies());
    assertEquals("private", res.cacheControl(), "a cacheable 200 (max-age) to a GET, nocache");
    assertTrue(ws.isRegistered());
    assertEquals(List.of("backend-api-1", "backend-api-2", "spare"),
        api.servers().stream().map(Server::id).toList());
    Request again = Request.get("/api/v1/whoami").header("Cookie", "lang=fr; SERVERID=" + d.server().cookieValue());
    RouteDecision pinned = api.route(again);
    assertEquals(Reason.PERSISTED, pinned.reason());
    assertEquals(d.server(), pinned.server());
    assertEquals(List.of("lang=fr"), api.editRequest(pinned, again).cookieHeaders());
    assertEquals(ResponseEdits.NONE, api.editResponse(pinned, Response.ok()), "indirect: no re-issue");

    // types of the hash and health modules, and JDK collections, in the library's signatures: each call compiles
    // only if this module reads the module of every type involved and the type's package is exported
    assertEquals(0, api.cookie().get().domains().size());
    assertEquals(List.of(), api.cookie().get().attrs());
    assertEquals(Duration.ofSeconds(5), api.servers().get(0).healthPolicy().inter());
    assertEquals(Duration.ofSeconds(5), api.health().servers().get(0).policy().inter());
    assertEquals(3, api.stats().servers().size());
    assertEquals(0, api.stats().servers().get(0).checks().checksFailed());
    List<String> summary = PoolSummary.of(api);
    assertEquals("backend-api: cookie SERVERID INSERT domains=0 attrs=0", summary.get(0));
    assertTrue(summary.get(2).startsWith("backend-api-2 UP weight=2 inter=5000ms rise=2 fall=3 idhash="), summary.get(2));

    assertEquals(2, streams.size());
    List<Integer> slots = new ArrayList<>();
    streams.servers().forEach(s -> slots.add(s.slot()));
    for (int i = 0; i < 200; i++) {
      String trackId = "3f2504e0-4f89-41d3-9a0c-" + String.format("%012x", i * 7919L);
      RouteDecision t = streams.route(Request.get("/hls/" + trackId + "/index.m3u8"));
      assertEquals(Reason.HASHED, t.reason());
      assertNotNull(t.server());
      // what a Go, Rust or C++ service computes over the same 16 slots: JumpConsistentHash(XXH3_64(seed, utf8), 16)
      int bucket = JumpHash.bucket(KeyHashers.xxh3(FLEET_SEED).hash(trackId), 16);
      if (slots.contains(bucket)) {
        assertEquals(bucket, t.server().slot(), trackId);
      }
    }
    checks.close();
    dns.close();
    api.close();
    streams.close();
  }

  /** The snippet above is routing-api's, so the README's code is what runs here on the module path. */
  @Test
  void sameSnippetAsRoutingApi() throws IOException {
    Path here = Path.of(System.getProperty("veza.readme.copy"));
    Path routingApi = Path.of(System.getProperty("veza.readme.source"));
    assertEquals(snippet(routingApi), snippet(here),
        "the README block changed in " + routingApi + ": copy it to " + here);
  }

  private static String snippet(Path source) throws IOException {
    String text = Files.readString(source);
    int begin = text.indexOf("// README BEGIN");
    int end = text.indexOf("// README END");
    assertTrue(begin >= 0 && end > begin, "README BEGIN/END markers in " + source);
    return text.substring(begin, end);
  }
}
