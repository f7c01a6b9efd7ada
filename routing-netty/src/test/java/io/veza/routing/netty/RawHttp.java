package io.veza.routing.netty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A byte-exact HTTP/1.1 client for tests: sends what it is given, reads one response (Content-Length or chunked). */
final class RawHttp implements AutoCloseable {
  /** A response. */
  record Response(int status, List<String[]> headers, byte[] body) {
    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    List<String> all(String name) {
      List<String> out = new ArrayList<>();
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          out.add(h[1]);
        }
      }
      return out;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawHttp send(String raw) throws IOException {
    return send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
    return this;
  }

  /** One response, or null if the connection closed first. */
  Response read() throws IOException {
    String status = line();
    if (status == null) {
      return null;
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    List<String[]> headers = new ArrayList<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
    }
    Response head = new Response(code, headers, new byte[0]);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = head.header("content-length");
    String te = head.header("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        int size = Integer.parseInt(line().trim(), 16);
        if (size == 0) {
          line();
          break;
        }
        body.write(in.readNBytes(size));
        line();
      }
    } else if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if (code >= 200 && code != 204 && code != 304) {
      body.write(in.readAllBytes());
    }
    return new Response(code, headers, body.toByteArray());
  }

  /** Whether the server closed the connection (reads EOF within the socket timeout). */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
