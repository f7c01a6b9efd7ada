package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of {@code add server <backend>/<name> <addr>[:<port>] [options]}, parsed into a {@link ServerSpec}
 * with HAProxy's error texts (src/server.c, src/cfgparse-listen.c, src/tools.c {@code str2sa_range}).
 *
 * <p>Interim: this is the runtime API's own small parser of the server-line keywords that a live pool supports. The
 * HAProxy configuration importer's server-line parser ({@code io.veza.routing.syntax}, module routing-haproxy) must
 * replace it when it lands, so that a server line means the same in a configuration file and on the socket; this
 * class is the only place that needs to change.
 *
 * <p>Supported: {@code weight}, {@code id}, {@code backup}, {@code check}, {@code no-check}, {@code disabled},
 * {@code enabled}, {@code cookie} (accepted here although HAProxy 2.6 refuses it on dynamic servers: a pool with
 * cookie persistence needs it), {@code inter}, {@code fastinter}, {@code downinter}, {@code rise}, {@code fall},
 * {@code slowstart}, {@code observe}, {@code error-limit}, {@code on-error}. The other keywords HAProxy accepts on
 * dynamic servers (TLS, proxy protocol, connection limits, agents...) configure the connection, which the gateway
 * owns; they are refused with a message that says so. Health keywords start from the pool's default-server policy
 * (HAProxy's dynamic servers start from HAProxy's defaults instead; a pool applies its default-server everywhere).
 */
final class ServerLine {
  /** The parsed spec, or the error to print. */
  record Result(@Nullable ServerSpec spec, @Nullable String error) {}

  /** Keywords HAProxy 2.6 accepts on dynamic servers (management.txt) that this runtime API does not support. */
  private static final Set<String> UNSUPPORTED_DYNAMIC = Set.of("agent-addr", "agent-check", "agent-inter",
      "agent-port", "agent-send", "allow-0rtt", "alpn", "addr", "ca-file", "check-alpn", "check-proto",
      "check-send-proxy", "check-sni", "check-ssl", "check-via-socks4", "ciphers", "ciphersuites", "crl-file", "crt",
      "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "maxconn", "maxqueue", "minconn",
      "no-ssl-reuse", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "no-tls-tickets", "npn",
      "on-marked-down", "on-marked-up", "pool-low-conn", "pool-max-conn", "pool-purge-delay", "port", "proto",
      "proxy-v2-options", "send-proxy", "send-proxy-v2", "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn", "sni",
      "source", "ssl", "ssl-max-ver", "ssl-min-ver", "tfo", "tls-tickets", "track", "usesrc", "verify",
      "verifyhost", "ws");
  /** Server keywords HAProxy refuses on dynamic servers ({@code 'X' option is not accepted for dynamic server}). */
  private static final Set<String> NOT_DYNAMIC = Set.of("redir", "resolvers", "resolve-prefer", "resolve-net",
      "resolve-opts", "init-addr", "namespace", "non-stick", "stick", "check-send-proxy-v2", "agent-send-proxy");

  private ServerLine() {}

  /**
   * Parses {@code words}: the address then the options.
   *
   * @param name the server name
   * @param words the words after {@code <backend>/<name>}
   * @param pool the pool the server joins (its default-server policy)
   * @return the spec or the error
   */
  static Result parse(String name, List<String> words, BackendPool pool) {
    if (words.isEmpty() || words.get(0).isEmpty()) {
      return error("'server' expects <name> and <addr>[:<port>] as arguments.");
    }
    String addrText = words.get(0);
    InetSocketAddress address;
    int colon = addrText.lastIndexOf(':');
    String host;
    String portText;
    if (addrText.startsWith("[")) {
      int close = addrText.indexOf(']');
      if (close < 0) {
        return error("invalid address: '" + addrText + "'");
      }
      host = addrText.substring(1, close);
      portText = close + 1 < addrText.length() && addrText.charAt(close + 1) == ':' ? addrText.substring(close + 2)
          : "";
    } else if (colon >= 0 && addrText.indexOf(':') == colon) {
      host = addrText.substring(0, colon);
      portText = addrText.substring(colon + 1);
    } else if (colon >= 0) {
      host = addrText; // a bare IPv6 address
      portText = "";
    } else {
      host = addrText;
      portText = "";
    }
    if (host.isEmpty() || portText.isEmpty()) {
      return error("missing port specification in '" + addrText + "'");
    }
    int port = -1;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      return error("invalid port '" + portText + "'");
    }
    InetAddress ip = literal(host);
    address = ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(host, port);

    ServerSpec.Builder b = ServerSpec.builder(name, address).disabled(true);
    HealthPolicy.Builder policy = null;
    for (int i = 1; i < words.size(); i++) {
      String kw = words.get(i);
      String next = i + 1 < words.size() ? words.get(i + 1) : "";
      switch (kw) {
        case "backup" -> b.backup(true);
        case "check" -> b.check(true);
        case "no-check" -> b.check(false);
        case "disabled" -> b.disabled(true);
        case "enabled" -> b.disabled(false);
        case "weight" -> {
          int w = Cli.atoi(next);
          if (w < 0 || w > 256) {
            return error("weight of server " + name + " is not within 0 and 256 (" + w + ")..");
          }
          b.weight(w);
          i++;
        }
        case "id" -> {
          int id = Cli.atoi(next);
          if (id <= 0) {
            return error("'id' : custom id has to be > 0.");
          }
          if (id > ServerSpec.MAX_PERSISTENT_ID) {
            return error("'id' : custom id has to be <= " + ServerSpec.MAX_PERSISTENT_ID + ".");
          }
          b.id(id);
          i++;
        }
        case "cookie" -> {
          if (next.isEmpty()) {
            return error("'cookie' expects <value> as argument.");
          }
          b.cookie(next);
          i++;
        }
        case "inter", "fastinter", "downinter", "slowstart" -> {
          if (next.isEmpty()) {
            return error("'" + kw + "' expects <time> as argument.");
          }
          long ms = Durations.parseMillis(next, 1);
          if (ms == -1) {
            return error("unexpected character '" + Durations.unexpected(next) + "' in '" + kw
                + "' argument of server " + name + "..");
          }
          if (ms == -2) {
            return error("timer overflow in argument '" + next + "' to '" + kw + "' of server " + name
                + ", maximum value is 2147483647 ms (~24.8 days)..");
          }
          if (ms == 0 && !kw.equals("slowstart")) {
            return error("timer value '" + next + "' too small for '" + kw + "' of server " + name + "..");
          }
          policy = policy == null ? pool.defaultHealthPolicy().toBuilder() : policy;
          Duration d = Duration.ofMillis(ms);
          switch (kw) {
            case "inter" -> policy.inter(d);
            case "fastinter" -> policy.fastInter(d);
            case "downinter" -> policy.downInter(d);
            default -> policy.slowStart(d);
          }
          i++;
        }
        case "rise", "fall", "error-limit" -> {
          if (next.isEmpty()) {
            return error("'" + kw + "' expects an integer argument.");
          }
          int v = Cli.atoi(next);
          if (v <= 0) {
            return error("'" + kw + "' has to be > 0..");
          }
          policy = policy == null ? pool.defaultHealthPolicy().toBuilder() : policy;
          switch (kw) {
            case "rise" -> policy.rise(v);
            case "fall" -> policy.fall(v);
            default -> policy.errorLimit(v);
          }
          i++;
        }
        case "observe" -> {
          ObserveMode mode = switch (next) {
            case "none" -> ObserveMode.NONE;
            case "layer4" -> ObserveMode.LAYER4;
            case "layer7" -> ObserveMode.LAYER7;
            default -> null;
          };
          if (mode == null) {
            return error("'observe' expects one of 'none', 'layer4', 'layer7' but got '" + next + "'.");
          }
          policy = policy == null ? pool.defaultHealthPolicy().toBuilder() : policy;
          policy.observe(mode);
          i++;
        }
        case "on-error" -> {
          OnErrorAction action = switch (next) {
            case "fastinter" -> OnErrorAction.FASTINTER;
            case "fail-check" -> OnErrorAction.FAIL_CHECK;
            case "sudden-death" -> OnErrorAction.SUDDEN_DEATH;
            case "mark-down" -> OnErrorAction.MARK_DOWN;
            default -> null;
          };
          if (action == null) {
            return error("'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down' but "
                + "got '" + next + "'.");
          }
          policy = policy == null ? pool.defaultHealthPolicy().toBuilder() : policy;
          policy.onError(action);
          i++;
        }
        default -> {
          if (UNSUPPORTED_DYNAMIC.contains(kw)) {
            return error("'" + kw + "' option is not supported by this runtime API (the gateway owns connections).");
          }
          if (NOT_DYNAMIC.contains(kw)) {
            return error("'" + kw + "' option is not accepted for dynamic server");
          }
          return error("unknown keyword '" + kw + "'.");
        }
      }
    }
    try {
      if (policy != null) {
        b.healthPolicy(policy.build());
      }
      return new Result(b.build(), null);
    } catch (IllegalArgumentException e) {
      return error(e.getMessage());
    }
  }

  private static Result error(String message) {
    return new Result(null, message);
  }

  /**
   * The address if {@code host} is an IPv4 or IPv6 literal, else null. Never resolves a name (no DNS on the admin
   * thread).
   */
  static @Nullable InetAddress literal(String host) {
    boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      for (String part : host.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
