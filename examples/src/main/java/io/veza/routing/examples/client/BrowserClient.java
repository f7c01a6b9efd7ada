package io.veza.routing.examples.client;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated browser behind the gateway: its own cookie jar (managed explicitly, so the test sees every
 * {@code Set-Cookie}), REST calls over the JDK {@link HttpClient} (HTTP/1.1, keep-alive) and at most one
 * {@link ReliableWebSocket}. Every exchange is recorded.
 *
 * <p>Thread-safety: all methods are synchronized; the jar is shared by the REST calls and the WebSocket
 * handshakes, as in a browser.
 */
public final class BrowserClient implements AutoCloseable {
  private final String name;
  private final URI gateway;
  private final HttpClient http;
  private final EventLoopGroup group;
  private final String persistenceCookie;
  private final Map<String, String> jar = new LinkedHashMap<>();
  private final List<Exchange> exchanges = new ArrayList<>();
  private final List<String> persistenceCookieHistory = new ArrayList<>();
  private ReliableWebSocket webSocket;

  public BrowserClient(String name, URI gateway, HttpClient http, EventLoopGroup group, String persistenceCookie) {
    this.name = name;
    this.gateway = gateway;
    this.http = http;
    this.group = group;
    this.persistenceCookie = persistenceCookie;
  }

  public String name() {
    return name;
  }

  /** The persistence cookie's current value in this browser's jar, or null. */
  public synchronized String pin() {
    return jar.get(persistenceCookie);
  }

  /** Every value the gateway ever set for the persistence cookie, in order. */
  public synchronized List<String> pinHistory() {
    return List.copyOf(persistenceCookieHistory);
  }

  public synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /** The Cookie header a browser would send now, or null when the jar is empty. */
  public synchronized String cookieHeader() {
    if (jar.isEmpty()) {
      return null;
    }
    StringBuilder header = new StringBuilder();
    jar.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
    return header.toString();
  }

  /** Forgets every cookie, as a new browser would arrive. */
  public synchronized void clearCookies() {
    jar.clear();
  }

  /** Stores a {@code Set-Cookie} header value (name=value; attributes...) in the jar. */
  public synchronized void acceptSetCookie(String setCookie) {
    int semicolon = setCookie.indexOf(';');
    String pair = (semicolon < 0 ? setCookie : setCookie.substring(0, semicolon)).trim();
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      return;
    }
    String cookieName = pair.substring(0, eq).trim();
    String value = pair.substring(eq + 1).trim();
    jar.put(cookieName, value);
    if (cookieName.equals(persistenceCookie)) {
      persistenceCookieHistory.add(value);
    }
  }

  /** GET through the gateway; never throws: a transport failure is recorded with status -1. */
  public Exchange get(String path) {
    String cookie = cookieHeader();
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(5)).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    long sent = System.nanoTime();
    Exchange exchange;
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String ours = null;
      for (String setCookie : response.headers().allValues("set-cookie")) {
        acceptSetCookie(setCookie);
        if (setCookie.startsWith(persistenceCookie + "=")) {
          ours = setCookie;
        }
      }
      exchange = new Exchange(name, path, response.statusCode(),
          response.headers().firstValue("x-served-by").orElse(null), ours,
          response.headers().firstValue("cache-control").orElse(null), sent, System.nanoTime(), null);
    } catch (IOException e) {
      exchange = new Exchange(name, path, -1, null, null, null, sent, System.nanoTime(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange = new Exchange(name, path, -1, null, null, null, sent, System.nanoTime(), "interrupted");
    }
    synchronized (this) {
      exchanges.add(exchange);
    }
    return exchange;
  }

  /** Opens this browser's WebSocket (with the jar's cookies) and waits for the handshake. */
  public ReliableWebSocket openWebSocket(String path, Duration timeout) throws InterruptedException {
    ReliableWebSocket ws;
    synchronized (this) {
      if (webSocket == null) {
        webSocket = new ReliableWebSocket(this,
            URI.create("ws://" + gateway.getHost() + ":" + gateway.getPort() + path), group);
      }
      ws = webSocket;
    }
    // not under the lock: the handshake stores the gateway's Set-Cookie in this jar from an event loop
    ws.connect(timeout);
    return ws;
  }

  public synchronized ReliableWebSocket webSocket() {
    return webSocket;
  }

  @Override
  public synchronized void close() {
    if (webSocket != null) {
      webSocket.close();
    }
  }
}
