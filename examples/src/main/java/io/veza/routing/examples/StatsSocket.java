package io.veza.routing.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Veza smoke test does with HAProxy's stats socket ({@code echo "show stat" | socat stdio
 * unix-connect:SOCK}), in Java: send {@code show stat} on the gateway's Unix socket, read the CSV to the end (the
 * server closes after answering), and take each server's {@code status} column by name from the header line.
 */
final class StatsSocket {
  private StatsSocket() {}

  /** The socket's answer to {@code command}. */
  static String send(Path socket, String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        buf.flip();
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** {@code backend/server} to the {@code status} column of {@code show stat} (servers only, not BACKEND). */
  static Map<String, String> statuses(Path socket) throws IOException {
    List<String> lines = Arrays.asList(send(socket, "show stat").split("\n"));
    Map<String, String> out = new LinkedHashMap<>();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      return out;
    }
    List<String> header = Arrays.asList(lines.get(0).substring(2).split(",", -1));
    int px = header.indexOf("pxname");
    int sv = header.indexOf("svname");
    int st = header.indexOf("status");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > st && !f[sv].equals("BACKEND") && !f[sv].equals("FRONTEND")) {
        out.put(f[px] + "/" + f[sv], f[st]);
      }
    }
    return out;
  }

  /** One server's status, or null if the socket does not list it (or cannot be read). */
  static String status(Path socket, String backend, String server) {
    try {
      return statuses(socket).get(backend + "/" + server);
    } catch (IOException e) {
      return null;
    }
  }
}
