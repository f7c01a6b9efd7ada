package io.veza.routing.loadtest;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.client.BrowserClient;
import io.veza.routing.examples.client.ReliableWebSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load test: the example gateway and HAProxy 2.6 side by side in front of the same two {@code backend-api}
 * instances, with the equivalent configuration, each alone on one core ({@code taskset}), driven by the same
 * in-process load (keep-alive HTTP clients that keep their {@code SERVERID} cookie, plus WebSocket clients that
 * count lost messages), while {@code backend-api-1} is killed and restarted twice per phase. Phases alternate
 * (gateway, HAProxy, gateway, HAProxy...) so that drift on a shared machine hits both. Reports requests/s,
 * p50/p99/p99.9, failed requests, lost WebSocket messages, CPU per request of each proxy (from
 * {@code /proc/<pid>/stat}), the gateway's heap after full GC before and after, and draws an SVG plot of throughput
 * and latency over time with the kills marked.
 *
 * <p>Settings (system properties): {@code loadtest.seconds} (measured seconds per phase, default 30),
 * {@code loadtest.warmup} (default seconds/3, at least 2), {@code loadtest.rounds} (default 2),
 * {@code loadtest.connections} (default 64), {@code loadtest.websockets} (default 8), {@code loadtest.soak}
 * (seconds of an extra gateway-only soak run that samples the heap after full GC; default 0: none),
 * {@code loadtest.out} (results directory, default {@code benchmarks/results}).
 */
public final class LoadTest {
  /** Requests of the measured steady run (see {@link #phase}): enough for 2 bytes per request to exceed the noise. */
  static final long STEADY_REQUESTS = 40_000;
  static final int STEADY_MAX_SECONDS = 30;
  /**
   * Steady windows at most: the measure repeats while a window's growth exceeds {@link #steadyBound}. A leak per
   * request grows the heap in every window; a pool that fills once (Netty's recyclers, allocator caches, sized by the
   * busiest moment so far) grows it in one.
   */
  static final int STEADY_WINDOWS = 3;

  /**
   * The retained heap growth allowed over a steady window of {@code requests}: 64 KiB of noise in a full GC's heap
   * reading plus 2 bytes per request. The old leak, one listener per parked connection, was 28 bytes per request.
   *
   * @param requests the window's requests
   * @return the bound in bytes
   */
  static long steadyBound(long requests) {
    return 64 * 1024 + 2 * requests;
  }

  /** Fractions of a phase at which backend-api-1 is killed (even indexes) and restarted (odd). */
  static final double[] KILLS = {0.2, 0.4, 0.6, 0.8};
  static final long INTER_MILLIS = 500;
  static final long SLOWSTART_MILLIS = 3000;

  /** The settings of one run. */
  public record Config(int seconds, int warmupSeconds, int rounds, int connections, int websockets, int soakSeconds,
      Path out) {
    /**
     * From system properties.
     *
     * @return the settings
     */
    public static Config fromSystemProperties() {
      int seconds = Integer.getInteger("loadtest.seconds", 30);
      return new Config(seconds, Integer.getInteger("loadtest.warmup", Math.max(2, seconds / 3)),
          Integer.getInteger("loadtest.rounds", 2), Integer.getInteger("loadtest.connections", 64),
          Integer.getInteger("loadtest.websockets", 8), Integer.getInteger("loadtest.soak", 0),
          Path.of(System.getProperty("loadtest.out", "benchmarks/results")));
    }
  }

  /** One second of a phase. */
  public record Second(double t, long requests, long failed, double p50Ms, double p99Ms, double p999Ms) {}

  /** One measured phase of one proxy. */
  public record Phase(String proxy, int round, double seconds, long ok, long failed, Histogram latency,
      List<Second> series, double cpuSeconds, double loadSideCpuSeconds, long wsSent, long wsLost, long heapBefore,
      long heapAfter, long steadyRequests, long heapSteadyStart, long heapSteady, int steadyWindows,
      List<String> failures) {
    long requests() {
      return ok + failed;
    }

    double rps() {
      return requests() / seconds;
    }

    double cpuMicrosPerRequest() {
      return cpuSeconds * 1e6 / Math.max(1, requests());
    }

    double rpsPerCore() {
      return requests() / Math.max(1e-9, cpuSeconds);
    }

    double p(double percentile) {
      return latency.getValueAtPercentile(percentile) / 1e6;
    }

    /** Retained heap growth per request (bytes), the gateway only; NaN when unknown. */
    double heapGrowthPerRequest() {
      return heapBefore < 0 || heapAfter < 0 ? Double.NaN : (heapAfter - heapBefore) / (double) Math.max(1, requests());
    }

    /**
     * Retained heap growth per request over the steady run that follows the measured phase (no kills, every code path
     * already taken): what a leak per request shows as, without the one-time growth of warm-up and first failovers.
     */
    double steadyHeapGrowthPerRequest() {
      return heapSteadyStart < 0 || heapSteady < 0 ? Double.NaN : (heapSteady - heapSteadyStart) / (double) Math.max(1,
          steadyRequests);
    }
  }

  /** Everything a run measured. */
  public record Report(String machine, String haproxyVersion, Config config, List<Phase> phases,
      List<long[]> soakHeap, Path text, Path plot) {}

  private LoadTest() {}

  public static void main(String[] args) throws Exception {
    Report r = run(Config.fromSystemProperties(), System.out);
    System.out.println("report: " + r.text() + ", plot: " + r.plot());
    System.exit(0);
  }

  /**
   * Runs the whole test.
   *
   * @param c the settings
   * @param out where progress goes
   * @return the report (also written to {@code c.out()})
   * @throws Exception if a process cannot be started
   */
  public static Report run(Config c, PrintStream out) throws Exception {
    String haproxyVersion = Haproxy.ensureInstalled();
    String machine = machine();
    pinSelf(0);
    Files.createDirectories(c.out());
    Path work = Files.createTempDirectory("veza-loadtest");
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup loadLoop = new MultiThreadIoEventLoopGroup(1,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends SocketChannel> channel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    EventLoopGroup backendLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup wsLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ApiBackend api1 = new ApiBackend("backend-api-1", backendLoops, "SERVERID");
    ApiBackend api2 = new ApiBackend("backend-api-2", backendLoops, "SERVERID");
    api1.start();
    api2.start();
    List<InetSocketAddress> api = List.of(api1.address(), api2.address());
    out.printf("load test: %s; %s; %d s per phase (+%d s warm-up), %d round(s), %d connections, %d WebSockets%n",
        machine, haproxyVersion, c.seconds(), c.warmupSeconds(), c.rounds(), c.connections(), c.websockets());
    List<Phase> phases = new ArrayList<>();
    List<long[]> soak = new ArrayList<>();
    try {
      for (int round = 1; round <= c.rounds(); round++) {
        for (String proxy : List.of("gateway", "haproxy")) {
          Phase p = phase(proxy, round, c, api, api1, loadLoop, wsLoop, channel, work, out, 0);
          phases.add(p);
          out.println(describe(p));
        }
      }
      if (c.soakSeconds() > 0) {
        soak = soak(c, api, api1, loadLoop, channel, work, out);
      }
    } finally {
      api1.stop();
      api2.stop();
      loadLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      wsLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    Path text = c.out().resolve("loadtest.txt");
    Path plot = c.out().resolve("loadtest.svg");
    Report report = new Report(machine, haproxyVersion, c, phases, soak, text, plot);
    Files.writeString(text, text(report), StandardCharsets.UTF_8);
    Files.writeString(plot, Plot.svg(phases, KILLS, c.seconds()), StandardCharsets.UTF_8);
    out.print(text(report));
    return report;
  }

  private static Phase phase(String proxy, int round, Config c, List<InetSocketAddress> api, ApiBackend api1,
      EventLoopGroup loadLoop, EventLoopGroup wsLoop, Class<? extends SocketChannel> channel, Path work,
      PrintStream out, int soakSeconds)
      throws Exception {
    api1.start(); // up at the start of every phase
    int port = freePort();
    ProxyProcess p;
    if (proxy.equals("gateway")) {
      p = ProxyProcess.gateway(1, port, api, work.resolve("gateway-" + round + ".log"), List.of("-Xms256m", "-Xmx256m",
          "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1", "-XX:+AlwaysPreTouch"));
      p.awaitReady(30_000);
      if (p.awaitLine("READY", 30_000) == null) {
        throw new IOException("gateway did not print READY");
      }
    } else {
      Path cfg = work.resolve("haproxy.cfg");
      Files.writeString(cfg, Haproxy.config(port, api, INTER_MILLIS, SLOWSTART_MILLIS));
      p = ProxyProcess.haproxy(1, port, cfg, work.resolve("haproxy-" + round + ".log"));
      p.awaitReady(30_000);
    }
    try {
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
      // warm-up (JIT for the gateway; the same traffic for HAProxy): not measured
      try (HttpLoad warm = new HttpLoad(loadLoop, channel, target, ApiBackend.WHOAMI_PATH, c.connections())) {
        Thread.sleep(TimeUnit.SECONDS.toMillis(c.warmupSeconds()));
      }
      Thread.sleep(200);
      long heapBefore = proxy.equals("gateway") ? p.heapAfterFullGc() : -1;
      int seconds = soakSeconds > 0 ? soakSeconds : c.seconds();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/");
      List<BrowserClient> browsers = new ArrayList<>();
      for (int i = 0; i < c.websockets(); i++) {
        BrowserClient b = new BrowserClient("ws" + i, uri, http, wsLoop, "SERVERID");
        b.openWebSocket("/ws", Duration.ofSeconds(10));
        browsers.add(b);
      }
      ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
      List<Second> series = new java.util.concurrent.CopyOnWriteArrayList<>();
      Histogram total = new Histogram(HttpLoad.HIGHEST, 3);
      long cpu0 = p.cpuTicks();
      long self0 = ProxyProcess.cpuTicks(ProcessHandle.current().pid());
      long start = System.nanoTime();
      HttpLoad load = new HttpLoad(loadLoop, channel, target, ApiBackend.WHOAMI_PATH, c.connections());
      long[] last = {0, 0};
      timer.scheduleAtFixedRate(() -> {
        Histogram h = load.recorder.getIntervalHistogram();
        total.add(h);
        long ok = load.ok.get();
        long failed = load.failed.get();
        double t = (System.nanoTime() - start) / 1e9;
        series.add(new Second(t, ok + failed - last[0] - last[1], failed - last[1],
            h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6));
        last[0] = ok;
        last[1] = failed;
      }, 1, 1, TimeUnit.SECONDS);
      timer.scheduleAtFixedRate(() -> {
        for (BrowserClient b : browsers) {
          b.webSocket().send("m");
        }
      }, 10, 20, TimeUnit.MILLISECONDS);
      if (soakSeconds == 0) {
        for (int k = 0; k < KILLS.length; k++) {
          boolean kill = k % 2 == 0;
          timer.schedule(() -> {
            try {
              if (kill) {
                api1.stop();
              } else {
                api1.start();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }, (long) (KILLS[k] * seconds * 1000), TimeUnit.MILLISECONDS);
        }
      }
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      load.close();
      long elapsed = System.nanoTime() - start;
      long cpu1 = p.cpuTicks();
      long self1 = ProxyProcess.cpuTicks(ProcessHandle.current().pid());
      timer.shutdownNow();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      total.add(load.recorder.getIntervalHistogram());
      long sent = 0;
      long lost = 0;
      for (BrowserClient b : browsers) {
        ReliableWebSocket ws = b.webSocket();
        ws.awaitAllAcked(Duration.ofSeconds(10));
        sent += ws.sentCount();
        lost += ws.sentCount() - ws.acks().size();
        b.close();
      }
      Thread.sleep(200);
      long heapAfter = -1;
      long steadyRequests = 0;
      long heapSteadyStart = -1;
      long heapSteady = -1;
      int steadyWindows = 0;
      if (proxy.equals("gateway")) {
        // Steady runs without kills: the first settles what grows once (JIT, pooled buffers' arenas, caches sized by
        // the failover), then windows are measured, each until STEADY_REQUESTS requests (at most STEADY_MAX_SECONDS),
        // so a busy machine measures as many requests as an idle one: a leak of a few bytes per request then stands
        // out against the fixed noise of a full GC's heap reading. A window within steadyBound ends the measure; a
        // leak exceeds it in every one of the STEADY_WINDOWS windows.
        try (HttpLoad settle = new HttpLoad(loadLoop, channel, target, ApiBackend.WHOAMI_PATH, c.connections())) {
          Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(2, seconds / 4)));
        }
        Thread.sleep(200);
        heapAfter = p.heapAfterFullGc();
        long windowStart = heapAfter;
        do {
          steadyWindows++;
          try (HttpLoad more = new HttpLoad(loadLoop, channel, target, ApiBackend.WHOAMI_PATH, c.connections())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEADY_MAX_SECONDS);
            while (more.ok.get() + more.failed.get() < STEADY_REQUESTS && System.nanoTime() < deadline) {
              Thread.sleep(50);
            }
            steadyRequests = more.ok.get() + more.failed.get();
          }
          Thread.sleep(200);
          heapSteadyStart = windowStart;
          heapSteady = p.heapAfterFullGc();
          windowStart = heapSteady;
        } while (heapSteady - heapSteadyStart > steadyBound(steadyRequests) && steadyWindows < STEADY_WINDOWS);
      }
      return new Phase(proxy, round, elapsed / 1e9, load.ok.get(), load.failed.get(), total, List.copyOf(series),
          (cpu1 - cpu0) / (double) ProxyProcess.CLK_TCK, (self1 - self0) / (double) ProxyProcess.CLK_TCK, sent, lost,
          heapBefore, heapAfter, steadyRequests, heapSteadyStart, heapSteady, steadyWindows, List.copyOf(load.failures));
    } finally {
      p.close();
    }
  }

  /** Gateway only, long: heap after full GC sampled every tenth of the run; returns {seconds, requests, bytes}. */
  private static List<long[]> soak(Config c, List<InetSocketAddress> api, ApiBackend api1, EventLoopGroup loadLoop,
      Class<? extends SocketChannel> channel, Path work, PrintStream out) throws Exception {
    List<long[]> samples = new ArrayList<>();
    int port = freePort();
    ProxyProcess p = ProxyProcess.gateway(1, port, api, work.resolve("gateway-soak.log"), List.of("-Xms256m",
        "-Xmx256m", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1"));
    try {
      p.awaitReady(30_000);
      p.awaitLine("READY", 30_000);
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
      try (HttpLoad load = new HttpLoad(loadLoop, channel, target, ApiBackend.WHOAMI_PATH, c.connections())) {
        Thread.sleep(TimeUnit.SECONDS.toMillis(c.warmupSeconds()));
        long start = System.nanoTime();
        long step = Math.max(5, c.soakSeconds() / 10);
        for (long t = 0; t <= c.soakSeconds(); t += step) {
          long heap = p.heapAfterFullGc();
          long requests = load.ok.get() + load.failed.get();
          samples.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, requests, heap});
          out.printf("soak t=%ds requests=%d heap after full GC=%d bytes%n", samples.get(samples.size() - 1)[0],
              requests, heap);
          Thread.sleep(TimeUnit.SECONDS.toMillis(step));
        }
      }
    } finally {
      p.close();
    }
    return samples;
  }

  static String describe(Phase p) {
    return String.format(Locale.ROOT, "%-8s round %d: %,9d requests in %.1fs = %,8.0f req/s; p50 %.2f ms, p99 %.2f ms, "
            + "p99.9 %.2f ms; failed %d; WebSocket %d sent, %d lost; proxy CPU %.2fs = %.1f us/request = %,.0f req/s "
            + "per core; load side CPU %.2fs%s", p.proxy(), p.round(), p.requests(), p.seconds(), p.rps(), p.p(50),
        p.p(99), p.p(99.9), p.failed(), p.wsSent(), p.wsLost(), p.cpuSeconds(), p.cpuMicrosPerRequest(),
        p.rpsPerCore(), p.loadSideCpuSeconds(), p.heapBefore() < 0 ? "" : String.format(Locale.ROOT,
            "; heap after full GC %.2f -> %.2f MiB (%.2f bytes/request), then steady window %d: %.2f -> %.2f MiB "
                + "over %,d requests without kills (%.2f bytes/request)", p.heapBefore() / 1048576.0,
            p.heapAfter() / 1048576.0, p.heapGrowthPerRequest(), p.steadyWindows(), p.heapSteadyStart() / 1048576.0,
            p.heapSteady() / 1048576.0, p.steadyRequests(), p.steadyHeapGrowthPerRequest()));
  }

  /** The report: per phase, then the gateway/HAProxy ratios (medians over rounds). */
  static String text(Report r) {
    StringBuilder s = new StringBuilder();
    Config c = r.config();
    s.append("Veza Routing load test: example gateway vs HAProxy, same backends, backend-api-1 killed at ")
        .append(pct(KILLS[0])).append(" and ").append(pct(KILLS[2])).append(" of each phase, restarted at ")
        .append(pct(KILLS[1])).append(" and ").append(pct(KILLS[3])).append('\n');
    s.append("machine: ").append(r.machine()).append('\n');
    s.append(r.haproxyVersion()).append(" (nbthread 1)\n");
    s.append(String.format(Locale.ROOT, "phases: %d s measured after %d s warm-up, %d round(s) alternating, %d "
        + "keep-alive connections (closed loop, cookies kept), %d WebSockets at 50 msg/s each; each proxy pinned to "
        + "core 1, load generator and backends on core 0%n%n", c.seconds(), c.warmupSeconds(), c.rounds(),
        c.connections(), c.websockets()));
    for (Phase p : r.phases()) {
      s.append(describe(p)).append('\n');
    }
    List<Phase> g = r.phases().stream().filter(p -> p.proxy().equals("gateway")).toList();
    List<Phase> h = r.phases().stream().filter(p -> p.proxy().equals("haproxy")).toList();
    if (!g.isEmpty() && !h.isEmpty()) {
      s.append("\ngateway / HAProxy (medians over rounds):\n");
      ratio(s, "requests/s", g, h, Phase::rps);
      ratio(s, "requests/s per core (requests / proxy CPU seconds)", g, h, Phase::rpsPerCore);
      ratio(s, "CPU per request", g, h, Phase::cpuMicrosPerRequest);
      ratio(s, "p50", g, h, p -> p.p(50));
      ratio(s, "p99", g, h, p -> p.p(99));
      ratio(s, "p99.9", g, h, p -> p.p(99.9));
      s.append(String.format(Locale.ROOT, "failed requests: gateway %d, HAProxy %d; lost WebSocket messages: gateway "
              + "%d, HAProxy %d%n", g.stream().mapToLong(Phase::failed).sum(), h.stream().mapToLong(Phase::failed).sum(),
          g.stream().mapToLong(Phase::wsLost).sum(), h.stream().mapToLong(Phase::wsLost).sum()));
    }
    if (!r.soakHeap().isEmpty()) {
      s.append("\nsoak (gateway only): seconds, requests, heap after full GC (bytes)\n");
      for (long[] x : r.soakHeap()) {
        s.append(String.format(Locale.ROOT, "  %6d %,12d %,12d%n", x[0], x[1], x[2]));
      }
      s.append(String.format(Locale.ROOT, "  least-squares slope: %.4f bytes per request%n", slope(r.soakHeap())));
    }
    return s.toString();
  }

  static double slope(List<long[]> samples) {
    double n = samples.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (long[] x : samples) {
      sx += x[1];
      sy += x[2];
      sxx += (double) x[1] * x[1];
      sxy += (double) x[1] * x[2];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
  }

  private static void ratio(StringBuilder s, String what, List<Phase> g, List<Phase> h,
      java.util.function.ToDoubleFunction<Phase> f) {
    double a = median(g, f);
    double b = median(h, f);
    s.append(String.format(Locale.ROOT, "  %-52s %10.2f / %10.2f = %.2fx%n", what, a, b, a / b));
  }

  static double median(List<Phase> phases, java.util.function.ToDoubleFunction<Phase> f) {
    double[] v = phases.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String pct(double f) {
    return Math.round(f * 100) + "%";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Pins this JVM (every thread, and the threads they start) to {@code core} when there are 2+ cores. */
  private static void pinSelf(int core) {
    if (ProxyProcess.CORES < 2 || !Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      return;
    }
    try {
      new ProcessBuilder("/usr/bin/taskset", "-a", "-cp", Integer.toString(core),
          Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // not pinned: the report's machine line says how many cores there are
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
    } catch (IOException e) {
      // keep "unknown"
    }
    return String.format(Locale.ROOT, "%s, %d cores (shared), Java %s, %s", cpu,
        Runtime.getRuntime().availableProcessors(), Runtime.version(), Epoll.isAvailable() ? "epoll" : "NIO");
  }

  static Comparator<Phase> byRound() {
    return Comparator.comparingInt(Phase::round);
  }
}
