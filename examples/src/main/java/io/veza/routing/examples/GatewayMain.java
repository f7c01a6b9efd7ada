package io.veza.routing.examples;

import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.examples.backend.ApiBackend;
import io.veza.routing.examples.gateway.Gateway;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.Probes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The example gateway as a process, configured like this HAProxy section (the load test runs both side by side):
 *
 * <pre>
 * defaults: timeout connect 1s, timeout server 10s, option redispatch, retries 3,
 *           retry-on conn-failure empty-response, http-reuse safe, option forwardfor
 * backend api
 *   balance roundrobin
 *   cookie SERVERID insert indirect nocache
 *   option httpchk GET /api/v1/health
 *   default-server check inter INTER fall 3 rise 2 slowstart SLOWSTART observe layer7
 *                  on-marked-down shutdown-sessions
 *   server backend-api-N ADDRESS cookie apiN
 * </pre>
 *
 * <p>Arguments: {@code --api host:port[,host:port...] [--port N] [--threads N] [--inter ms] [--slowstart ms]
 * [--tls keystore.p12 password]}. It prints {@code READY <port>} when listening with every server UP, then reads
 * commands on standard input: {@code heap} (full GC, then prints {@code HEAP <bytes used>}), {@code stats},
 * {@code quit}.
 */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    String api = opt.get("--api");
    if (api == null) {
      throw new IllegalArgumentException("--api must list the backend-api addresses, was absent");
    }
    Duration inter = Duration.ofMillis(Long.parseLong(opt.getOrDefault("--inter", "500")));
    Duration slowStart = Duration.ofMillis(Long.parseLong(opt.getOrDefault("--slowstart", "3000")));
    BackendPool.Builder b = BackendPool.builder("api")
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .redispatch(true)
        .retries(3)
        .shutdownSessionsOnMarkedDown(true)
        .defaultHealthPolicy(HealthPolicy.builder().inter(inter).fall(3).rise(2).slowStart(slowStart)
            .checkTimeout(inter).observe(ObserveMode.LAYER7).build());
    String[] addresses = api.split(",");
    for (int i = 0; i < addresses.length; i++) {
      String[] hp = addresses[i].split(":");
      int n = i + 1;
      b.server("backend-api-" + n, new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), s -> s.cookie("api" + n));
    }
    BackendPool pool = b.build();
    HttpClient probes = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(inter).build();
    pool.startChecks(Probes.http(probes, ApiBackend.HEALTH_PATH).requestTimeout(inter).build());
    Gateway.Builder gb = Gateway.builder()
        .route("/api/", pool)
        .route("/ws", pool)
        .port(Integer.parseInt(opt.getOrDefault("--port", "0")))
        .connectTimeout(Duration.ofSeconds(1))
        .responseTimeout(Duration.ofSeconds(10))
        .idleTimeout(Duration.ofSeconds(5));
    if (opt.containsKey("--threads")) {
      gb.threads(Integer.parseInt(opt.get("--threads")));
    }
    if (opt.containsKey("--tls")) {
      gb.tls(Path.of(opt.get("--tls")), opt.getOrDefault("--tls-password", "").toCharArray());
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
      pool.close();
    }
  }
}
