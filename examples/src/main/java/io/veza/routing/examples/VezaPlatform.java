package io.veza.routing.examples;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.Balance;
import io.veza.routing.BackendPool;
import io.veza.routing.CookiePersistence;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.backend.StreamServer;
import io.veza.routing.examples.gateway.Gateway;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.Probes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import io.veza.routing.admin.AdminServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Veza platform on loopback: two {@code backend-api} instances, two {@code stream-server}s, and the gateway
 * in front of them with one {@link BackendPool} per kind of traffic. This is the code the README walks through.
 */
public final class VezaPlatform implements AutoCloseable {
  public static final String PERSISTENCE_COOKIE = "SERVERID";
  public static final String API_1 = "backend-api-1";
  public static final String API_2 = "backend-api-2";
  /** The instance that joins the pool at runtime in the failover run, and leaves it again. */
  public static final String API_3 = "backend-api-3";
  public static final String STREAM_1 = "stream-server-1";
  public static final String STREAM_2 = "stream-server-2";

  /**
   * Health-check timing of the run.
   *
   * @param inter {@code inter}: interval between checks
   * @param fall {@code fall}: consecutive failed checks that mark a server DOWN
   * @param rise {@code rise}: consecutive passed checks that mark it UP again
   * @param slowStart {@code slowstart} of the API servers (the stream servers have none: see below)
   * @param checkTimeout {@code timeout check}
   */
  public record Timings(Duration inter, int fall, int rise, Duration slowStart, Duration checkTimeout) {
    /** The platform's production settings: {@code inter 5s fall 3 rise 2 slowstart 30s}. */
    public static Timings production() {
      return new Timings(Duration.ofSeconds(5), 3, 2, Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    /** Shortened for the demo: same fall/rise, 25x faster. */
    public static Timings demo() {
      return new Timings(Duration.ofMillis(200), 3, 2, Duration.ofSeconds(3), Duration.ofMillis(500));
    }

    @Override
    public String toString() {
      return "check inter " + inter.toMillis() + "ms fall " + fall + " rise " + rise + " timeout check "
          + checkTimeout.toMillis() + "ms, slowstart " + slowStart.toMillis() + "ms (API servers)";
    }
  }

  final Timings timings;
  final EventLoopGroup backendLoops;
  final ApiBackend api1;
  final ApiBackend api2;
  final StreamServer stream1;
  final StreamServer stream2;
  final HealthEvents events = new HealthEvents();
  final HttpClient probeClient;
  final BackendPool apiPool;
  final BackendPool streamPool;
  final Gateway gateway;
  /** HAProxy's runtime API for both pools, on a Unix socket: the demo reads server status through it. */
  final AdminServer admin;
  final Path statsSocket;
  private ApiBackend api3;

  private VezaPlatform(Timings timings) throws InterruptedException {
    this.timings = timings;
    backendLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    api1 = new ApiBackend(API_1, backendLoops, PERSISTENCE_COOKIE);
    api2 = new ApiBackend(API_2, backendLoops, PERSISTENCE_COOKIE);
    stream1 = new StreamServer(STREAM_1, backendLoops);
    stream2 = new StreamServer(STREAM_2, backendLoops);
    for (var backend : List.of(api1, api2, stream1, stream2)) {
      backend.start();
    }
    probeClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timings.checkTimeout())
        .build();
    apiPool = apiPool(timings, api1.address(), api2.address(), events);
    streamPool = streamPool(timings, stream1.address(), stream2.address(), events);
    // option httpchk GET /api/v1/health on every server of both pools. A cold JDK HttpClient needs longer than a
    // short check timeout for its first request, which would fail the first check and (a new server starts at
    // h = rise) take the server DOWN at once, as HAProxy would: warm the client up first.
    warmUp(probeClient, List.of(api1, api2, stream1, stream2));
    apiPool.startChecks(healthProbe(timings, probeClient));
    streamPool.startChecks(healthProbe(timings, probeClient));
    try {
      statsSocket = Files.createTempDirectory("veza-demo").resolve("admin.sock");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no temporary directory for the stats socket", e);
    }
    admin = AdminServer.builder().pool(apiPool).pool(streamPool).unixSocket(statsSocket).start();
    gateway = Gateway.builder()
        .route("/api/", apiPool)
        .route("/ws", apiPool)
        .route("/hls/", streamPool)
        .connectTimeout(Duration.ofMillis(500))
        .responseTimeout(Duration.ofSeconds(5))
        .build()
        .start();
  }

  /** Starts the four backends on ephemeral loopback ports, the pools with their checks, and the gateway. */
  public static VezaPlatform start(Timings timings) throws InterruptedException {
    return new VezaPlatform(timings);
  }

  /**
   * What both pools share: {@code default-server check inter .. fall .. rise .. observe layer7} and
   * {@code timeout check}. With observe layer7, failed connects and 5xx from live traffic count too (error-limit 10).
   */
  static HealthPolicy.Builder defaultServerChecks(Timings t) {
    return HealthPolicy.builder()
        .inter(t.inter())
        .fall(t.fall())
        .rise(t.rise())
        .checkTimeout(t.checkTimeout())
        .observe(ObserveMode.LAYER7);
  }

  /**
   * {@code backend backend-api}: {@code balance roundrobin}, {@code cookie SERVERID insert indirect nocache},
   * {@code option redispatch}, {@code on-marked-down shutdown-sessions},
   * {@code default-server check inter .. fall .. rise .. slowstart .. observe layer7}.
   */
  static BackendPool apiPool(Timings t, InetSocketAddress api1, InetSocketAddress api2, HealthEvents events) {
    HealthPolicy health = defaultServerChecks(t).slowStart(t.slowStart()).build();
    return BackendPool.builder("backend-api")
        .server(API_1, api1, s -> s.cookie("api1"))
        .server(API_2, api2, s -> s.cookie("api2"))
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie " + PERSISTENCE_COOKIE + " insert indirect nocache").build())
        .redispatch(true)
        .retries(3)
        .shutdownSessionsOnMarkedDown(true)
        .defaultHealthPolicy(health)
        .healthListener(events)
        .build();
  }

  /**
   * {@code backend stream-server}: {@code balance hash path,field(3,/)} + {@code hash-type consistent} — the
   * {@code track_id} of {@code /hls/{track_id}/...} (path segment 1) is the key of the jump consistent hash, hashed
   * in place with no copy, so every segment of a track goes to one streamer ({@code balance uri} would hash the whole
   * path and spread a track's segments); {@code option redispatch}. No slow start: a returning streamer should take
   * its tracks back at once.
   */
  static BackendPool streamPool(Timings t, InetSocketAddress s1, InetSocketAddress s2, HealthEvents events) {
    HealthPolicy health = defaultServerChecks(t).build();
    return BackendPool.builder("stream-server")
        .server(STREAM_1, s1)
        .server(STREAM_2, s2)
        .balance(Balance.pathSegment(1))
        .redispatch(true)
        .retries(3)
        .defaultHealthPolicy(health)
        .healthListener(events)
        .build();
  }

  /** {@code option httpchk GET /api/v1/health}: passes on 2xx/3xx, a new request per check. */
  static io.veza.routing.health.Probe healthProbe(Timings t, HttpClient client) {
    return Probes.http(client, ApiBackend.HEALTH_PATH).requestTimeout(t.checkTimeout()).build();
  }

  private static void warmUp(HttpClient client, List<? extends io.veza.routing.examples.backend.NettyBackend> backends)
      throws InterruptedException {
    for (var backend : backends) {
      InetSocketAddress a = backend.address();
      try {
        client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://" + a.getHostString() + ":" + a.getPort() + ApiBackend.HEALTH_PATH))
            .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(backend.id() + " does not answer its health check", e);
      }
    }
  }

  /** Starts {@code backend-api-3} (not yet a member of any pool): the instance an autoscaler would add. */
  synchronized ApiBackend startApi3() throws InterruptedException {
    if (api3 == null) {
      api3 = new ApiBackend(API_3, backendLoops, PERSISTENCE_COOKIE);
    }
    api3.start();
    return api3;
  }

  public Gateway gateway() {
    return gateway;
  }

  public URI gatewayUri() {
    InetSocketAddress a = gateway.address();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
  }

  @Override
  public void close() throws InterruptedException {
    admin.close();
    gateway.close();
    apiPool.close();
    streamPool.close();
    for (var backend : List.of(api1, api2, stream1, stream2)) {
      backend.stop();
    }
    synchronized (this) {
      if (api3 != null) {
        api3.stop();
      }
    }
    backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
