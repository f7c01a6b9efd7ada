package io.veza.routing.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** HAProxy 2.6 from the Debian package, and the configuration equivalent to the example gateway's. */
final class Haproxy {
  private Haproxy() {}

  static String binary() {
    for (String p : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return "haproxy";
  }

  /** The version line of {@code haproxy -v}, installing the Debian package first when it is missing. */
  static String ensureInstalled() throws IOException, InterruptedException {
    String v = version();
    if (v != null) {
      return v;
    }
    System.out.println("haproxy not found: installing the Debian package (apt-get install -y haproxy)");
    run(List.of("apt-get", "install", "-y", "haproxy"));
    v = version();
    if (v == null) {
      run(List.of("apt-get", "update"));
      run(List.of("apt-get", "install", "-y", "haproxy"));
      v = version();
    }
    if (v == null) {
      throw new IOException("haproxy is not installed and apt-get could not install it");
    }
    return v;
  }

  private static String version() throws InterruptedException {
    try {
      Process p = new ProcessBuilder(binary(), "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return p.exitValue() == 0 ? out.lines().findFirst().orElse("") : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(command + " timed out");
    }
  }

  /**
   * The HAProxy configuration equivalent to {@code GatewayMain}'s (same timeouts, retries, redispatch, checks,
   * slow start, cookie, connection reuse, X-Forwarded-For), one thread.
   */
  static String config(int port, List<InetSocketAddress> api, long interMillis, long slowStartMillis) {
    StringBuilder s = new StringBuilder();
    s.append("global\n")
        .append("    nbthread 1\n")
        .append("    maxconn 4096\n")
        .append("defaults\n")
        .append("    mode http\n")
        .append("    timeout connect 1s\n")
        .append("    timeout client 30s\n")
        .append("    timeout server 10s\n")
        .append("    timeout tunnel 1h\n")
        .append("    timeout check ").append(interMillis).append("ms\n")
        .append("    option redispatch\n")
        .append("    retries 3\n")
        .append("    retry-on conn-failure empty-response\n")
        .append("    http-reuse safe\n")
        .append("    option forwardfor\n")
        .append("frontend fe\n")
        .append("    bind 127.0.0.1:").append(port).append('\n')
        .append("    default_backend api\n")
        .append("backend api\n")
        .append("    balance roundrobin\n")
        .append("    cookie SERVERID insert indirect nocache\n")
        .append("    option httpchk GET /api/v1/health\n")
        .append("    default-server check inter ").append(interMillis).append("ms fall 3 rise 2 slowstart ")
        .append(slowStartMillis).append("ms observe layer7 on-marked-down shutdown-sessions\n");
    for (int i = 0; i < api.size(); i++) {
      s.append("    server backend-api-").append(i + 1).append(" 127.0.0.1:").append(api.get(i).getPort())
          .append(" cookie api").append(i + 1).append('\n');
    }
    return s.toString();
  }
}
