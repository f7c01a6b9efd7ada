package io.veza.routing.admin;

import io.veza.routing.BackendPool;
import io.veza.routing.ServerSpec;
import io.veza.routing.haproxy.HaproxyConfigException;
import io.veza.routing.haproxy.HaproxyServerLine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The arguments of {@code add server <backend>/<name> <addr>[:<port>] [options]}, parsed into a {@link ServerSpec}
 * with HAProxy's error texts.
 *
 * <p>The options are read by routing-haproxy's {@link HaproxyServerLine}, the configuration importer's own server-line
 * code, so a server line means the same in a configuration file and on the socket, with the same keywords and the
 * same errors (HAProxy's texts where HAProxy refuses the argument, printed followed by a period as HAProxy's CLI
 * does). What is specific to the runtime API stays here: the address with HAProxy's {@code str2sa_range} messages (an
 * explicit port; names are never resolved on the admin thread), servers created in maintenance unless
 * {@code enabled}, and the keywords HAProxy 2.6 refuses on dynamic servers, with its text. {@code cookie} is the one
 * exception: HAProxy 2.6 refuses it on dynamic servers, but a pool with cookie persistence needs it. Health keywords
 * start from the pool's default-server policy (HAProxy's dynamic servers start from HAProxy's defaults instead; a
 * pool applies its default-server everywhere).
 */
final class ServerLine {
  /** The parsed spec, or the error to print. */
  record Result(@Nullable ServerSpec spec, @Nullable String error) {}

  /**
   * Server keywords HAProxy 2.6 refuses on dynamic servers ({@code 'X' option is not accepted for dynamic server}),
   * as its runtime API answers for each of its server keywords; but {@code cookie}.
   */
  private static final Set<String> NOT_DYNAMIC = Set.of("init-addr", "log-proto", "max-reuse", "namespace",
      "no-agent-check", "no-check", "no-check-send-proxy", "no-check-ssl", "no-send-proxy-v2-ssl",
      "no-send-proxy-v2-ssl-cn", "no-ssl", "non-stick", "redir", "resolve-net", "resolve-opts", "resolve-prefer",
      "resolvers", "socks4", "ssl-reuse", "stick", "tcp-ut");

  /** A refusal with the runtime API's exact text (no period added). */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String text) {
      super(text, null, false, false);
    }
  }

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
    } else {
      host = addrText; // a bare IPv6 address or a host without a port
      portText = "";
    }
    if (host.isEmpty() || portText.isEmpty()) {
      return error("missing port specification in '" + addrText + "'");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      return error("invalid port '" + portText + "'");
    }
    InetAddress ip = literal(host);
    InetSocketAddress address = ip != null ? new InetSocketAddress(ip, port)
        : InetSocketAddress.createUnresolved(host, port);
    try {
      return new Result(HaproxyServerLine.parser()
          .defaults(pool.defaultHealthPolicy())
          .disabled(true) // HAProxy's dynamic servers start in maintenance
          .beforeKeyword(ServerLine::dynamic)
          .parse(name, address, words.subList(1, words.size())), null);
    } catch (Refused e) {
      return error(String.valueOf(e.getMessage()));
    } catch (HaproxyConfigException e) {
      return error(e.reason() + ".");
    }
  }

  /** HAProxy 2.6's refusals of keywords on dynamic servers, in its words. */
  private static void dynamic(String keyword) {
    if (NOT_DYNAMIC.contains(keyword)) {
      throw new Refused("'" + keyword + "' option is not accepted for dynamic server");
    }
    if (keyword.equals("init-state")) {
      throw new Refused("unknown keyword '" + keyword + "'."); // a HAProxy 3.1 keyword
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
