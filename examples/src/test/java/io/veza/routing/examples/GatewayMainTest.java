package io.veza.routing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway process as the README runs it: {@code GatewayMain --config veza-haproxy.cfg --demo-backends
 * --stats-socket SOCK}. Its pools come from the Veza HAProxy configuration (the importer), and the runtime API answers
 * on the socket with the configuration's backend and server names (what the Veza smoke test reads with socat).
 */
class GatewayMainTest {
  @TempDir
  Path dir;

  @Test
  void startsFromTheVezaConfigurationAndServesTheStatsSocket() throws Exception {
    Path socket = dir.resolve("admin.sock");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName(),
        "--config", Path.of("veza-haproxy.cfg").toAbsolutePath().toString(), "--demo-backends",
        "--stats-socket", socket.toString(), "--inter", "200"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII)) {
      int port = -1;
      List<String> seen = new ArrayList<>();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.add(line);
        if (line.startsWith("READY ")) {
          port = Integer.parseInt(line.split(" ")[1]);
          break;
        }
      }
      assertTrue(port > 0, "the gateway printed READY: " + seen);
      assertTrue(seen.contains("route /hls/ -> stream_pool"), seen.toString());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      // checks run every 200 ms: every server UP per the socket, as the smoke test's step 0
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Map<String, String> status = Map.of();
      while (System.nanoTime() < deadline) {
        status = StatsSocket.statuses(socket);
        if (status.size() == 4 && status.values().stream().allMatch("UP"::equals)) {
          break;
        }
        Thread.sleep(50);
      }
      assertEquals(Map.of("api_pool/backend-api-1", "UP", "api_pool/backend-api-2", "UP",
          "stream_pool/stream-server-1", "UP", "stream_pool/stream-server-2", "UP"), status);
      HttpResponse<String> api = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/v1/whoami")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, api.statusCode());
      String cookie = api.headers().firstValue("set-cookie").orElse(null);
      assertNotNull(cookie, "cookie SERVERID insert: the first response pins the client");
      assertTrue(cookie.startsWith("SERVERID=api"), cookie);
      String served = null;
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/hls/3f2504e0-4f89-41d3-9a0c-0305e82c3301/seg" + i + ".ts"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String by = r.headers().firstValue("X-Served-By").orElseThrow();
        if (served != null) {
          assertEquals(served, by, "every segment of a track goes to one streamer (balance hash path,field(3,/))");
        }
        served = by;
      }
      in.write("quit\n");
      in.flush();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the gateway exits on quit");
    } finally {
      p.destroyForcibly();
    }
  }
}
