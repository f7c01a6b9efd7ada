package io.veza.routing.examples;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.admin.AccessLevel;
import io.veza.routing.admin.AdminServer;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.backend.NettyBackend;
import io.veza.routing.examples.backend.StreamServer;
import io.veza.routing.examples.gateway.Gateway;
import io.veza.routing.haproxy.HaproxyBackend;
import io.veza.routing.haproxy.HaproxyConfig;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.Probes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The example gateway as a process.
 *
 * <p>Pools come either from an HAProxy configuration ({@code --config haproxy.cfg}: every backend becomes a pool,
 * with its checks; {@code "${VAR}"} in the file is read from the environment) or, for the load test, from
 * {@code --api host:port[,host:port...]}, configured like this HAProxy section:
 *
 * <pre>
 * backend api
 *   balance roundrobin
 *   cookie SERVERID insert indirect nocache
 *   option redispatch
 *   retries 3
 *   option httpchk GET /api/v1/health
 *   default-server check inter INTER fall 3 rise 2 slowstart SLOWSTART observe layer7
 *                  on-marked-down shutdown-sessions
 *   server backend-api-N ADDRESS cookie apiN
 * </pre>
 *
 * <p>Routes: {@code --route PREFIX=BACKEND} (repeatable); by default {@code /api/} and {@code /ws} go to
 * {@code api_pool} (or the {@code --api} pool) and {@code /hls/} to {@code stream_pool}, when they exist.
 *
 * <p>Arguments: {@code [--config FILE] [--route PREFIX=BACKEND]... [--api host:port,...] [--demo-backends]
 * [--stats-socket PATH] [--admin-port N] [--port N] [--threads N] [--inter ms] [--slowstart ms]
 * [--tls keystore.p12 --tls-password P]}. {@code --demo-backends} starts the example's backend-api-1/2 and
 * stream-server-1/2 on loopback first and exports their addresses as {@code API_1}, {@code API_2}, {@code STREAM_1},
 * {@code STREAM_2} for the configuration. {@code --stats-socket} serves HAProxy's runtime API on a Unix socket
 * (level admin), {@code --admin-port} on TCP 127.0.0.1 (level operator). It prints {@code READY <port>} when
 * listening, then reads commands on standard input: {@code heap} (full GC, then {@code HEAP <bytes used>}),
 * {@code stats}, {@code quit}.
 */
public final class GatewayMain {
  private GatewayMain() {}

  /** Parsed arguments: repeatable options keep every value. */
  record Options(Map<String, List<String>> values) {
    static Options parse(String[] args) {
      Map<String, List<String>> v = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) {
          throw new IllegalArgumentException("expected an option, was '" + a + "'");
        }
        boolean flag = a.equals("--demo-backends");
        String value = flag ? "true" : i + 1 < args.length ? args[++i] : null;
        if (value == null) {
          throw new IllegalArgumentException(a + " needs a value, was none");
        }
        v.computeIfAbsent(a, k -> new ArrayList<>()).add(value);
      }
      return new Options(v);
    }

    String get(String name, String fallback) {
      List<String> l = values.get(name);
      return l == null ? fallback : l.get(l.size() - 1);
    }

    List<String> all(String name) {
      return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
      return values.containsKey(name);
    }
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    List<AutoCloseable> closing = new ArrayList<>();
    Map<String, String> env = new HashMap<>(System.getenv());
    EventLoopGroup backendLoops = null;
    if (opt.has("--demo-backends")) {
      backendLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      List<NettyBackend> backends = List.of(
          new ApiBackend(VezaPlatform.API_1, backendLoops, VezaPlatform.PERSISTENCE_COOKIE),
          new ApiBackend(VezaPlatform.API_2, backendLoops, VezaPlatform.PERSISTENCE_COOKIE),
          new StreamServer(VezaPlatform.STREAM_1, backendLoops), new StreamServer(VezaPlatform.STREAM_2, backendLoops));
      String[] names = {"API_1", "API_2", "STREAM_1", "STREAM_2"};
      for (int i = 0; i < backends.size(); i++) {
        NettyBackend b = backends.get(i);
        b.start();
        env.put(names[i], "127.0.0.1:" + b.address().getPort());
        System.out.println("backend " + b.id() + " on " + env.get(names[i]));
      }
    }
    Duration inter = Duration.ofMillis(Long.parseLong(opt.get("--inter", "500")));
    HttpClient probes = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(inter).build();
    Map<String, BackendPool> pools = new LinkedHashMap<>();
    if (opt.has("--config")) {
      HaproxyConfig config = HaproxyConfig.parser().environment(env::get).parse(Path.of(opt.get("--config", "")));
      config.notes().forEach(n -> System.out.println("config note: " + n));
      for (HaproxyBackend backend : config.backends()) {
        BackendPool pool = backend.builder().build();
        backend.discovery().ifPresent(dns -> {
          var discovery = dns.build();
          discovery.start(pool::update);
          closing.add(discovery);
        });
        if (backend.checked()) {
          pool.startChecks(backend.httpCheck().map(c -> c.probe(probes)).orElse(Probes.tcp(Duration.ofSeconds(2))));
        }
        pools.put(backend.name(), pool);
      }
    }
    String api = opt.get("--api", null);
    if (api != null) {
      BackendPool pool = apiPool(api, inter, Duration.ofMillis(Long.parseLong(opt.get("--slowstart", "3000"))));
      pool.startChecks(Probes.http(probes, ApiBackend.HEALTH_PATH).requestTimeout(inter).build());
      pools.put("api", pool);
    }
    if (pools.isEmpty()) {
      throw new IllegalArgumentException("--config or --api must give the gateway some backend, was neither");
    }
    Gateway.Builder gb = Gateway.builder()
        .port(Integer.parseInt(opt.get("--port", "0")))
        .connectTimeout(Duration.ofSeconds(1))
        .responseTimeout(Duration.ofSeconds(10))
        .idleTimeout(Duration.ofSeconds(5));
    Map<String, String> routes = new LinkedHashMap<>();
    for (String r : opt.all("--route")) {
      int eq = r.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--route must be PREFIX=BACKEND, was '" + r + "'");
      }
      routes.put(r.substring(0, eq), r.substring(eq + 1));
    }
    if (routes.isEmpty()) {
      String apiPool = pools.containsKey("api_pool") ? "api_pool" : pools.containsKey("api") ? "api" : null;
      if (apiPool != null) {
        routes.put("/api/", apiPool);
        routes.put("/ws", apiPool);
      }
      if (pools.containsKey("stream_pool")) {
        routes.put("/hls/", "stream_pool");
      }
    }
    for (Map.Entry<String, String> r : routes.entrySet()) {
      BackendPool pool = pools.get(r.getValue());
      if (pool == null) {
        throw new IllegalArgumentException("--route " + r.getKey() + "=" + r.getValue() + " names no backend; known: "
            + pools.keySet());
      }
      gb.route(r.getKey(), pool);
      System.out.println("route " + r.getKey() + " -> " + r.getValue());
    }
    if (opt.has("--threads")) {
      gb.threads(Integer.parseInt(opt.get("--threads", "1")));
    }
    if (opt.has("--tls")) {
      gb.tls(Path.of(opt.get("--tls", "")), opt.get("--tls-password", "").toCharArray());
    }
    AdminServer admin = null;
    if (opt.has("--stats-socket") || opt.has("--admin-port")) {
      AdminServer.Builder ab = AdminServer.builder();
      pools.values().forEach(ab::pool);
      if (opt.has("--stats-socket")) {
        ab.unixSocket(Path.of(opt.get("--stats-socket", "")));
      }
      if (opt.has("--admin-port")) {
        ab.tcp(InetAddress.getLoopbackAddress(), Integer.parseInt(opt.get("--admin-port", "0")), AccessLevel.OPERATOR);
      }
      admin = ab.start();
      admin.unixSocket().ifPresent(p -> System.out.println("stats socket " + p + " (level admin)"));
      admin.tcpAddress().ifPresent(a -> System.out.println("admin port " + a + " (level operator)"));
    }
    try (Gateway gateway = gb.build().start()) {
      System.out.println("READY " + gateway.address().getPort() + " native=" + gateway.nativeTransport());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        switch (line.trim()) {
          case "heap" -> {
            for (int i = 0; i < 3; i++) {
              System.gc();
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println("HEAP " + used);
          }
          case "stats" -> System.out.println("STATS " + gateway.stats());
          default -> System.out.println("? " + line);
        }
        System.out.flush();
      }
    } finally {
      if (admin != null) {
        admin.close();
      }
      for (AutoCloseable c : closing) {
        c.close();
      }
      pools.values().forEach(BackendPool::close);
      if (backendLoops != null) {
        backendLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }

  /** The load test's pool: {@code backend api} above, one server per address. */
  static BackendPool apiPool(String addresses, Duration inter, Duration slowStart) {
    BackendPool.Builder b = BackendPool.builder("api")
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .redispatch(true)
        .retries(3)
        .shutdownSessionsOnMarkedDown(true)
        .defaultHealthPolicy(HealthPolicy.builder().inter(inter).fall(3).rise(2).slowStart(slowStart)
            .checkTimeout(inter).observe(ObserveMode.LAYER7).build());
    String[] list = addresses.split(",");
    for (int i = 0; i < list.length; i++) {
      String[] hp = list[i].split(":");
      int n = i + 1;
      b.server("backend-api-" + n, new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), s -> s.cookie("api" + n));
    }
    return b.build();
  }
}
