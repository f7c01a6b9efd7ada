package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code haproxy -c -f} (Debian package haproxy 2.6, installed by .ci/run from .ci/apt-packages). */
final class Haproxy {
  private Haproxy() {}

  /** The outcome of {@code haproxy -c}: accepted (exit 0, or 2 for warnings) and what it printed. */
  record Check(boolean accepted, int exit, String output) {}

  static Check check(String config, Map<String, String> env) {
    Path file = null;
    try {
      file = Files.createTempFile("veza-haproxy-", ".cfg");
      Files.writeString(file, config, StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder(binary(), "-c", "-f", file.toString()).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("haproxy -c did not finish within 60 s on:\n" + config);
      }
      int exit = p.exitValue();
      return new Check(exit == 0 || exit == 2, exit, new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("could not run haproxy -c: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }

  static String binary() {
    for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    fail("haproxy is not installed: these tests compare the importer with the real 'haproxy -c' (HAProxy 2.6, Debian"
        + " package 'haproxy', listed in .ci/apt-packages; install it with 'apt-get install -y haproxy')");
    throw new AssertionError("unreachable");
  }
}
