package io.veza.routing.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code haproxy -f <cfg> -db} child process (Debian package haproxy 2.6, installed by {@code mvn verify}
 * from .ci/apt-packages) with an admin stats socket, killed on {@link #close()}.
 */
final class HaproxyProcess implements AutoCloseable {
  private final Path socket;
  private final Process process;
  private final Path log;
  private final int port;

  private HaproxyProcess(Path socket, Process process, Path log, int port) {
    this.socket = socket;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** A free loopback TCP port (bound then released; the caller binds it right away). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The HAProxy binary, or a failure that says how to install it. */
  static String binary() {
    for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError("haproxy is not installed: this suite runs the real HAProxy 2.6 (Debian package"
        + " 'haproxy', listed in .ci/apt-packages and installed by 'mvn verify'; or: apt-get install -y haproxy)");
  }

  /** The {@code global} and {@code defaults} sections every scenario runs with. */
  static String preamble(Path socket) {
    return "global\n"
        + "  stats socket " + socket + " level admin\n"
        + "\n"
        + "defaults\n"
        + "  mode http\n"
        + "  timeout connect 100ms\n"
        + "  timeout client 10s\n"
        + "  timeout server 10s\n"
        + "\n";
  }

  /** Starts HAProxy on {@code config} and waits until {@code port} accepts connections. */
  static HaproxyProcess start(Path dir, String config, int port) throws IOException, InterruptedException {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, config, StandardCharsets.UTF_8);
    Path log = dir.resolve("haproxy.log");
    Process p = new ProcessBuilder(binary(), "-f", cfg.toString(), "-db")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HaproxyProcess h = new HaproxyProcess(dir.resolve("admin.sock"), p, log, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      if (!p.isAlive()) {
        throw new AssertionError("haproxy exited with " + p.exitValue() + ":\n" + h.output() + "\nconfig:\n" + config);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        if (Files.exists(h.socket)) {
          return h;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        h.close();
        throw new AssertionError("haproxy did not listen on " + port + " within 10 s:\n" + h.output());
      }
      Thread.sleep(10);
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** Runs one runtime API command on the admin socket and returns its answer. */
  String cli(String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.shutdownOutput();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      StringBuilder sb = new StringBuilder();
      while (ch.read(buf) >= 0) {
        buf.flip();
        sb.append(StandardCharsets.US_ASCII.decode(buf));
        buf.clear();
      }
      return sb.toString();
    }
  }

  /**
   * {@code show stat} rows of backend {@code backend}: server name to (column name to value).
   */
  Map<String, Map<String, String>> stats(String backend) throws IOException {
    String csv = cli("show stat");
    String[] lines = csv.split("\n");
    String[] columns = lines[0].replaceFirst("^# ", "").split(",", -1);
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] v = lines[i].split(",", -1);
      if (v.length < 2 || !v[0].equals(backend)) {
        continue;
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < columns.length && c < v.length; c++) {
        row.put(columns[c], v[c]);
      }
      rows.put(v[1], row);
    }
    return rows;
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
