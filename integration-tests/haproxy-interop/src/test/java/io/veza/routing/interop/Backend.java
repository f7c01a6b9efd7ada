package io.veza.routing.interop;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback HTTP/1.1 backend that says who it is and what it received, and answers what each request asks for.
 *
 * <p>Every response names the backend ({@code X-Served-By}) and repeats each {@code Cookie} header value it received
 * ({@code X-Received-Cookie}, in order, control characters and {@code '%'} written {@code %XX}), 101 included. The request header {@code X-Reply} carries the response to send, base64url-encoded lines: the status code,
 * then {@code Name: value} header lines sent verbatim ({@code Set-Cookie}, {@code Cache-Control}, {@code Pragma},
 * {@code Expires}...). The body is {@code server=<name>} and one {@code cookie:<value>} line per {@code Cookie}
 * header received. A 101 answer carries {@code Connection: Upgrade} and a valid
 * {@code Sec-WebSocket-Accept}, then the connection is closed. Connections are kept alive otherwise.
 *
 * <p>{@link #stop()} closes the listening socket and every connection (a killed server: connections are refused);
 * {@link #start()} listens again on the same port.
 */
final class Backend implements AutoCloseable {
  static final String REPLY = "X-Reply";
  /** Response header naming the backend that answered. */
  static final String SERVED_BY = "X-Served-By";
  /** Response header repeating each Cookie header value the backend received, in order. */
  static final String RECEIVED_COOKIE = "X-Received-Cookie";
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final String name;
  private int port;
  private volatile ServerSocket listener;
  private Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private int received;

  Backend(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  synchronized Backend start() throws IOException {
    if (listener != null) {
      return this;
    }
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    port = ss.getLocalPort();
    listener = ss;
    Thread t = new Thread(() -> acceptLoop(ss), "backend-" + name);
    t.setDaemon(true);
    t.start();
    acceptor = t;
    return this;
  }

  synchronized void stop() {
    ServerSocket ss = listener;
    listener = null;
    if (ss != null) {
      closeQuietly(ss);
      // the JDK releases a listening socket only once the thread blocked in accept() has returned: until then the
      // kernel still completes connections to the port
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** How many requests this backend has answered so far. */
  synchronized int requests() {
    return received;
  }

  @Override
  public void close() {
    stop();
  }

  private void acceptLoop(ServerSocket ss) {
    while (!ss.isClosed()) {
      try {
        Socket s = ss.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "backend-" + name + "-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        List<String> head = Http.readHead(in);
        if (head == null) {
          return;
        }
        String method = head.get(0).split(" ", 2)[0];
        List<Http.Header> headers = Http.parseHeaders(head);
        Http.readBody(in, headers, false);
        List<String> cookies = Http.values(headers, "Cookie");
        synchronized (this) {
          received++;
        }
        boolean close = answer(out, method, headers, cookies);
        if (close) {
          return;
        }
      }
    } catch (SocketException e) {
      // stopped, or the peer went away
    } catch (IOException e) {
      // a peer that hung up mid-request: nothing to answer
    } finally {
      open.remove(s);
    }
  }

  /** Writes the response; returns whether to close the connection. */
  private boolean answer(OutputStream out, String method, List<Http.Header> headers, List<String> cookies)
      throws IOException {
    List<String> spec = Http.values(headers, REPLY);
    List<String> lines = spec.isEmpty() ? List.of("200")
        : List.of(new String(Base64.getUrlDecoder().decode(spec.get(0)), StandardCharsets.UTF_8).split("\n"));
    int status = Integer.parseInt(lines.get(0).trim());
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).isEmpty()) {
        sb.append(lines.get(i)).append("\r\n");
      }
    }
    sb.append(SERVED_BY).append(": ").append(name).append("\r\n");
    for (String c : cookies) {
      sb.append(RECEIVED_COOKIE).append(": ").append(escape(c)).append("\r\n");
    }
    if (status == 101) {
      String key = Http.values(headers, "Sec-WebSocket-Key").stream().findFirst().orElse("");
      sb.append("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ").append(accept(key))
          .append("\r\n\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    }
    StringBuilder body = new StringBuilder("server=").append(name).append('\n');
    for (String c : cookies) {
      body.append("cookie:").append(c).append('\n');
    }
    byte[] b = body.toString().getBytes(StandardCharsets.ISO_8859_1);
    boolean noBody = status == 204 || status == 304 || method.equals("HEAD");
    if (!noBody) {
      sb.append("Content-Type: text/plain\r\nContent-Length: ").append(b.length).append("\r\n");
    }
    boolean close = Http.values(headers, "Connection").stream().anyMatch(v -> v.equalsIgnoreCase("close"));
    if (close) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!noBody) {
      out.write(b);
    }
    out.flush();
    return close;
  }

  /** Control characters and {@code '%'} as {@code %XX}, so that any received value can be echoed in a header. */
  static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7F || c == '%') {
        sb.append(String.format("%%%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The reply spec a request carries in {@link #REPLY}. */
  static String replySpec(int status, List<Http.Header> headers) {
    StringBuilder sb = new StringBuilder().append(status);
    for (Http.Header h : headers) {
      sb.append('\n').append(h.name()).append(": ").append(h.value());
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  static String accept(String key) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 204 -> "No Content";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 404 -> "Not Found";
      case 500 -> "Internal Server Error";
      default -> "Status";
    };
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing
    }
  }

  @Override
  public String toString() {
    return name + "@" + port;
  }
}
