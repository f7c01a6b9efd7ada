package io.veza.routing.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.BackendPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime API over real Unix and TCP sockets: HAProxy's connection rules, and the limits. */
class SocketTest {
  @TempDir
  Path dir;
  private final TestPools.ManualTicker ticker = new TestPools.ManualTicker();
  private BackendPool api;
  private AdminServer admin;
  private Path sock;

  @BeforeEach
  void setUp() {
    api = TestPools.api(ticker);
    sock = dir.resolve("admin.sock");
    admin = AdminServer.builder().pool(api).unixSocket(sock).tcp(InetAddress.getLoopbackAddress(), 0,
            AccessLevel.OPERATOR).maxConnections(4).maxRequestBytes(1024).idleTimeout(Duration.ofSeconds(1))
        .logHealthTransitions(false).start();
  }

  @AfterEach
  void tearDown() {
    admin.close();
    api.close();
  }

  private SocketChannel unix() throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(sock));
    return ch;
  }

  private SocketChannel tcp() throws IOException {
    return SocketChannel.open(admin.tcpAddress().orElseThrow());
  }

  private static void send(SocketChannel ch, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Reads until the server closes (a reset, when it closed with input unread, counts as closed). */
  private static String readAll(SocketChannel ch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(8192);
    try {
      while (ch.read(b) >= 0) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
    } catch (java.net.SocketException e) {
      if (!String.valueOf(e.getMessage()).contains("reset")) {
        throw e;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads until the output ends with {@code end}. */
  private static String readUntil(SocketChannel ch, String end) throws IOException {
    StringBuilder sb = new StringBuilder();
    ByteBuffer b = ByteBuffer.allocate(8192);
    while (!sb.toString().endsWith(end)) {
      int n = ch.read(b);
      if (n < 0) {
        throw new IOException("closed after " + sb);
      }
      sb.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
      b.clear();
    }
    return sb.toString();
  }

  @Test
  void nonInteractiveConnectionRunsWhatWasSentThenCloses() throws IOException {
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(sock)), "only the owner may connect");
    try (SocketChannel ch = unix()) {
      send(ch, "show cli level\nshow backend\n");
      assertEquals("admin\n\n# name\nbackend-api\n\n", readAll(ch));
    }
    try (SocketChannel ch = tcp()) {
      send(ch, "show cli level;set server backend-api/backend-api-1 state maint\n");
      assertEquals("operator\n\nPermission denied\n\n", readAll(ch), "TCP listener at operator level");
    }
    try (SocketChannel ch = unix()) {
      send(ch, "show cli level\nshow back"); // an incomplete last line
      ch.shutdownOutput();
      assertEquals("admin\n\n", readAll(ch), "dropped at end of input, as HAProxy does");
    }
  }

  @Test
  void promptModeKeepsTheConnection() throws IOException {
    try (SocketChannel ch = unix()) {
      send(ch, "prompt\n");
      assertEquals("\n> ", readUntil(ch, "> "));
      send(ch, "show cli level\n");
      assertEquals("admin\n\n> ", readUntil(ch, "> "));
      send(ch, "set timeout cli 60\n");
      assertEquals("\n> ", readUntil(ch, "> "));
      send(ch, "quit\n");
      assertEquals("", readAll(ch));
    }
  }

  @Test
  void garbageNeverCrashesNorBlocksOtherClients() throws IOException {
    Random random = new Random(0x5eed);
    try (SocketChannel bad = unix(); SocketChannel silent = unix()) {
      byte[] junk = new byte[4096];
      random.nextBytes(junk);
      for (int i = 0; i < junk.length; i++) {
        if (junk[i] == '\n' || junk[i] == ';') {
          junk[i] = 'x';
        }
      }
      try {
        bad.write(ByteBuffer.wrap(junk));
      } catch (IOException e) {
        // the server may already have closed it
      }
      assertEquals("", readAll(bad), "a line longer than maxRequestBytes closes the connection");
      send(silent, "prompt\n"); // interactive and idle: holds a connection slot
      readUntil(silent, "> ");
      try (SocketChannel ok = unix()) {
        byte[] binary = new byte[200];
        random.nextBytes(binary);
        for (int i = 0; i < binary.length; i++) {
          if (binary[i] == '\n' || binary[i] == ';' || binary[i] == '\\') {
            binary[i] = 0;
          }
        }
        binary[0] = 'x';
        binary[binary.length - 1] = '\n';
        ok.write(ByteBuffer.wrap(binary));
        String out = readAll(ok);
        assertTrue(out.startsWith("Unknown command"), out);
      }
      try (SocketChannel ok = tcp()) {
        send(ok, "show backend\n");
        assertEquals("# name\nbackend-api\n\n", readAll(ok));
      }
    }
  }

  @Test
  void connectionsAreBoundedAndIdleOnesClosed() throws IOException {
    List<SocketChannel> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        SocketChannel ch = unix();
        send(ch, "prompt\n");
        readUntil(ch, "> ");
        held.add(ch);
      }
      try (SocketChannel fifth = unix()) {
        try {
          send(fifth, "show backend\n");
        } catch (IOException e) {
          // already closed by the server: that is the point
        }
        assertEquals("", readAll(fifth), "over maxConnections: closed at once");
      }
      for (SocketChannel ch : held) {
        assertEquals("", readAll(ch), "idle for more than idleTimeout: closed");
      }
      try (SocketChannel again = unix()) {
        send(again, "show backend\n");
        assertEquals("# name\nbackend-api\n\n", readAll(again), "slots are free again");
      }
    } finally {
      for (SocketChannel ch : held) {
        ch.close();
      }
    }
  }

  @Test
  void aClientThatDoesNotReadDoesNotBlockOthers() throws IOException {
    try (SocketChannel greedy = unix()) {
      send(greedy, "prompt\n");
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        many.append("show stat;");
      }
      send(greedy, many.append('\n').toString()); // about 40 x 3 KB of output it never reads
      for (int i = 0; i < 3; i++) {
        try (SocketChannel other = unix()) {
          send(other, "show stat\n");
          assertTrue(readAll(other).startsWith("# pxname,svname,"));
        }
      }
      assertTrue(readUntil(greedy, "> ").startsWith("\n> # pxname"), "the greedy client's output is intact");
    }
  }
}
