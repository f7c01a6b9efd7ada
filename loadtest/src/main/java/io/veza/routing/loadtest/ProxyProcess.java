package io.veza.routing.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A proxy under test as a separate process (the example gateway's JVM, or HAProxy), pinned to one core with
 * {@code taskset} when there are at least two, so that its CPU time can be read from {@code /proc/<pid>/stat}.
 */
final class ProxyProcess implements AutoCloseable {
  /** Clock ticks per second of /proc stat times (USER_HZ; 100 on Linux). */
  static final long CLK_TCK = clockTicks();
  /** Cores of the machine, read before the load test pins itself (after that the JVM sees one). */
  static final int CORES = Runtime.getRuntime().availableProcessors();

  final String name;
  final Process process;
  final int port;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Writer stdin;

  private ProxyProcess(String name, List<String> command, int port, Path log) throws IOException {
    this.name = name;
    this.port = port;
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)); PrintStream out = new PrintStream(Files.newOutputStream(log), true,
          StandardCharsets.UTF_8)) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          out.println(l);
          lines.add(l);
        }
      } catch (IOException e) {
        lines.add("EOF " + e);
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code taskset -c CORE} in front of a command, when taskset exists and the machine has 2+ cores. */
  static List<String> pinned(int core, List<String> command) {
    List<String> c = new ArrayList<>();
    if (core >= 0 && CORES >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      c.add("/usr/bin/taskset");
      c.add("-c");
      c.add(Integer.toString(core));
    }
    c.addAll(command);
    return c;
  }

  static ProxyProcess gateway(int core, int port, List<InetSocketAddress> api, Path log, List<String> jvmFlags)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.veza.routing.examples.GatewayMain");
    cmd.add("--api");
    cmd.add(String.join(",", api.stream().map(a -> "127.0.0.1:" + a.getPort()).toList()));
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.add("--threads");
    cmd.add("1");
    return new ProxyProcess("gateway", pinned(core, cmd), port, log);
  }

  static ProxyProcess haproxy(int core, int port, Path config, Path log) throws IOException {
    return new ProxyProcess("haproxy", pinned(core, List.of(Haproxy.binary(), "-db", "-f", config.toString())), port,
        log);
  }

  /** Waits until the port accepts connections (and, for the gateway, it printed READY). */
  void awaitReady(long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited: " + String.join("\n", lines));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(20); // poll interval of a readiness wait
      }
    }
    throw new IOException(name + " did not listen on " + port + " in time: " + String.join("\n", lines));
  }

  /** utime + stime of the process (all its threads), in clock ticks. */
  long cpuTicks() throws IOException {
    return cpuTicks(process.pid());
  }

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields after the command: state(3) ... utime(14) stime(15): index 11 and 12 here
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** For the gateway: full GC, then the heap in use (bytes); -1 when it does not answer. */
  long heapAfterFullGc() throws IOException, InterruptedException {
    stdin.write("heap\n");
    stdin.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null && l.startsWith("HEAP ")) {
        return Long.parseLong(l.substring(5).trim());
      }
    }
    return -1;
  }

  /** The output line starting with {@code prefix}, waiting up to {@code timeoutMillis}; null if none. */
  String awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      String l = lines.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return l;
      }
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
