package io.veza.routing.interop;

import io.veza.routing.BackendPool;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HAProxy {@code backend b} section (servers written {@code {s1}}, replaced by the loopback address of a backend
 * of that name) and the steps run against both HAProxy and the library pool built from the same text: requests
 * (compared), admin changes (HAProxy runtime API command / library call), backends killed or revived, counters
 * (compared), and cookie jars swapped between the two sides (cookies issued by one presented to the other).
 */
final class Scenario {
  private static final Pattern SERVER = Pattern.compile("\\{(\\w+)}");
  private static final Pattern SERVER_PORT = Pattern.compile("\\{(\\w+)\\.port}");

  final String name;
  final List<String> backendLines = new ArrayList<>();
  final Set<String> servers = new LinkedHashSet<>();
  final List<Step> steps = new ArrayList<>();

  private Scenario(String name) {
    this.name = name;
  }

  static Scenario named(String name) {
    return new Scenario(name);
  }

  /** Lines of the backend section; {@code {name}} stands for the address of backend {@code name}. */
  Scenario backend(String... lines) {
    for (String l : lines) {
      backendLines.add(l);
      Matcher m = SERVER.matcher(l);
      while (m.find()) {
        servers.add(m.group(1));
      }
    }
    return this;
  }

  /** Whether cookie dates are written (maxidle/maxlife): requests are then kept inside one wall-clock second. */
  boolean dated() {
    return backendLines.stream().anyMatch(l -> l.trim().startsWith("cookie ")
        && (l.contains(" maxidle ") || l.contains(" maxlife ")));
  }

  String backendSection(Map<String, String> addresses) {
    StringBuilder sb = new StringBuilder("backend b\n");
    for (String l : backendLines) {
      Matcher m = SERVER.matcher(l);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(addresses.get(m.group(1))));
      }
      m.appendTail(out);
      sb.append("  ").append(out).append('\n');
    }
    return sb.toString();
  }

  /** A request sent to both sides; {@code build} runs once per side (it may read that side's cookie jar). */
  Scenario request(String label, Function<Ctx, Req> build) {
    steps.add(new Step(Step.Kind.REQUEST, label, build, null, null, null));
    return this;
  }

  /** An admin change: a runtime API command on HAProxy, the equivalent call on the library pool. */
  Scenario admin(String label, String haproxyCommand, Consumer<BackendPool> library) {
    return admin(label, haproxyCommand, (pool, backends) -> library.accept(pool));
  }

  /**
   * An admin change that needs backend addresses: {@code {name.port}} in the command stands for the port of backend
   * {@code name}, and the library call receives every backend's address.
   */
  Scenario admin(String label, String haproxyCommand,
                 BiConsumer<BackendPool, Map<String, InetSocketAddress>> library) {
    Matcher m = SERVER_PORT.matcher(haproxyCommand);
    while (m.find()) {
      servers.add(m.group(1));
    }
    steps.add(new Step(Step.Kind.ADMIN, label, null, haproxyCommand, library, null));
    return this;
  }

  static String command(String template, Map<String, InetSocketAddress> backends) {
    Matcher m = SERVER_PORT.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, String.valueOf(backends.get(m.group(1)).getPort()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Stops backend {@code server}: its port refuses connections. */
  Scenario kill(String server) {
    steps.add(new Step(Step.Kind.KILL, "kill " + server, null, null, null, server));
    return this;
  }

  /** Starts backend {@code server} again on its port. */
  Scenario revive(String server) {
    steps.add(new Step(Step.Kind.REVIVE, "revive " + server, null, null, null, server));
    return this;
  }

  /** Each side's cookie jar goes to the other: the next requests present cookies the other side issued. */
  Scenario swapJars() {
    steps.add(new Step(Step.Kind.SWAP, "swap cookie jars", null, null, null, null));
    return this;
  }

  /** Both sides' cookie jars are emptied: the next jar request is a new browser. */
  Scenario forget() {
    steps.add(new Step(Step.Kind.FORGET, "empty the cookie jars", null, null, null, null));
    return this;
  }

  /** Compares per-server counters: HAProxy {@code show stat} lbtot, wretr, wredis, econ against the pool's. */
  Scenario counters(String label) {
    steps.add(new Step(Step.Kind.COUNTERS, label, null, null, null, null));
    return this;
  }

  /**
   * The last step is a known, documented difference: the run asserts that the two sides do differ there (so the
   * list in README.md stays true), under this id.
   */
  Scenario differs(String differenceId) {
    Step last = steps.remove(steps.size() - 1);
    steps.add(last.differing(differenceId));
    return this;
  }

  /**
   * The last step is a known difference of routing-netty's {@code RoutingProxy} only (the API-level gateway is
   * identical to HAProxy there, or differs as {@link #differs} says): asserted to differ from HAProxy.
   */
  Scenario proxyDiffers(String differenceId) {
    Step last = steps.remove(steps.size() - 1);
    steps.add(last.proxyDiffering(differenceId));
    return this;
  }

  @Override
  public String toString() {
    return name;
  }

  record Step(Kind kind, String label, Function<Ctx, Req> request, String haproxyCommand,
              BiConsumer<BackendPool, Map<String, InetSocketAddress>> library, String server,
              String difference, String proxyDifference) {
    enum Kind { REQUEST, ADMIN, KILL, REVIVE, SWAP, FORGET, COUNTERS }

    Step(Kind kind, String label, Function<Ctx, Req> request, String haproxyCommand,
         BiConsumer<BackendPool, Map<String, InetSocketAddress>> library, String server) {
      this(kind, label, request, haproxyCommand, library, server, null, null);
    }

    Step differing(String id) {
      return new Step(kind, label, request, haproxyCommand, library, server, id, proxyDifference);
    }

    Step proxyDiffering(String id) {
      return new Step(kind, label, request, haproxyCommand, library, server, difference, id);
    }
  }

  /** What a request builder sees: the current second (shared by both sides) and this side's cookie jar. */
  static final class Ctx {
    final long now;
    final Map<String, String> jar;

    Ctx(long now, Map<String, String> jar) {
      this.now = now;
      this.jar = jar;
    }

    Req get(String target) {
      return new Req("GET", target, jar);
    }

    Req post(String target) {
      return new Req("POST", target, jar);
    }

    Req method(String method, String target) {
      return new Req(method, target, jar);
    }

    /** HAProxy's 5-character cookie date for UNIX second {@code seconds} (a multiple of 4 reads back exactly). */
    static String date(long seconds) {
      return b64(seconds >> 2);
    }

    static String b64(long quantum) {
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      char[] out = new char[5];
      for (int i = 4; i >= 0; i--) {
        out[i] = alphabet.charAt((int) (quantum & 63));
        quantum >>= 6;
      }
      return new String(out);
    }

    /** The largest multiple of 4 at most {@code seconds}: a date that reads back as itself. */
    static long floor4(long seconds) {
      return seconds & ~3L;
    }
  }

  /** A request being built: method, target, headers in order, what the backend must answer. */
  static final class Req {
    final String method;
    final String target;
    private final Map<String, String> jar;
    final List<Http.Header> headers = new ArrayList<>();
    final List<Http.Header> reply = new ArrayList<>();
    int status = 200;
    boolean usesJar;

    Req(String method, String target, Map<String, String> jar) {
      this.method = method;
      this.target = target;
      this.jar = jar;
    }

    Req header(String name, String value) {
      headers.add(new Http.Header(name, value));
      return this;
    }

    Req cookie(String value) {
      return header("Cookie", value);
    }

    /**
     * A {@code Cookie} header with this side's jar ({@code a=1; b=2}), if it holds anything; the response's
     * {@code Set-Cookie} headers go back to the jar (a browser). Requests without it are other clients.
     */
    Req jar() {
      usesJar = true;
      if (!jar.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        jar.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        cookie(sb.toString());
      }
      return this;
    }

    /** The status the backend answers. */
    Req status(int status) {
      this.status = status;
      return this;
    }

    /** A header the backend adds to its response. */
    Req replyHeader(String name, String value) {
      reply.add(new Http.Header(name, value));
      return this;
    }

    /** A {@code Set-Cookie} the backend sends. */
    Req setCookie(String value) {
      return replyHeader("Set-Cookie", value);
    }

    /** A WebSocket upgrade the backend accepts with 101. */
    Req websocket() {
      header("Connection", "Upgrade");
      header("Upgrade", "websocket");
      header("Sec-WebSocket-Key", Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()));
      header("Sec-WebSocket-Version", "13");
      return status(101);
    }

    Http.Request build() {
      List<Http.Header> all = new ArrayList<>(headers);
      all.add(new Http.Header(Backend.REPLY, Backend.replySpec(status, reply)));
      byte[] body = method.equals("POST") ? "x=1".getBytes() : new byte[0];
      return new Http.Request(method, target, all, body);
    }
  }

  /** Updates a cookie jar from a response's Set-Cookie headers (name=value; an expired date removes it). */
  static void store(Map<String, String> jar, List<String> setCookies) {
    for (String sc : setCookies) {
      int semi = sc.indexOf(';');
      String pair = semi < 0 ? sc : sc.substring(0, semi);
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (sc.contains("Expires=Thu, 01-Jan-1970")) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
  }

  static Map<String, String> newJar() {
    return new LinkedHashMap<>();
  }
}
