package io.veza.routing.examples;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.ServerSpec;
import io.veza.routing.examples.client.BrowserClient;
import io.veza.routing.examples.client.Exchange;
import io.veza.routing.examples.client.ReliableWebSocket;
import io.veza.routing.netty.ProxyStats;
import io.veza.routing.health.HealthEvent;
import io.veza.routing.health.ServerStatus;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The failover acceptance run on real loopback sockets, step by step. Each step prints what it does and
 * returns the {@link Check}s it verified; {@link #run()} runs them all. {@code FailoverDemo} prints the result,
 * {@code FailoverScenarioTest} asserts it. Every wait is on a condition with a deadline.
 */
public final class FailoverScenario implements AutoCloseable {
  static final String WHOAMI = "/api/v1/whoami";
  static final int BROWSERS = 6;
  static final int TRACKS = 64;

  /** What the run measured, for the report and the test. */
  public record Measurements(long detectionMillis, long detectionBoundMillis, long upMillis, long failedRequests,
      long requestsBeforeDetection, long lostMessages, long duplicateAcks, long resentMessages,
      int tracksMovedOnStop, int tracksOfStoppedStreamer, int tracksNotBackAfterRestart,
      List<double[]> slowStartShares, ProxyStats.Snapshot gatewayStats, Membership membership) {}

  /**
   * Step 6 (a third API instance joins at runtime, then leaves): what it measured.
   *
   * @param upMillis from {@code pool.add} to UP (rise passed checks)
   * @param servedBeforeUp requests served by the new instance before it was UP (must be 0)
   * @param shares slow-start table: {t/S, share of new clients, expected share, requests}
   * @param pinnedToNew browsers that were pinned to the new instance when it left
   * @param failedRequests failed requests during the step (every browser)
   * @param lostMessages WebSocket messages unanswered at the end of the step
   * @param sessionsClosedOnRemoval WebSocket sessions the pool closed when the instance left (1001)
   * @param servedAfterRemoval requests the new instance served after {@code pool.remove} returned (must be 0)
   */
  public record Membership(long upMillis, long servedBeforeUp, List<double[]> shares, int pinnedToNew,
      long failedRequests, long lostMessages, long sessionsClosedOnRemoval, long servedAfterRemoval) {}

  private Membership membership;

  private final VezaPlatform platform;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final List<Check> checks = new ArrayList<>();
  private final EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<BrowserClient> browsers = new ArrayList<>();
  private final Map<String, String> initialPins = new LinkedHashMap<>();
  private final Map<String, String> trackHome = new LinkedHashMap<>();
  private final String apiCookie1;
  private final String apiCookie2;

  private long stopNanos;
  private long detectionMillis = -1;
  private long detectionBoundMillis;
  private long upMillis = -1;
  private long requestsBeforeDetection;
  private int tracksMoved;
  private int tracksOfStopped;
  private int tracksNotBack = -1;
  private final List<double[]> shares = new ArrayList<>();

  public FailoverScenario(VezaPlatform platform, PrintStream out) {
    this.platform = platform;
    this.out = out;
    this.apiCookie1 = platform.apiPool.server(VezaPlatform.API_1).map(Server::cookieValue).orElseThrow();
    this.apiCookie2 = platform.apiPool.server(VezaPlatform.API_2).map(Server::cookieValue).orElseThrow();
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  public boolean verdict() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
  }

  /** Runs every step in order. */
  public List<Check> run() throws InterruptedException {
    step0AllUp();
    step1Baseline();
    step2to4KillApi1();
    step5RestartApi1();
    step6ScaleOutAndIn();
    streams();
    return checks();
  }

  public Measurements measurements() {
    long failed = 0;
    long lost = 0;
    long duplicates = 0;
    long resent = 0;
    for (BrowserClient b : browsers) {
      failed += b.exchanges().stream().filter(e -> !e.ok()).count();
      ReliableWebSocket ws = b.webSocket();
      if (ws != null) {
        lost += ws.sentCount() - ws.acks().size();
        duplicates += ws.duplicateAcks();
        resent += ws.resent();
      }
    }
    return new Measurements(detectionMillis, detectionBoundMillis, upMillis, failed, requestsBeforeDetection, lost,
        duplicates, resent, tracksMoved, tracksOfStopped, tracksNotBack, List.copyOf(shares),
        platform.gateway.stats(), membership);
  }

  // ---------------------------------------------------------------------------------------------------------

  void step0AllUp() throws InterruptedException {
    header("step 0", "all servers UP per the health tracker (first checks passed: full health)");
    boolean allFull = await(Duration.ofSeconds(10), () -> allServers().stream().allMatch(ServerStatus::isFullHealth));
    for (HealthEvent e : platform.events.all()) {
      say("  event: %s %s %s", e.serverId(), e.kind(), e.cause());
    }
    for (ServerStatus s : allServers()) {
      say("  %-16s up=%s health=%d/%d admin=%s weight=%.3f", s.id(), s.up(), s.health(), s.rise() + s.fall() - 1,
          s.admin(), s.effectiveWeight());
    }
    check("step 0", "every server is UP at full health", allFull && allServers().stream().allMatch(ServerStatus::up),
        allServers().size() + " servers");
    check("step 0", "no server changed state since start (no failed first check)", platform.events.size() == 0,
        platform.events.size() + " transitions");
    // the Veza smoke test's step 0: echo "show stat" | socat stdio unix-connect:SOCK -> every server UP
    boolean socketUp = await(Duration.ofSeconds(10), () -> socketStatuses().values().stream().allMatch("UP"::equals)
        && socketStatuses().size() == 4);
    say("  stats socket %s: %s", platform.statsSocket, socketStatuses());
    check("step 0", "the stats socket (show stat) reads every server UP", socketUp, socketStatuses().toString());
  }

  private Map<String, String> socketStatuses() {
    try {
      return StatsSocket.statuses(platform.statsSocket);
    } catch (java.io.IOException e) {
      return Map.of("error", e.toString());
    }
  }

  /** Polls the stats socket every 20 ms until {@code server} of the API pool reads {@code status}; its time or -1. */
  private long awaitSocketStatus(String server, String status, Duration timeout) throws InterruptedException {
    boolean seen = await(timeout, () -> status.equals(StatsSocket.status(platform.statsSocket,
        platform.apiPool.name(), server)));
    return seen ? System.nanoTime() : -1;
  }

  void step1Baseline() throws InterruptedException {
    header("step 1", BROWSERS + " browsers: REST calls and a WebSocket each; " + TRACKS + " HLS tracks");
    for (int i = 1; i <= BROWSERS; i++) {
      browsers.add(new BrowserClient("b" + i, platform.gatewayUri(), http, clientLoops, VezaPlatform.PERSISTENCE_COOKIE));
    }
    boolean allOk = true;
    boolean pinsKept = true;
    boolean cookieOnFirstOnly = true;
    for (BrowserClient b : browsers) {
      List<Exchange> first = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        first.add(b.get(WHOAMI));
      }
      allOk &= first.stream().allMatch(Exchange::ok);
      String server = first.get(0).servedBy();
      pinsKept &= first.stream().allMatch(e -> Objects.equals(e.servedBy(), server));
      cookieOnFirstOnly &= first.get(0).setCookie() != null && first.get(1).setCookie() == null
          && "private".equals(first.get(0).cacheControl());
      initialPins.put(b.name(), server);
      say("  %s: %s -> served by %s, Set-Cookie: %s, Cache-Control: %s; next 2 calls: %s, %s", b.name(), WHOAMI, server,
          first.get(0).setCookie(), first.get(0).cacheControl(), first.get(1).servedBy(), first.get(2).servedBy());
    }
    check("step 1", "baseline REST calls all 200", allOk, "");
    check("step 1", "each browser keeps its SERVERID pin across requests", pinsKept, "");
    check("step 1", "the cookie is inserted once, with Cache-Control: private (insert nocache; the answer carries an"
        + " ETag, so it is cacheable)", cookieOnFirstOnly, "");
    long pinnedTo1 = initialPins.values().stream().filter(VezaPlatform.API_1::equals).count();
    check("step 1", "round robin pinned browsers to both API servers", pinnedTo1 > 0 && pinnedTo1 < BROWSERS,
        pinnedTo1 + " on " + VezaPlatform.API_1 + ", " + (BROWSERS - pinnedTo1) + " on " + VezaPlatform.API_2);
    check("step 1", "indirect: no backend ever saw the SERVERID cookie",
        platform.api1.persistenceCookieSeen() + platform.api2.persistenceCookieSeen() == 0, "");

    boolean wsPinned = true;
    for (BrowserClient b : browsers) {
      ReliableWebSocket ws = b.openWebSocket("/ws", Duration.ofSeconds(5));
      for (int m = 0; m < 3; m++) {
        ws.send("hello " + m);
      }
      boolean acked = ws.awaitAllAcked(Duration.ofSeconds(5));
      boolean same = acked && ws.acks().values().stream().allMatch(a -> a.server().equals(initialPins.get(b.name())));
      wsPinned &= same;
      say("  %s: WebSocket answered by %s (pinned to %s)", b.name(), ws.lastServer(), initialPins.get(b.name()));
    }
    check("step 1", "each browser's WebSocket lands on its pinned server", wsPinned, "");

    Random random = new Random(6); // fixed seed: the same tracks every run
    for (int t = 0; t < TRACKS; t++) {
      trackHome.put(new java.util.UUID(random.nextLong(), random.nextLong()).toString(), null);
    }
    BrowserClient player = new BrowserClient("player", platform.gatewayUri(), http, clientLoops, "none");
    boolean tracksOk = true;
    for (String track : trackHome.keySet()) {
      Exchange a = player.get("/hls/" + track + "/index.m3u8");
      Exchange b = player.get("/hls/" + track + "/segment-1.ts");
      tracksOk &= a.ok() && b.ok() && Objects.equals(a.servedBy(), b.servedBy());
      trackHome.put(track, a.servedBy());
    }
    long on1 = trackHome.values().stream().filter(VezaPlatform.STREAM_1::equals).count();
    say("  tracks: %d on %s, %d on %s", on1, VezaPlatform.STREAM_1, TRACKS - on1, VezaPlatform.STREAM_2);
    check("step 1", "every track's playlist and segments come from one streamer", tracksOk, "");
  }

  void step2to4KillApi1() throws InterruptedException {
    header("step 2", "traffic keeps flowing (every browser: 1 REST call + 1 WebSocket message per tick); stop "
        + VezaPlatform.API_1 + " (listening socket and open connections closed, like a killed process)");
    int eventsBefore = platform.events.size();
    ScheduledExecutorService traffic = Executors.newScheduledThreadPool(BROWSERS);
    AtomicBoolean running = new AtomicBoolean(true);
    List<ScheduledFuture<?>> tasks = new ArrayList<>();
    for (BrowserClient b : browsers) {
      int[] tick = {0};
      tasks.add(traffic.scheduleWithFixedDelay(() -> {
        if (running.get() && tick[0] < 2000) { // bounded: at most 2000 ticks per browser
          b.get(WHOAMI);
          b.webSocket().send("tick " + tick[0]++);
        }
      }, 0, 20, TimeUnit.MILLISECONDS));
    }
    // let traffic run on both servers before the failure
    await(Duration.ofSeconds(5), () -> browsers.stream().allMatch(b -> b.exchanges().size() >= 6));
    platform.api1.stop();
    stopNanos = System.nanoTime();
    say("  %s stopped at t=%dms", VezaPlatform.API_1, millisSince(startNanos, stopNanos));

    header("step 3", "detection: " + VezaPlatform.API_1 + " marked DOWN");
    VezaPlatform.Timings t = platform.timings;
    // Bound: the next check starts at most one inter after the stop, then fall failed checks one inter apart, each
    // failing within timeout check; doubled for scheduling jitter on a loaded machine.
    detectionBoundMillis = 2 * (t.fall() * t.inter().toMillis() + t.checkTimeout().toMillis());
    HealthEvent down = platform.events.await(eventsBefore,
        HealthEvents.is(VezaPlatform.API_1, HealthEvent.Kind.WENT_DOWN), Duration.ofMillis(5 * detectionBoundMillis));
    if (down != null) {
      detectionMillis = TimeUnit.NANOSECONDS.toMillis(down.timeNanos() - stopNanos);
    }
    say("  marked DOWN after %dms (cause %s); fall x inter = %d x %dms = %dms; bound %dms", detectionMillis,
        down == null ? "-" : down.cause(), t.fall(), t.inter().toMillis(), t.fall() * t.inter().toMillis(),
        detectionBoundMillis);
    check("step 3", "marked DOWN within about fall x inter",
        down != null && detectionMillis >= 0 && detectionMillis <= detectionBoundMillis,
        detectionMillis + "ms <= " + detectionBoundMillis + "ms");
    // the smoke test's step 3: poll the stats socket until the server reads DOWN
    long socketDown = awaitSocketStatus(VezaPlatform.API_1, "DOWN", Duration.ofMillis(detectionBoundMillis));
    say("  stats socket: %s/%s %s", platform.apiPool.name(), VezaPlatform.API_1,
        StatsSocket.status(platform.statsSocket, platform.apiPool.name(), VezaPlatform.API_1));
    check("step 3", "the stats socket reads it DOWN", socketDown > 0,
        socketDown > 0 ? TimeUnit.NANOSECONDS.toMillis(socketDown - stopNanos) + "ms after the stop" : "never");

    header("step 4", "requests during and after the down window; pinned browsers move to " + VezaPlatform.API_2);
    long detectedNanos = down == null ? System.nanoTime() : down.timeNanos();
    // keep the traffic going until every browser made 10 more calls after detection
    Map<String, Integer> before = new LinkedHashMap<>();
    browsers.forEach(b -> before.put(b.name(), b.exchanges().size()));
    await(Duration.ofSeconds(10), () -> browsers.stream().allMatch(b -> b.exchanges().size() >= before.get(b.name()) + 10));
    running.set(false);
    tasks.forEach(f -> f.cancel(false));
    traffic.shutdown();
    traffic.awaitTermination(10, TimeUnit.SECONDS);

    List<Exchange> after = new ArrayList<>();
    for (BrowserClient b : browsers) {
      b.exchanges().stream().filter(e -> e.sentNanos() >= stopNanos).forEach(after::add);
    }
    long failed = after.stream().filter(e -> !e.ok()).count();
    requestsBeforeDetection = after.stream().filter(e -> e.sentNanos() < detectedNanos).count();
    long notFrom2 = after.stream().filter(e -> !VezaPlatform.API_2.equals(e.servedBy())).count();
    say("  %d requests after the stop (%d of them sent before detection): %d failed, %d not from %s", after.size(),
        requestsBeforeDetection, failed, notFrom2, VezaPlatform.API_2);
    after.stream().filter(e -> !e.ok()).limit(5).forEach(e -> say("    failed: %s", e));
    check("step 4", "every request after the stop got 200", failed == 0 && !after.isEmpty(),
        after.size() + " requests, " + failed + " failed");
    check("step 4", "requests sent before detection succeeded too (connect failure -> redispatch)",
        requestsBeforeDetection > 0 || detectionMillis == 0,
        requestsBeforeDetection + " requests, gateway redispatches " + platform.gateway.stats().redispatches());
    check("step 4", "every request after the stop was served by " + VezaPlatform.API_2, notFrom2 == 0, "");

    boolean repinned = true;
    boolean wsMoved = true;
    boolean othersUntouched = true;
    long lost = 0;
    for (BrowserClient b : browsers) {
      ReliableWebSocket ws = b.webSocket();
      boolean acked = ws.awaitAllAcked(Duration.ofSeconds(10));
      long missing = ws.sentCount() - ws.acks().size();
      lost += missing;
      if (VezaPlatform.API_1.equals(initialPins.get(b.name()))) {
        repinned &= apiCookie2.equals(b.pin()) && b.pinHistory().contains(apiCookie2);
        List<ReliableWebSocket.Disconnect> d = ws.disconnects();
        wsMoved &= acked && !d.isEmpty() && VezaPlatform.API_2.equals(ws.lastServer());
        say("  %s (was on %s): cookie history %s; WebSocket closed by the gateway %s, reconnected %d time(s), "
                + "now on %s; %d sent, %d answered, %d resent, %d duplicate answers dropped",
            b.name(), VezaPlatform.API_1, b.pinHistory(),
            d.stream().map(x -> x.closeCode() + " \"" + x.reason() + "\"").toList(), ws.connections() - 1,
            ws.lastServer(), ws.sentCount(), ws.acks().size(), ws.resent(), ws.duplicateAcks());
      } else {
        othersUntouched &= ws.disconnects().isEmpty() && apiCookie2.equals(b.pin());
        say("  %s (on %s): no disconnect=%s, %d sent, %d answered", b.name(), initialPins.get(b.name()),
            ws.disconnects().isEmpty(), ws.sentCount(), ws.acks().size());
      }
    }
    check("step 4", "browsers pinned to " + VezaPlatform.API_1 + " got a new SERVERID cookie for "
        + VezaPlatform.API_2, repinned, "");
    check("step 4", "their WebSocket sessions were closed by the gateway and reconnected to " + VezaPlatform.API_2,
        wsMoved, "");
    check("step 4", "sessions on " + VezaPlatform.API_2 + " were not disturbed", othersUntouched, "");
    check("step 4", "no WebSocket message lost: each answered exactly once (client dedupes by message id)",
        lost == 0, lost + " unanswered");
    ProxyStats.Snapshot s = platform.gateway.stats();
    say("  gateway: %d connect failures reported, %d redispatched, %d stale keep-alive retries, %d transport errors, "
            + "%d sessions closed on backend loss, %d closed by the pool on DOWN",
        s.connectFailures(), s.redispatches(), s.staleConnectionRetries(), s.transportErrors(),
        s.sessionsBackendLost(), s.sessionsShutDownByPool());
  }

  void step5RestartApi1() throws InterruptedException {
    VezaPlatform.Timings t = platform.timings;
    header("step 5", "restart " + VezaPlatform.API_1 + " on the same port; rise " + t.rise() + " checks, then slow start "
        + t.slowStart().toMillis() + "ms");
    int eventsBefore = platform.events.size();
    platform.api1.start();
    long restarted = System.nanoTime();
    HealthEvent up = platform.events.await(eventsBefore, HealthEvents.is(VezaPlatform.API_1, HealthEvent.Kind.CAME_UP),
        Duration.ofMillis(10 * (t.rise() * t.inter().toMillis() + t.checkTimeout().toMillis())));
    if (up == null) {
      check("step 5", VezaPlatform.API_1 + " comes back UP", false, "no CAME_UP event");
      return;
    }
    upMillis = TimeUnit.NANOSECONDS.toMillis(up.timeNanos() - restarted);
    long upBound = 2 * (t.rise() * t.inter().toMillis() + t.checkTimeout().toMillis());
    say("  UP after %dms (rise x inter = %dms)", upMillis, t.rise() * t.inter().toMillis());
    check("step 5", VezaPlatform.API_1 + " comes back UP after rise checks", upMillis <= upBound,
        upMillis + "ms <= " + upBound + "ms");
    // the smoke test's step 5: the stats socket reads the server UP again (slow start reads UP too); read once
    // here, so that the share measured below starts at the transition
    String socketStatus = StatsSocket.status(platform.statsSocket, platform.apiPool.name(), VezaPlatform.API_1);
    check("step 5", "the stats socket reads it UP", "UP".equals(socketStatus), String.valueOf(socketStatus));

    // New browsers (no cookie) arrive at a steady pace; count the share api-1 gets per interval of the ramp.
    long slow = t.slowStart().toNanos();
    long bucket = slow / 6;
    int buckets = 8; // the ramp, then two intervals at full weight
    long[] total = new long[buckets];
    long[] to1 = new long[buckets];
    boolean allOk = true;
    BrowserClient fresh = new BrowserClient("new", platform.gatewayUri(), http, clientLoops, "none");
    for (int n = 0; n < 20_000; n++) { // bounded in count and (below) in time
      long since = System.nanoTime() - up.timeNanos();
      int k = (int) (since / bucket);
      if (k >= buckets) {
        break;
      }
      fresh.clearCookies();
      Exchange e = fresh.get(WHOAMI); // no SERVERID sent: balanced by round robin over effective weights
      allOk &= e.ok();
      total[k]++;
      if (VezaPlatform.API_1.equals(e.servedBy())) {
        to1[k]++;
      }
    }
    say("  share of new clients sent to %s (slow start: weight x (floor(16 t / S) + 1) / 16):", VezaPlatform.API_1);
    for (int k = 0; k < buckets; k++) {
      double mid = (k + 0.5) * bucket / (double) slow;
      double w = mid >= 1 ? 1 : (Math.floor(16 * mid) + 1) / 16;
      double expected = w / (w + 1);
      double share = total[k] == 0 ? Double.NaN : to1[k] / (double) total[k];
      shares.add(new double[] {mid, share, expected, total[k]});
      say("    t=%5dms..%5dms  %4d requests  %5.1f%% (expected about %4.1f%%)", k * bucket / 1_000_000,
          (k + 1) * bucket / 1_000_000, total[k], 100 * share, 100 * expected);
    }
    check("step 5", "requests during the ramp all 200", allOk, "");
    double first = shares.get(0)[1];
    double last = shares.get(buckets - 1)[1];
    // first interval: expected ~13% at most; the full-weight share is 50% exactly for smooth round robin
    check("step 5", "slow start ramps " + VezaPlatform.API_1 + "'s share up from a small one to an even split",
        first < 0.3 && last > 0.4 && last < 0.6,
        String.format("first interval %.1f%%, last %.1f%%", 100 * first, 100 * last));
  }

  /**
   * Issue 9's scale-out and scale-in: {@code backend-api-3} joins the pool at runtime ({@code pool.add}, as an
   * autoscaler or a discovery refresh would), takes traffic only after {@code rise} passed checks and then through
   * slow start, gets clients of its own (REST and WebSocket), and leaves ({@code pool.remove}) while traffic flows:
   * its sessions are closed by the pool and reconnect elsewhere, its clients are re-pinned, nothing fails, nothing is
   * lost.
   */
  void step6ScaleOutAndIn() throws InterruptedException {
    VezaPlatform.Timings t = platform.timings;
    header("step 6", "scale out and in: " + VezaPlatform.API_3 + " joins the pool at runtime (pool.add), rise "
        + t.rise() + " checks, slow start " + t.slowStart().toMillis() + "ms; later it leaves (pool.remove)");
    BackendPool pool = platform.apiPool;
    long failedBefore = failedSoFar();
    ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
    AtomicBoolean running = new AtomicBoolean(true);
    List<BrowserClient> active = new java.util.concurrent.CopyOnWriteArrayList<>(browsers);
    ScheduledFuture<?> ticks = traffic.scheduleWithFixedDelay(() -> {
      for (BrowserClient b : active) {
        if (running.get() && b.exchanges().size() < 3000) { // bounded
          b.get(WHOAMI);
          b.webSocket().send("scale " + b.exchanges().size());
        }
      }
    }, 0, 20, TimeUnit.MILLISECONDS);

    var api3 = platform.startApi3();
    int eventsBefore = platform.events.size();
    long added = System.nanoTime();
    Server newServer = pool.add(ServerSpec.builder(VezaPlatform.API_3, api3.address()).cookie("api3").build());
    say("  pool.add(%s at %s): state %s, effective weight %.3f", newServer.id(), api3.address(),
        newServer.status().up() ? "UP" : "DOWN (join state: waits for rise checks)", newServer.status().effectiveWeight());
    HealthEvent up = platform.events.await(eventsBefore, HealthEvents.is(VezaPlatform.API_3, HealthEvent.Kind.CAME_UP),
        Duration.ofMillis(10 * (t.rise() * t.inter().toMillis() + t.checkTimeout().toMillis())));
    long upMs = up == null ? -1 : TimeUnit.NANOSECONDS.toMillis(up.timeNanos() - added);
    long upNanos = up == null ? System.nanoTime() : up.timeNanos();
    long servedBeforeUp = active.stream().flatMap(b -> b.exchanges().stream())
        .filter(e -> e.receivedNanos() < upNanos && VezaPlatform.API_3.equals(e.servedBy())).count();
    long upBound = 2 * (t.rise() * t.inter().toMillis() + t.checkTimeout().toMillis()) + t.inter().toMillis();
    say("  UP after %dms (rise x inter = %dms); requests it served before that: %d", upMs,
        t.rise() * t.inter().toMillis(), servedBeforeUp);
    check("step 6", VezaPlatform.API_3 + " takes no traffic until rise checks passed, then comes UP",
        up != null && upMs <= upBound && servedBeforeUp == 0, upMs + "ms <= " + upBound + "ms, " + servedBeforeUp
            + " requests before UP");

    // slow start: share of new clients (no cookie) over the ramp; three equal weights at the end: 1/3 each
    long slow = t.slowStart().toNanos();
    long bucket = slow / 4;
    int buckets = 6;
    long[] total = new long[buckets];
    long[] to3 = new long[buckets];
    boolean rampOk = true;
    BrowserClient fresh = new BrowserClient("new3", platform.gatewayUri(), http, clientLoops, "none");
    for (int n = 0; n < 20_000; n++) {
      int k = (int) ((System.nanoTime() - upNanos) / bucket);
      if (k >= buckets) {
        break;
      }
      fresh.clearCookies();
      Exchange e = fresh.get(WHOAMI);
      rampOk &= e.ok();
      total[k]++;
      if (VezaPlatform.API_3.equals(e.servedBy())) {
        to3[k]++;
      }
    }
    List<double[]> ramp = new ArrayList<>();
    for (int k = 0; k < buckets; k++) {
      double mid = (k + 0.5) * bucket / (double) slow;
      double w = mid >= 1 ? 1 : (Math.floor(16 * mid) + 1) / 16;
      double expected = w / (w + 2);
      double share = total[k] == 0 ? Double.NaN : to3[k] / (double) total[k];
      ramp.add(new double[] {mid, share, expected, total[k]});
      say("    t=%5dms..%5dms  %4d requests  %5.1f%% to %s (expected about %4.1f%%)", k * bucket / 1_000_000,
          (k + 1) * bucket / 1_000_000, total[k], 100 * share, VezaPlatform.API_3, 100 * expected);
    }
    double first = ramp.get(0)[1];
    double last = ramp.get(buckets - 1)[1];
    check("step 6", "slow start ramps the new instance from a small share to a third", rampOk && first < 0.25
        && last > 0.28 && last < 0.39, String.format("first interval %.1f%%, last %.1f%%", 100 * first, 100 * last));

    // clients of its own: new browsers, pinned by round robin; at least one lands on the new instance
    List<BrowserClient> pinnedTo3 = new ArrayList<>();
    for (int i = 1; i <= 9 && pinnedTo3.size() < 2; i++) {
      BrowserClient b = new BrowserClient("c" + i, platform.gatewayUri(), http, clientLoops,
          VezaPlatform.PERSISTENCE_COOKIE);
      Exchange first3 = b.get(WHOAMI);
      ReliableWebSocket ws = b.openWebSocket("/ws", Duration.ofSeconds(5));
      ws.send("hello from " + b.name());
      browsers.add(b);
      active.add(b);
      if (VezaPlatform.API_3.equals(first3.servedBy())) {
        pinnedTo3.add(b);
      }
    }
    boolean wsOn3 = true;
    for (BrowserClient b : pinnedTo3) {
      wsOn3 &= b.webSocket().awaitAllAcked(Duration.ofSeconds(5))
          && VezaPlatform.API_3.equals(b.webSocket().lastServer());
    }
    say("  %d new browsers pinned to %s: %s", pinnedTo3.size(), VezaPlatform.API_3,
        pinnedTo3.stream().map(BrowserClient::name).toList());
    check("step 6", "browsers pinned to the new instance keep their WebSocket there", !pinnedTo3.isEmpty() && wsOn3,
        pinnedTo3.size() + " browsers");

    // scale in while traffic flows
    long shutByPoolBefore = platform.gateway.stats().sessionsShutDownByPool();
    FailoverScenario.await(Duration.ofSeconds(5), () -> pinnedTo3.stream().allMatch(b -> b.exchanges().size() >= 5));
    boolean removed = pool.remove(VezaPlatform.API_3);
    long removedNanos = System.nanoTime();
    say("  pool.remove(%s) = %s; members now %s", VezaPlatform.API_3, removed,
        pool.servers().stream().map(Server::id).toList());
    // every browser makes 10 more calls after the removal, then the traffic stops
    Map<String, Integer> before = new LinkedHashMap<>();
    active.forEach(b -> before.put(b.name(), b.exchanges().size()));
    FailoverScenario.await(Duration.ofSeconds(15),
        () -> active.stream().allMatch(b -> b.exchanges().size() >= before.get(b.name()) + 10));
    running.set(false);
    ticks.cancel(false);
    traffic.shutdown();
    traffic.awaitTermination(10, TimeUnit.SECONDS);
    api3.stop(); // the instance goes away only after it left the pool: nothing was in flight to it

    boolean repinned = true;
    boolean reconnected = true;
    long lost = 0;
    for (BrowserClient b : active) {
      ReliableWebSocket ws = b.webSocket();
      boolean acked = ws.awaitAllAcked(Duration.ofSeconds(10));
      lost += ws.sentCount() - ws.acks().size();
      if (pinnedTo3.contains(b)) {
        repinned &= b.pin() != null && !b.pin().equals("api3");
        reconnected &= acked && ws.disconnects().stream().anyMatch(d -> d.closeCode() == 1001)
            && !VezaPlatform.API_3.equals(ws.lastServer());
        say("  %s: cookie history %s; WebSocket closed %s, now on %s; %d sent, %d answered", b.name(), b.pinHistory(),
            ws.disconnects().stream().map(x -> x.closeCode() + " \"" + x.reason() + "\"").toList(), ws.lastServer(),
            ws.sentCount(), ws.acks().size());
      }
    }
    long servedAfterRemoval = active.stream().flatMap(b -> b.exchanges().stream())
        .filter(e -> e.sentNanos() > removedNanos && VezaPlatform.API_3.equals(e.servedBy())).count();
    long failed = failedSoFar() - failedBefore;
    long closedByPool = platform.gateway.stats().sessionsShutDownByPool() - shutByPoolBefore;
    check("step 6", "pool.remove: no request sent after it reached " + VezaPlatform.API_3, removed
        && servedAfterRemoval == 0, servedAfterRemoval + " requests");
    check("step 6", "its clients got a new SERVERID cookie; their WebSockets were closed by the pool (1001) and "
        + "reconnected to the remaining servers", repinned && reconnected && closedByPool >= pinnedTo3.size(),
        closedByPool + " sessions closed by the pool");
    check("step 6", "no request failed while the instance joined and left", failed == 0, failed + " failed");
    check("step 6", "no WebSocket message lost while the instance joined and left", lost == 0, lost + " unanswered");
    membership = new Membership(upMs, servedBeforeUp, List.copyOf(ramp), pinnedTo3.size(), failed, lost,
        closedByPool, servedAfterRemoval);
  }

  private long failedSoFar() {
    return browsers.stream().mapToLong(b -> b.exchanges().stream().filter(e -> !e.ok()).count()).sum();
  }

  void streams() throws InterruptedException {
    header("streams", "tracks stay on their streamer; stopping " + VezaPlatform.STREAM_1 + " moves only its tracks");
    BrowserClient player = new BrowserClient("player2", platform.gatewayUri(), http, clientLoops, "none");
    Map<String, String> again = mapTracks(player);
    check("streams", "tracks stay on their streamer", again.equals(trackHome), diff(trackHome, again) + " moved");
    tracksOfStopped = (int) trackHome.values().stream().filter(VezaPlatform.STREAM_1::equals).count();

    int eventsBefore = platform.events.size();
    platform.stream1.stop();
    // sent before detection: connect failures, redispatched to where the hash sends them without stream-server-1
    Map<String, String> during = mapTracks(player);
    VezaPlatform.Timings t = platform.timings;
    HealthEvent down = platform.events.await(eventsBefore,
        HealthEvents.is(VezaPlatform.STREAM_1, HealthEvent.Kind.WENT_DOWN), Duration.ofMillis(5 * detectionBoundMillis));
    Map<String, String> afterDown = mapTracks(player);
    boolean onlyItsTracks = true;
    int moved = 0;
    for (var e : trackHome.entrySet()) {
      String now = afterDown.get(e.getKey());
      if (!now.equals(e.getValue())) {
        moved++;
        onlyItsTracks &= e.getValue().equals(VezaPlatform.STREAM_1);
      } else {
        onlyItsTracks &= e.getValue().equals(VezaPlatform.STREAM_2);
      }
    }
    tracksMoved = moved;
    say("  %s stopped: marked DOWN=%s; %d of %d tracks moved (it had %d); during the window: %s", VezaPlatform.STREAM_1,
        down != null, moved, TRACKS, tracksOfStopped, during.equals(afterDown) ? "same mapping" : "differs");
    check("streams", "stopping " + VezaPlatform.STREAM_1 + " moves only its tracks", down != null && onlyItsTracks
        && !during.containsValue(null), moved + " moved, all of them from " + VezaPlatform.STREAM_1);
    check("streams", "tracks requested before detection were redispatched where they go after it",
        during.equals(afterDown), diff(afterDown, during) + " differ");

    eventsBefore = platform.events.size();
    platform.stream1.start();
    HealthEvent up = platform.events.await(eventsBefore, HealthEvents.is(VezaPlatform.STREAM_1, HealthEvent.Kind.CAME_UP),
        Duration.ofMillis(10 * (t.rise() * t.inter().toMillis() + t.checkTimeout().toMillis())));
    Map<String, String> back = mapTracks(player);
    tracksNotBack = diff(trackHome, back);
    say("  %s restarted: UP=%s; %d tracks not on their original streamer", VezaPlatform.STREAM_1, up != null,
        tracksNotBack);
    check("streams", "restarting it moves its tracks back", up != null && tracksNotBack == 0, "");
  }

  private Map<String, String> mapTracks(BrowserClient player) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String track : trackHome.keySet()) {
      Exchange e = player.get("/hls/" + track + "/index.m3u8");
      map.put(track, e.ok() ? e.servedBy() : null);
    }
    return map;
  }

  private static int diff(Map<String, String> a, Map<String, String> b) {
    int n = 0;
    for (var e : a.entrySet()) {
      if (!Objects.equals(e.getValue(), b.get(e.getKey()))) {
        n++;
      }
    }
    return n;
  }

  private List<ServerStatus> allServers() {
    List<ServerStatus> all = new ArrayList<>();
    for (BackendPool pool : List.of(platform.apiPool, platform.streamPool)) {
      for (var server : pool.servers()) {
        all.add(server.status());
      }
    }
    return all;
  }

  /** Waits for a condition, polling every 10 ms, until the deadline. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10); // poll interval of a condition wait, not a wait for time
    }
    return true;
  }

  private void check(String step, String claim, boolean passed, String evidence) {
    Check c = new Check(step, claim, passed, evidence);
    checks.add(c);
    out.println(c);
  }

  private void header(String step, String what) {
    out.printf("%n[%s] t=%dms %s%n", step, millisSince(startNanos, System.nanoTime()), what);
  }

  private void say(String format, Object... args) {
    out.println(String.format(format, args));
  }

  private static long millisSince(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  @Override
  public void close() {
    browsers.forEach(BrowserClient::close);
    clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
