package io.veza.routing.interop;

import io.netty.channel.EventLoopGroup;
import io.veza.routing.BackendPool;
import io.veza.routing.Server;
import io.veza.routing.ServerStats;
import io.veza.routing.haproxy.HaproxyConfig;
import io.veza.routing.netty.RoutingProxy;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OperationalState;
import io.veza.routing.health.ServerStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * Runs a {@link Scenario} against a fresh HAProxy and a fresh library pool built from the same configuration text,
 * over the same loopback backends, and returns one {@link Case} per compared step.
 *
 * <p>Cookie dates come from the wall clock on both sides: HAProxy's {@code date} (whole seconds), and the pool's
 * injected {@code wallClock}, which is pinned to the second in which HAProxy handled the same request. In a dated
 * scenario ({@code maxidle}/{@code maxlife}) each request is sent to HAProxy early in a second (never in its last
 * 400 ms) and the second is read before and after the exchange: if they differ, HAProxy may have used either, so the
 * whole scenario is run again from scratch (at most {@link #ATTEMPTS} times). With equal seconds both sides compute
 * with the same {@code now}, so dates compare exactly, not within a tolerance.
 */
final class Interop {
  static final int ATTEMPTS = 4;
  static final String BACKEND = "b";

  private Interop() {}

  private static ExecutorService libraryThread;
  private static EventLoopGroup proxyLoop;

  /** The two library sides' threads, on the first round-robin stripe ({@link FirstStripe}); shared by all runs. */
  private static synchronized void threads() throws Exception {
    if (libraryThread == null) {
      libraryThread = FirstStripe.executor();
      proxyLoop = FirstStripe.eventLoop();
    }
  }

  static synchronized void shutdown() {
    if (libraryThread != null) {
      libraryThread.shutdownNow();
      proxyLoop.shutdownGracefully();
      libraryThread = null;
      proxyLoop = null;
    }
  }

  /** What one side did with one request, as the client and the backend saw it. */
  record Observation(int status, String server, List<String> cookiesReceived, List<String> setCookies,
                     List<String> cacheControl, Map<String, Integer> backendHits) {
    static Observation of(Http.Response r, Map<String, Integer> hits) {
      List<String> served = r.all(Backend.SERVED_BY);
      if (served.isEmpty()) {
        // the proxy answered by itself (503 without a server): its error page's headers are not compared
        return new Observation(r.status(), "-", List.of(), List.of(), List.of(), hits);
      }
      return new Observation(r.status(), served.get(0), r.all(Backend.RECEIVED_COOKIE), r.all("Set-Cookie"),
          r.all("Cache-Control"), hits);
    }

    String describe() {
      return status + " " + server + " | Cookie received " + cookiesReceived + " | Set-Cookie " + setCookies
          + " | Cache-Control " + cacheControl + " | hits " + backendHits;
    }
  }

  /**
   * One compared step: what HAProxy did, what the API-level gateway did with the library ({@link LibraryGateway}), and
   * what routing-netty's {@code RoutingProxy} did.
   */
  record Case(String scenario, String label, String haproxy, String library, String proxy,
              String expectedDifference, String expectedProxyDifference) {
    boolean libraryIdentical() {
      return haproxy.equals(library);
    }

    boolean proxyIdentical() {
      return haproxy.equals(proxy);
    }

    boolean identical() {
      return libraryIdentical() && proxyIdentical();
    }

    /**
     * Each side as expected: the API-level gateway identical to HAProxy, or differing where a known difference is
     * declared; the Netty proxy differing where a proxy difference is declared, else doing exactly what the API-level
     * gateway does.
     */
    boolean asExpected() {
      boolean libraryOk = expectedDifference == null ? libraryIdentical() : !libraryIdentical();
      boolean proxyOk = expectedProxyDifference != null ? !proxyIdentical() : library.equals(proxy);
      return libraryOk && proxyOk;
    }

    /** The known difference of the Netty proxy column, if any (its own, or the library's it shares). */
    String proxyDifference() {
      return expectedProxyDifference != null ? expectedProxyDifference : expectedDifference;
    }
  }

  /** A request crossed a wall-clock second on HAProxy: the scenario is run again. */
  static final class SecondBoundary extends Exception {
    private static final long serialVersionUID = 1L;

    SecondBoundary(String step) {
      super(step);
    }
  }

  /** Scenarios run again because a request crossed a second boundary on HAProxy. */
  static final java.util.concurrent.atomic.AtomicInteger RERUNS = new java.util.concurrent.atomic.AtomicInteger();

  static List<Case> run(Scenario sc) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return runOnce(sc);
      } catch (SecondBoundary e) {
        RERUNS.incrementAndGet();
        if (attempt == ATTEMPTS) {
          throw new AssertionError("scenario " + sc + ": a request crossed a second boundary in each of " + ATTEMPTS
              + " runs (last at step " + e.getMessage() + ")");
        }
      }
    }
  }

  private static final class PinnedClock implements InstantSource {
    volatile long millis;

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }

  private static List<Case> runOnce(Scenario sc) throws Exception {
    Path dir = Files.createTempDirectory("veza-interop-");
    Map<String, Backend> backends = new LinkedHashMap<>();
    List<Case> cases = new ArrayList<>();
    try {
      for (String s : sc.servers) {
        backends.put(s, new Backend(s).start());
      }
      Map<String, String> addresses = new LinkedHashMap<>();
      backends.forEach((n, b) -> addresses.put(n, "127.0.0.1:" + b.address().getPort()));
      int port = HaproxyProcess.freePort();
      String config = HaproxyProcess.preamble(dir.resolve("admin.sock"))
          + "frontend fe\n  bind 127.0.0.1:" + port + "\n  default_backend " + BACKEND + "\n\n"
          + sc.backendSection(addresses);
      PinnedClock clock = new PinnedClock();
      clock.millis = System.currentTimeMillis();
      BackendPool pool = HaproxyConfig.parse(config).backend(BACKEND).orElseThrow().builder().wallClock(clock).build();
      LibraryGateway gateway = new LibraryGateway(pool);
      // the Netty gateway gets a pool of its own, from the same text and on the same pinned clock, and one event loop
      // on the first round-robin stripe (FirstStripe); cookies forwarded as editRequest returns them
      // (strictCookies(false)), as HAProxy does
      BackendPool proxyPool = HaproxyConfig.parse(config).backend(BACKEND).orElseThrow().builder().wallClock(clock)
          .build();
      threads();
      RoutingProxy proxy = RoutingProxy.builder().route("/", proxyPool).eventLoopGroup(proxyLoop).strictCookies(false)
          .connectTimeout(Duration.ofMillis(100)).build().start();
      Map<String, String> proxyJar = Scenario.newJar();
      Map<String, String> haproxyJar = Scenario.newJar();
      Map<String, String> libraryJar = Scenario.newJar();
      boolean dated = sc.dated();
      try (HaproxyProcess haproxy = HaproxyProcess.start(dir, config, port); pool; proxyPool; proxy) {
        awaitFirstCheck(haproxy, sc);
        for (Scenario.Step step : sc.steps) {
          switch (step.kind()) {
            case REQUEST -> {
              if (dated) {
                long ms = System.currentTimeMillis() % 1000;
                if (ms > 600) {
                  Thread.sleep(1000 - ms + 5);
                }
              }
              long before = Math.floorDiv(System.currentTimeMillis(), 1000);
              Scenario.Req hspec = step.request().apply(new Scenario.Ctx(before, haproxyJar));
              Http.Request hreq = hspec.build();
              Observation h = observe(backends, () -> Http.exchange(haproxy.address(), hreq, 10_000));
              long after = Math.floorDiv(System.currentTimeMillis(), 1000);
              if (dated && after != before) {
                throw new SecondBoundary(step.label());
              }
              clock.millis = before * 1000 + 500;
              Scenario.Req lspec = step.request().apply(new Scenario.Ctx(before, libraryJar));
              Http.Request lreq = lspec.build();
              Observation l = observe(backends, () -> onLibraryThread(() -> gateway.exchange(lreq)));
              Scenario.Req pspec = step.request().apply(new Scenario.Ctx(before, proxyJar));
              Http.Request preq = pspec.build();
              Observation n = observe(backends, () -> Http.exchange(proxy.address(), preq, 10_000));
              if (hspec.usesJar) {
                Scenario.store(haproxyJar, h.setCookies());
                Scenario.store(libraryJar, l.setCookies());
                Scenario.store(proxyJar, n.setCookies());
              }
              cases.add(new Case(sc.name, step.label(), h.describe(), l.describe(), n.describe(), step.difference(),
                  step.proxyDifference()));
            }
            case ADMIN -> {
              Map<String, java.net.InetSocketAddress> addrs = new LinkedHashMap<>();
              backends.forEach((n, b) -> addrs.put(n, b.address()));
              String command = Scenario.command(step.haproxyCommand(), addrs);
              String answer = haproxy.cli(command).trim();
              if (!answer.isEmpty() && !answer.startsWith("IP changed from") && !answer.startsWith("no need to change")
                  && !answer.contains("port changed from")) {
                throw new AssertionError("haproxy refused '" + command + "': " + answer);
              }
              step.library().accept(pool, addrs);
              step.library().accept(proxyPool, addrs);
            }
            case KILL -> {
              Backend b = backends.get(step.server());
              b.stop();
              try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(b.address(), 500);
                throw new AssertionError("killed " + b + " still accepts " + probe);
              } catch (ConnectException expected) {
                // refused, as wanted
              }
            }
            case REVIVE -> backends.get(step.server()).start();
            case SWAP -> {
              // HAProxy gets the library's cookies; both library sides get HAProxy's
              Map<String, String> h = new LinkedHashMap<>(haproxyJar);
              haproxyJar.clear();
              haproxyJar.putAll(libraryJar);
              libraryJar.clear();
              libraryJar.putAll(h);
              proxyJar.clear();
              proxyJar.putAll(h);
            }
            case FORGET -> {
              haproxyJar.clear();
              libraryJar.clear();
              proxyJar.clear();
            }
            case COUNTERS -> cases.add(new Case(sc.name, step.label(), haproxyCounters(haproxy), libraryCounters(pool),
                libraryCounters(proxyPool), step.difference(), step.proxyDifference()));
            default -> throw new AssertionError(step.kind());
          }
        }
      }
    } finally {
      backends.values().forEach(Backend::close);
      deleteTree(dir);
    }
    return cases;
  }

  interface Exchange {
    Http.Response run() throws IOException;
  }

  private static Http.Response onLibraryThread(Exchange exchange) throws IOException {
    try {
      return libraryThread.submit(exchange::run).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Runs one exchange and counts the requests each backend received meanwhile. */
  private static Observation observe(Map<String, Backend> backends, Exchange exchange) throws IOException {
    Map<String, Integer> before = new TreeMap<>();
    backends.forEach((n, b) -> before.put(n, b.requests()));
    Http.Response r;
    try {
      r = exchange.run();
    } catch (ConnectException e) {
      r = new Http.Response(599, List.of(), new byte[0]);
    }
    Map<String, Integer> hits = new TreeMap<>();
    for (Map.Entry<String, Backend> e : backends.entrySet()) {
      int n = e.getValue().requests() - before.get(e.getKey());
      if (n != 0) {
        hits.put(e.getKey(), n);
      }
    }
    return Observation.of(r, hits);
  }

  /**
   * HAProxy starts its checks spread over the smallest {@code inter} (check.c, start_check_task: the n-th checked
   * server's first check at {@code inter * n / count}): the first checked server is checked at once, the others
   * {@code inter} (1 h in these scenarios) apart, so never during a run. The run waits for that first check to finish
   * (it passes: every backend is up at start), so that it cannot land after a step that kills the server.
   */
  private static void awaitFirstCheck(HaproxyProcess haproxy, Scenario sc) throws Exception {
    String first = null;
    for (String line : sc.backendLines) {
      String[] w = line.trim().split("\\s+");
      if (w.length > 1 && w[0].equals("server") && List.of(w).contains("check")) {
        first = w[1];
        break;
      }
    }
    if (first == null) {
      return;
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      String status = haproxy.stats(BACKEND).get(first).get("check_status");
      if (status.startsWith("L4OK") || status.startsWith("L7OK")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("haproxy's first check of " + first + " did not pass within 5 s: " + status);
      }
      Thread.sleep(5);
    }
  }

  /** Per server: HAProxy {@code lbtot wretr wredis econ}. */
  private static String haproxyCounters(HaproxyProcess haproxy) throws IOException {
    StringBuilder sb = new StringBuilder();
    haproxy.stats(BACKEND).forEach((server, row) -> {
      if (!server.equals("BACKEND")) {
        String status = row.get("status");
        String state = status.startsWith("no check") ? "UP" : status.split(" ")[0];
        sb.append(server).append(": ").append(state).append(" lbtot=").append(row.get("lbtot"))
            .append(" wretr=").append(row.get("wretr")).append(" wredis=").append(row.get("wredis"))
            .append(" econ=").append(row.get("econ"));
        // HAProxy fills hanafail for a server with observe, chkfail and chkdown for a server with checks
        for (String field : new String[] {"hanafail", "chkfail", "chkdown"}) {
          if (!row.get(field).isEmpty()) {
            sb.append(' ').append(field).append('=').append(row.get(field));
          }
        }
        sb.append("; ");
      }
    });
    return sb.toString();
  }

  private static String libraryCounters(BackendPool pool) {
    StringBuilder sb = new StringBuilder();
    for (ServerStats s : pool.stats().servers()) {
      ServerStatus st = s.status();
      String state = st.admin() == AdminState.MAINT ? "MAINT" : st.operational() == OperationalState.DOWN ? "DOWN"
          : st.admin() == AdminState.DRAIN ? "DRAIN"
          : st.operational() == OperationalState.STOPPING ? "NOLB" : "UP";
      sb.append(s.id()).append(": ").append(state).append(" lbtot=").append(s.loadBalanced())
          .append(" wretr=").append(s.retries()).append(" wredis=").append(s.redispatches())
          .append(" econ=").append(s.connectErrors());
      Server server = pool.server(s.id()).orElseThrow();
      if (server.healthPolicy().observe() != ObserveMode.NONE) {
        sb.append(" hanafail=").append(s.checks().observedFailures());
      }
      if (server.checked()) {
        sb.append(" chkfail=").append(s.checks().checksFailed()).append(" chkdown=")
            .append(s.checks().downTransitions());
      }
      sb.append("; ");
    }
    return sb.toString();
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // temporary files
        }
      });
    } catch (IOException ignored) {
      // temporary files
    }
  }
}
