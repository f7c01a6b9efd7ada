package io.veza.routing.bench;

import io.netty.handler.codec.http.cookie.ClientCookieEncoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a gateway author writes by hand instead of a routing library, the peers of {@link RouteBenchmark}:
 * <ul>
 *   <li>{@link #roundRobin()}, the bare limit: an {@code AtomicInteger} over an array of servers, skipping a server
 *       that is down (one volatile read of its flag). No weights, no slow start, no statistics: the least any round
 *       robin with a health check can do;</li>
 *   <li>{@link #byCookie}: Netty's {@code ServerCookieDecoder.STRICT.decodeAll} (the list form, cheaper than the
 *       sorted set {@code decode} returns), a {@code HashMap} from cookie value to server, the up check, and the
 *       round robin when the cookie is absent, unknown or names a down server;</li>
 *   <li>{@link #byCookieAndForward}: the same, and the {@code Cookie} header to forward without the persistence
 *       cookie (what HAProxy's {@code indirect} does), re-encoded with {@code ClientCookieEncoder.STRICT}.</li>
 * </ul>
 * Netty's decoder follows RFC 6265 and not HAProxy's grammar (quotes, {@code ','}, {@code $attributes}, spaces
 * around {@code '='}): on the benchmark's plain header both give the same result, which the benchmark's setup
 * checks.
 */
final class HandWrittenRouting {

  /** A server as the hand-written router sees it. */
  static final class Backend {
    final String name;
    final String cookie;
    volatile boolean up = true;

    Backend(String name, String cookie) {
      this.name = name;
      this.cookie = cookie;
    }
  }

  /** A decision and the forwarded header (null: forward no {@code Cookie} header). */
  record Forwarded(Backend backend, String cookieHeader) {}

  private final String cookieName;
  private final Backend[] servers;
  private final Map<String, Backend> byCookie = new HashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  HandWrittenRouting(String cookieName, int n) {
    this.cookieName = cookieName;
    this.servers = new Backend[n];
    for (int i = 0; i < n; i++) {
      servers[i] = new Backend("api" + i, "api" + i);
      byCookie.put(servers[i].cookie, servers[i]);
    }
  }

  Backend server(int i) {
    return servers[i];
  }

  /** The next server that is up, in array order from a shared counter; null if none is. */
  Backend roundRobin() {
    Backend[] s = servers;
    for (int k = 0; k < s.length; k++) {
      Backend b = s[(next.getAndIncrement() & Integer.MAX_VALUE) % s.length];
      if (b.up) {
        return b;
      }
    }
    return null;
  }

  /** The server the persistence cookie names if it is up, else round robin. */
  Backend byCookie(String cookieHeader) {
    if (cookieHeader != null) {
      for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(cookieHeader)) {
        if (c.name().equals(cookieName)) {
          Backend b = byCookie.get(c.value());
          if (b != null && b.up) {
            return b;
          }
        }
      }
    }
    return roundRobin();
  }

  /** {@link #byCookie}, and the header to forward: every cookie but the persistence cookie, re-encoded. */
  Forwarded byCookieAndForward(String cookieHeader) {
    if (cookieHeader == null) {
      return new Forwarded(roundRobin(), null);
    }
    List<Cookie> cookies = ServerCookieDecoder.STRICT.decodeAll(cookieHeader);
    List<Cookie> others = new ArrayList<>(cookies.size());
    Backend chosen = null;
    for (Cookie c : cookies) {
      if (c.name().equals(cookieName)) {
        if (chosen == null) {
          Backend b = byCookie.get(c.value());
          if (b != null && b.up) {
            chosen = b;
          }
        }
      } else {
        others.add(c);
      }
    }
    return new Forwarded(chosen != null ? chosen : roundRobin(),
        others.isEmpty() ? null : ClientCookieEncoder.STRICT.encode(others));
  }
}
