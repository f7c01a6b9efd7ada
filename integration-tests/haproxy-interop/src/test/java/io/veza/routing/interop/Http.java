package io.veza.routing.interop;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 over raw sockets to see exact header values on both sides of a proxy: a request is written
 * byte for byte as given (header order, repeated headers, spaces inside values), a response is read as received.
 * Header values are trimmed of surrounding spaces and tabs as any HTTP parser does (RFC 9112 5.1), nothing else.
 */
final class Http {
  private Http() {}

  /** One header field. */
  record Header(String name, String value) {
    @Override
    public String toString() {
      return name + ": " + value;
    }
  }

  /** A request: method, request-target, headers in order, body. */
  record Request(String method, String target, List<Header> headers, byte[] body) {
    Request {
      headers = List.copyOf(headers);
    }

    List<String> all(String name) {
      return values(headers, name);
    }

    /** A copy whose {@code name} headers are replaced by {@code values}, placed where the first one was. */
    Request replacing(String name, List<String> values) {
      List<Header> out = new ArrayList<>();
      boolean placed = false;
      for (Header h : headers) {
        if (h.name().equalsIgnoreCase(name)) {
          if (!placed) {
            values.forEach(v -> out.add(new Header(name, v)));
            placed = true;
          }
        } else {
          out.add(h);
        }
      }
      if (!placed) {
        values.forEach(v -> out.add(new Header(name, v)));
      }
      return new Request(method, target, out, body);
    }

    byte[] encode() {
      StringBuilder sb = new StringBuilder();
      sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      boolean host = false;
      boolean connection = false;
      for (Header h : headers) {
        host |= h.name().equalsIgnoreCase("Host");
        connection |= h.name().equalsIgnoreCase("Connection");
      }
      if (!host) {
        sb.append("Host: interop.test\r\n");
      }
      for (Header h : headers) {
        sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
      }
      if (!connection) {
        sb.append("Connection: close\r\n");
      }
      if (body.length > 0 || method.equals("POST")) {
        sb.append("Content-Length: ").append(body.length).append("\r\n");
      }
      sb.append("\r\n");
      byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return all;
    }
  }

  /** A response: status, headers in order, body. */
  record Response(int status, List<Header> headers, byte[] body) {
    Response {
      headers = List.copyOf(headers);
    }

    List<String> all(String name) {
      return values(headers, name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  static List<String> values(List<Header> headers, String name) {
    List<String> out = new ArrayList<>();
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        out.add(h.value());
      }
    }
    return out;
  }

  /**
   * Sends {@code request} on a new connection to {@code to} and reads the response (head only for 1xx).
   *
   * @throws java.net.ConnectException when the connection is refused
   */
  static Response exchange(InetSocketAddress to, Request request, int timeoutMillis) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(to, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      out.write(request.encode());
      out.flush();
      return readResponse(s.getInputStream(), request.method());
    }
  }

  static Response readResponse(InputStream in, String method) throws IOException {
    List<String> lines = readHead(in);
    if (lines == null) {
      throw new EOFException("connection closed before a response");
    }
    String statusLine = lines.get(0);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1 status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    List<Header> headers = parseHeaders(lines);
    byte[] body;
    if (status < 200 || status == 204 || status == 304 || method.equals("HEAD")) {
      body = new byte[0];
    } else {
      body = readBody(in, headers, true);
    }
    return new Response(status, headers, body);
  }

  /** Reads a message head: the start line then the header lines, or null at EOF before any byte. */
  static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean any = false;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (!any) {
          return null;
        }
        throw new EOFException("connection closed inside a message head");
      }
      any = true;
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (len == 0) {
          return lines;
        }
        lines.add(new String(bytes, 0, len, StandardCharsets.ISO_8859_1));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  static List<Header> parseHeaders(List<String> lines) {
    List<Header> headers = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String l = lines.get(i);
      int colon = l.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      headers.add(new Header(l.substring(0, colon), trimOws(l.substring(colon + 1))));
    }
    return headers;
  }

  static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  /** Content-Length, chunked, or (responses only) up to EOF. */
  static byte[] readBody(InputStream in, List<Header> headers, boolean untilEof) throws IOException {
    List<String> te = values(headers, "Transfer-Encoding");
    if (!te.isEmpty() && te.get(te.size() - 1).toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (true) {
        String size = readLine(in);
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          while (!readLine(in).isEmpty()) {
            // trailers
          }
          return out.toByteArray();
        }
        out.write(in.readNBytes(n));
        readLine(in);
      }
    }
    List<String> cl = values(headers, "Content-Length");
    if (!cl.isEmpty()) {
      int n = Integer.parseInt(cl.get(0).trim());
      byte[] b = in.readNBytes(n);
      if (b.length != n) {
        throw new EOFException("body shorter than Content-Length " + n);
      }
      return b;
    }
    return untilEof ? in.readAllBytes() : new byte[0];
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b < 0) {
      throw new EOFException("connection closed inside a chunked body");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
