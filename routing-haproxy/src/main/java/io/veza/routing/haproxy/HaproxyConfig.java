package io.veza.routing.haproxy;

import io.veza.routing.discovery.DnsDiscovery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An HAProxy 2.6 configuration read for routing: its {@code backend} sections become {@link HaproxyBackend}s, each
 * giving a {@link io.veza.routing.BackendPool.Builder}.
 *
 * <pre>{@code
 * HaproxyConfig config = HaproxyConfig.parse(Path.of("haproxy.cfg"));
 * HaproxyBackend api = config.backend("api_pool").orElseThrow();
 * BackendPool pool = api.builder().healthListener(events).build();
 * api.httpCheck().ifPresent(check -> pool.startChecks(check.probe(httpClient)));
 * }</pre>
 *
 * <h2>What is read</h2>
 * <ul>
 *   <li>Lines are split as HAProxy does ({@link io.veza.routing.syntax.HaproxySyntax#words}: quotes, escapes,
 *       {@code "${VAR}"} from the {@linkplain Parser#environment environment}, comments).
 *   <li>{@code defaults} sections, named ones too: a backend starts from the last {@code defaults} section before
 *       it, or from {@code backend <name> from <defaults>}; a {@code defaults <name> from <other>} section starts
 *       from {@code <other>}, any other defaults section from HAProxy's built-in defaults. {@code default-server}
 *       lines (in defaults and in the backend) apply to the server lines that follow them.
 *   <li>Backend keywords: {@code mode http} (required: a backend in tcp mode is refused), {@code balance roundrobin |
 *       uri [len N] [depth N] [whole] [path-only] | url_param <name> | hdr(<name>) | hash path,field(N,/)}
 *       ({@link HaproxyBalance}), {@code hash-type consistent |
 *       map-based [function [avalanche]]}, {@code cookie} (every option, with {@code dynamic-cookie-key}),
 *       {@code retries}, {@code option redispatch [interval]}, {@code option persist}, {@code option allbackups}
 *       (with {@code no} and {@code default}), {@code option httpchk}, {@code http-check send meth|uri|ver} and
 *       {@code http-check expect [!] status <codes>}, {@code timeout check} and {@code timeout connect} (the check's
 *       budget), {@code stick-table type string|ip|ipv6 size N [expire T]} with {@code stick on <expr>} for
 *       {@code src}, {@code req.hdr(name)}/{@code hdr(name)}, {@code req.cook(name)}/{@code cookie(name)},
 *       {@code url_param(name)}/{@code urlp(name)} and {@code path}, {@code server}, {@code server-template} (with
 *       {@code resolvers} and its {@code hold valid}), and {@code spread-checks} in {@code global}.
 *   <li>Server keywords ({@link HaproxyServerLine} reads one line with the same code): {@code check no-check inter
 *       fastinter downinter rise fall slowstart weight cookie backup no-backup id observe error-limit on-error
 *       on-marked-down on-marked-up disabled enabled}; {@code agent-*} are
 *       ignored with a note (routing runs active checks only); {@code init-state} is a HAProxy 3.1 keyword that 2.6
 *       refuses: it is accepted only with {@link Parser#newerKeywords(boolean)}.
 * </ul>
 *
 * <h2>Persistent ids</h2>
 * HAProxy numbers every server of a backend (its {@code puid}): an explicit {@code id N}, or, in declaration order,
 * the lowest id not yet taken from a counter that moves on at every server (so after {@code id 5} on the first server,
 * the second gets 2). The importer gives every server that number as its persistent id
 * ({@link io.veza.routing.ServerSpec.Builder#id}), so each server's hash slot is {@code puid - 1}: every gateway that
 * reads the same file maps every key to the same server, and a server added or removed later (by the runtime API or
 * a new file) moves only its own keys. Without explicit ids the pool would number servers by name, and a server whose
 * name sorts first would shift the slots of all the others.
 *
 * <h2>Hash types</h2>
 * {@code hash-type consistent} and {@code hash-type map-based} both map onto the pool's jump consistent selection
 * over slots (persistent ids), keyed with XXH3. Compared with HAProxy: map-based hashing ({@code hash % total weight}
 * over a weighted server map) moves almost every key when a server goes down, comes back or changes weight; HAProxy's
 * consistent hashing (a tree of {@code weight x 16} points per server, sdbm + avalanche) moves only the keys of the
 * server that changed, but balances less evenly. The jump selection moves only the changed server's keys (so a
 * map-based configuration becomes minimally disruptive) and balances evenly. In both cases the server a given key lands
 * on differs from the one HAProxy picks: run HAProxy and the gateway side by side on disjoint traffic, or move a
 * backend at once.
 *
 * <h2>Errors, notes, lenient mode</h2>
 * A configuration HAProxy 2.6 refuses, or one that uses a keyword or argument routing does not honour, throws a
 * {@link HaproxyConfigException} naming {@code file:line} and the keyword; the importer is never more permissive than
 * {@code haproxy -c} on the sections it reads, and stricter in places (integers must be plain decimal numbers where
 * HAProxy's {@code atol} reads {@code 2x} as 2; alerts that HAProxy 2.6 only reports, such as {@code observe layer7}
 * outside HTTP mode, are errors). Sections routing does not need ({@code frontend}, {@code listen}, {@code userlist},
 * {@code peers}, {@code mailers}, {@code program}, {@code cache}...) and keywords that change nothing routing decides
 * (logging, client and server timeouts, connection modes) are skipped with a {@linkplain #notes() note}; skipped
 * sections are not validated. In {@linkplain Parser#lenient(boolean) lenient mode} an unsupported keyword (or server
 * option) is skipped and listed in {@link #ignored()} instead of thrown; invalid arguments, and unsupported settings
 * whose absence would change what the rest of the backend means (an unsupported address form, stick-table type or
 * check rule), still throw.
 */
public final class HaproxyConfig {
  private final List<HaproxyBackend> backends;
  private final List<ConfigNote> ignored;
  private final List<ConfigNote> notes;
  private final int spreadChecks;

  private HaproxyConfig(List<HaproxyBackend> backends, List<ConfigNote> ignored, List<ConfigNote> notes,
                        int spreadChecks) {
    this.backends = List.copyOf(backends);
    this.ignored = List.copyOf(ignored);
    this.notes = List.copyOf(notes);
    this.spreadChecks = spreadChecks;
  }

  /**
   * Parses a configuration text strictly, with the process environment and the JDK resolver.
   *
   * @param text the configuration (ending with a newline, as HAProxy requires)
   * @return the backends, ignored lines and notes the text gives
   * @throws HaproxyConfigException on anything HAProxy refuses or routing does not support
   */
  public static HaproxyConfig parse(String text) {
    return parser().parse(text);
  }

  /**
   * Parses a configuration file strictly, with the process environment and the JDK resolver.
   *
   * @param file the path of an {@code haproxy.cfg} (UTF-8, or ISO-8859-1 when it is not valid UTF-8)
   * @return the backends, ignored lines and notes the file gives
   * @throws IOException if the file cannot be read
   * @throws HaproxyConfigException on anything HAProxy refuses or routing does not support
   */
  public static HaproxyConfig parse(Path file) throws IOException {
    return parser().parse(file);
  }

  /**
   * Parses a configuration text leniently: unsupported keywords are listed in {@link #ignored()}.
   *
   * @param text the configuration (ending with a newline, as HAProxy requires)
   * @return the backends, ignored lines and notes the text gives
   * @throws HaproxyConfigException on anything HAProxy refuses, and on unsupported settings that cannot be skipped
   */
  public static HaproxyConfig parseLenient(String text) {
    return parser().lenient(true).parse(text);
  }

  /**
   * Parses a configuration file leniently: unsupported keywords are listed in {@link #ignored()}.
   *
   * @param file the path of an {@code haproxy.cfg} (UTF-8, or ISO-8859-1 when it is not valid UTF-8)
   * @return the backends, ignored lines and notes the file gives
   * @throws IOException if the file cannot be read
   * @throws HaproxyConfigException on anything HAProxy refuses, and on unsupported settings that cannot be skipped
   */
  public static HaproxyConfig parseLenient(Path file) throws IOException {
    return parser().lenient(true).parse(file);
  }

  /**
   * A parser to configure: file name, environment, resolver, lenient mode.
   *
   * @return a new parser
   */
  public static Parser parser() {
    return new Parser();
  }

  /**
   * The backends, in declaration order.
   *
   * @return the backends
   */
  public List<HaproxyBackend> backends() {
    return backends;
  }

  /**
   * The backend named {@code name}.
   *
   * @param name a backend name
   * @return the backend, or empty
   */
  public Optional<HaproxyBackend> backend(String name) {
    return backends.stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /**
   * In lenient mode, the lines (or server words) skipped because routing does not support them; empty in strict
   * mode.
   *
   * @return the ignored lines
   */
  public List<ConfigNote> ignored() {
    return ignored;
  }

  /**
   * The sections and keywords skipped because routing does not need them (both modes).
   *
   * @return the notes
   */
  public List<ConfigNote> notes() {
    return notes;
  }

  /**
   * The global {@code spread-checks} percentage (0 when unset), applied to every server's health policy.
   *
   * @return the percentage
   */
  public int spreadChecks() {
    return spreadChecks;
  }

  /** Options of one parse; not thread-safe. */
  public static final class Parser {
    private @Nullable String fileName;
    private Function<String, @Nullable String> environment = System::getenv;
    private boolean lenient;
    private boolean newerKeywords;
    private DnsDiscovery.Resolver resolver = DnsDiscovery.Resolver.jdk();

    private Parser() {}

    /**
     * The file name messages give (default the path, or {@code <text>} for a string).
     *
     * @param name the name
     * @return this parser
     */
    public Parser fileName(String name) {
      this.fileName = Objects.requireNonNull(name, "fileName");
      return this;
    }

    /**
     * The environment {@code "${VAR}"} expands from (default the process environment).
     *
     * @param variables the variables
     * @return this parser
     */
    public Parser environment(Map<String, String> variables) {
      Map<String, String> copy = Map.copyOf(variables);
      this.environment = copy::get;
      return this;
    }

    /**
     * The environment {@code "${VAR}"} expands from, as a function returning null for an unset variable.
     *
     * @param variables the lookup
     * @return this parser
     */
    public Parser environment(Function<String, @Nullable String> variables) {
      this.environment = Objects.requireNonNull(variables, "environment");
      return this;
    }

    /**
     * Lenient mode: unsupported keywords are listed in {@link HaproxyConfig#ignored()} instead of thrown (default
     * false).
     *
     * @param lenient whether to skip unsupported keywords
     * @return this parser
     */
    public Parser lenient(boolean lenient) {
      this.lenient = lenient;
      return this;
    }

    /**
     * Accepts keywords of later HAProxy versions that 2.6 refuses: {@code init-state} (3.1). Default false, so that
     * nothing HAProxy 2.6 refuses is accepted.
     *
     * @param allow whether to accept them
     * @return this parser
     */
    public Parser newerKeywords(boolean allow) {
      this.newerKeywords = allow;
      return this;
    }

    /**
     * How server host names are resolved (default the JDK resolver; HAProxy resolves them once at startup). Tests
     * give their own.
     *
     * @param resolver the resolver
     * @return this parser
     */
    public Parser resolver(DnsDiscovery.Resolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /**
     * Parses a configuration text.
     *
     * @param text the configuration, ending with a newline as HAProxy requires
     * @return the backends, ignored lines and notes the text gives
     * @throws HaproxyConfigException naming file, line and keyword
     */
    public HaproxyConfig parse(String text) {
      Objects.requireNonNull(text, "text");
      ConfigParser p = new ConfigParser(fileName == null ? "<text>" : fileName, environment, lenient, newerKeywords,
          resolver);
      List<HaproxyBackend> backends = p.parse(text);
      return new HaproxyConfig(backends, p.ignored, p.notes, p.spreadChecks);
    }

    /**
     * Parses a configuration file (UTF-8, or ISO-8859-1 when it is not valid UTF-8: HAProxy reads bytes).
     *
     * @param file the path of an {@code haproxy.cfg}
     * @return the backends, ignored lines and notes the file gives
     * @throws IOException if it cannot be read
     * @throws HaproxyConfigException naming file, line and keyword
     */
    public HaproxyConfig parse(Path file) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        text = new String(bytes, StandardCharsets.ISO_8859_1);
      }
      if (fileName == null) {
        fileName = file.toString();
      }
      return parse(text);
    }
  }
}
