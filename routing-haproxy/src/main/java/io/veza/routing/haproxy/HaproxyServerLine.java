package io.veza.routing.haproxy;

import io.veza.routing.ServerSpec;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One HAProxy 2.6 {@code server} line as a {@link ServerSpec}, read by the same code as the server lines of an
 * imported configuration ({@link HaproxyConfig}), so that a server line means the same in a file, on the runtime API's
 * {@code add server} and wherever else a gateway takes one:
 *
 * <pre>{@code
 * ServerSpec api3 = HaproxyServerLine.parse("api-3 10.0.1.3:8080 check weight 10 cookie a3 inter 5s",
 *     pool.defaultHealthPolicy());
 * pool.add(api3);
 * }</pre>
 *
 * <p>The keywords are the importer's ({@code check no-check inter fastinter downinter rise fall slowstart weight cookie
 * backup no-backup id observe error-limit on-error disabled enabled}, {@code init-state} with
 * {@link Parser#newerKeywords(boolean)}), and so are the errors: a {@link HaproxyConfigException} naming the keyword,
 * whose {@link HaproxyConfigException#reason() reason} is HAProxy's own text where HAProxy refuses the same argument.
 * Health keywords start from the {@linkplain Parser#defaults(HealthPolicy) default policy} as a {@code server} line
 * starts from its {@code default-server}: an interval equal to the default's {@code inter} is taken as unset and
 * follows the line's own {@code inter}, and so does a check timeout equal to it. The spec carries a health policy
 * only when it differs from the default.
 *
 * <p>Unlike a configuration file, a line on its own has no place for what the importer would accept with a note,
 * nor for settings that routing applies to a whole pool: agent keywords, {@code on-marked-down},
 * {@code on-marked-up}, {@code resolvers} and {@code init-addr} are refused, as are the keywords routing does not
 * support (TLS, proxy protocol, connection limits...). A host name in the address is not resolved: the spec holds an
 * unresolved address (address literals are parsed).
 */
public final class HaproxyServerLine {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

  private HaproxyServerLine() {}

  /**
   * Parses {@code [server] <name> <addr>:<port> [options]} with HAProxy's default health policy.
   *
   * @param line the line, with or without its leading {@code server}
   * @return the server
   * @throws HaproxyConfigException naming the keyword
   */
  public static ServerSpec parse(String line) {
    return parser().parse(line);
  }

  /**
   * Parses {@code [server] <name> <addr>:<port> [options]}, health keywords starting from {@code defaults}.
   *
   * @param line the line, with or without its leading {@code server}
   * @param defaults the pool's default health policy (its {@code default-server})
   * @return the server
   * @throws HaproxyConfigException naming the keyword
   */
  public static ServerSpec parse(String line, HealthPolicy defaults) {
    return parser().defaults(defaults).parse(line);
  }

  /**
   * A parser to configure: default policy, initial state, newer keywords, a caller's own restrictions.
   *
   * @return a new parser
   */
  public static Parser parser() {
    return new Parser();
  }

  /** Options of a server-line parse; not thread-safe. */
  public static final class Parser {
    private HealthPolicy defaults = HealthPolicy.defaults();
    private boolean disabled;
    private boolean newerKeywords;
    private Consumer<String> beforeKeyword = keyword -> { };

    private Parser() {}

    /**
     * The health policy the line's health keywords start from (default HAProxy's).
     *
     * @param policy the pool's default policy
     * @return this parser
     */
    public Parser defaults(HealthPolicy policy) {
      this.defaults = Objects.requireNonNull(policy, "defaults");
      return this;
    }

    /**
     * Whether the server starts disabled (in maintenance) unless the line says {@code enabled}, as if a
     * {@code default-server disabled} came before it: HAProxy's runtime API creates servers that way. Default false.
     *
     * @param disabled whether servers start disabled
     * @return this parser
     */
    public Parser disabled(boolean disabled) {
      this.disabled = disabled;
      return this;
    }

    /**
     * Accepts keywords of later HAProxy versions that 2.6 refuses: {@code init-state} (3.1). Default false.
     *
     * @param allow whether to accept them
     * @return this parser
     */
    public Parser newerKeywords(boolean allow) {
      this.newerKeywords = allow;
      return this;
    }

    /**
     * A caller's own restrictions: {@code check} is called with each keyword of the options, in order, before the
     * keyword is read, and refuses it by throwing (the exception propagates unchanged). The runtime API refuses this
     * way what HAProxy refuses on dynamic servers.
     *
     * @param check called with each keyword
     * @return this parser
     */
    public Parser beforeKeyword(Consumer<String> check) {
      this.beforeKeyword = Objects.requireNonNull(check, "check");
      return this;
    }

    /**
     * Parses {@code [server] <name> <addr>:<port> [options]}; words are split as in a configuration file
     * ({@link HaproxySyntax#words(String)}).
     *
     * @param line the line
     * @return the server
     * @throws HaproxyConfigException naming the keyword
     */
    public ServerSpec parse(String line) {
      Objects.requireNonNull(line, "line");
      List<String> words;
      try {
        words = HaproxySyntax.words(line);
      } catch (IllegalArgumentException e) {
        throw Reporter.single().error("server", String.valueOf(e.getMessage()), e);
      }
      return parse(words);
    }

    /**
     * Parses the words of {@code [server] <name> <addr>:<port> [options]}.
     *
     * @param words the words
     * @return the server
     * @throws HaproxyConfigException naming the keyword
     */
    public ServerSpec parse(List<String> words) {
      Objects.requireNonNull(words, "words");
      List<String> w = new ArrayList<>(words);
      if (!w.isEmpty() && w.get(0).equals("server")) {
        w.remove(0);
      }
      ServerKeywords k = keywords();
      ServerState s = k.server(start(), w, 0, 0);
      return finish(k, s, address(s));
    }

    /**
     * Parses the options of a server whose name and address the caller has (the runtime API reads the address with
     * its own rules and messages).
     *
     * @param name the server name (letters, digits, {@code - _ . :}, as HAProxy allows)
     * @param address its address
     * @param options the words after the address
     * @return the server
     * @throws HaproxyConfigException naming the keyword
     */
    public ServerSpec parse(String name, InetSocketAddress address, List<String> options) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(options, "options");
      ServerKeywords k = keywords();
      ServerState s = start();
      s.name = k.name(name);
      k.parse(s, options, 0, ServerKeywords.Line.SERVER);
      k.checkResolvers(s);
      return finish(k, s, address);
    }

    private ServerKeywords keywords() {
      Reporter r = Reporter.single();
      return new ServerKeywords(r, true, newerKeywords, keyword -> {
        beforeKeyword.accept(keyword);
        if (keyword.equals("on-marked-down") || keyword.equals("on-marked-up")) {
          throw r.error(keyword, "'" + keyword + "' applies to a whole pool in routing, not to one server line");
        }
      });
    }

    private ServerState start() {
      ServerState s = ServerState.of(defaults);
      s.disabled = disabled;
      return s;
    }

    private ServerSpec finish(ServerKeywords k, ServerState s, InetSocketAddress address) {
      HealthPolicy policy = k.policy(s, ServerKeywords.Checks.of(defaults), true);
      return k.spec(s, address, s.puid, policy, defaults);
    }

    private static InetSocketAddress address(ServerState s) {
      String host = Objects.requireNonNull(s.host, "host");
      if (!ServerKeywords.isLiteral(host)) {
        return InetSocketAddress.createUnresolved(host, s.port);
      }
      if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
        try {
          return new InetSocketAddress(InetAddress.getByName(host), s.port); // a literal: parsed, never resolved
        } catch (UnknownHostException e) {
          throw Reporter.single().error("server", "invalid address '" + host + "'", e);
        }
      }
      throw Reporter.single().error("server", "invalid address '" + host + "'");
    }
  }
}
