package io.veza.routing.haproxy;

import io.veza.routing.health.HealthPolicy;
import io.veza.routing.syntax.HaproxySyntax;
import java.util.List;
import java.util.Objects;

/**
 * The health keywords of a {@code default-server} line, on their own: what a gateway's configuration says with
 * HAProxy's words, for example {@code check inter 5s fall 3 rise 2 slowstart 30s on-marked-down shutdown-sessions}.
 * Read by the same code as the importer's server and default-server lines ({@link HaproxyConfig}), with the same
 * errors ({@link HaproxyConfigException} naming the keyword).
 *
 * <p>The keywords: {@code check}, {@code no-check}, {@code inter}, {@code fastinter}, {@code downinter}, {@code rise},
 * {@code fall}, {@code slowstart}, {@code observe}, {@code error-limit}, {@code on-error}, {@code on-marked-down},
 * {@code on-marked-up}, and {@code init-state} with {@link Parser#newerKeywords(boolean)}. Times without a unit are in
 * milliseconds and {@code slowstart} is rounded up to whole seconds, as in HAProxy. Other server keywords
 * ({@code weight}, {@code cookie}...) are not health options and are refused. The proxy and global keywords that also
 * shape a policy ({@code timeout check}, {@code spread-checks}) are not part of a server line: a caller that offers
 * them sets them on the {@link #policy()}'s builder.
 */
public final class HaproxyHealthOptions {
  private final HealthPolicy policy;
  private final boolean check;
  private final boolean shutdownSessionsOnMarkedDown;
  private final boolean shutdownBackupSessionsOnMarkedUp;

  private HaproxyHealthOptions(HealthPolicy policy, boolean check, boolean shutdownSessionsOnMarkedDown,
                               boolean shutdownBackupSessionsOnMarkedUp) {
    this.policy = policy;
    this.check = check;
    this.shutdownSessionsOnMarkedDown = shutdownSessionsOnMarkedDown;
    this.shutdownBackupSessionsOnMarkedUp = shutdownBackupSessionsOnMarkedUp;
  }

  /**
   * Parses health options starting from HAProxy's defaults; a leading {@code default-server} is allowed.
   *
   * @param line the options, e.g. {@code check inter 5s fall 3 rise 2}
   * @return the options
   * @throws HaproxyConfigException naming the keyword
   */
  public static HaproxyHealthOptions parse(String line) {
    return parser().parse(line);
  }

  /**
   * A parser to configure: default policy, newer keywords.
   *
   * @return a new parser
   */
  public static Parser parser() {
    return new Parser();
  }

  /**
   * The health policy: the options over the defaults.
   *
   * @return the policy
   */
  public HealthPolicy policy() {
    return policy;
  }

  /**
   * Whether the options say {@code check} (last of {@code check} and {@code no-check}).
   *
   * @return whether active checks are asked for
   */
  public boolean check() {
    return check;
  }

  /**
   * Whether the options say {@code on-marked-down shutdown-sessions} (a pool setting in routing).
   *
   * @return whether sessions are closed when a server goes down
   */
  public boolean shutdownSessionsOnMarkedDown() {
    return shutdownSessionsOnMarkedDown;
  }

  /**
   * Whether the options say {@code on-marked-up shutdown-backup-sessions} (a pool setting in routing).
   *
   * @return whether backup sessions are closed when an active server comes up
   */
  public boolean shutdownBackupSessionsOnMarkedUp() {
    return shutdownBackupSessionsOnMarkedUp;
  }

  @Override
  public String toString() {
    return "HaproxyHealthOptions{" + policy + ", check=" + check + ", shutdownSessionsOnMarkedDown="
        + shutdownSessionsOnMarkedDown + ", shutdownBackupSessionsOnMarkedUp=" + shutdownBackupSessionsOnMarkedUp
        + "}";
  }

  /** Options of a health-option parse; not thread-safe. */
  public static final class Parser {
    private HealthPolicy defaults = HealthPolicy.defaults();
    private boolean newerKeywords;

    private Parser() {}

    /**
     * The policy the options start from (default HAProxy's). An interval or check timeout equal to its {@code inter}
     * is taken as unset and follows the options' own {@code inter}.
     *
     * @param policy the policy
     * @return this parser
     */
    public Parser defaults(HealthPolicy policy) {
      this.defaults = Objects.requireNonNull(policy, "defaults");
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
     * Parses the options; words are split as in a configuration file ({@link HaproxySyntax#words(String)}).
     *
     * @param line the options, with or without a leading {@code default-server}
     * @return the options
     * @throws HaproxyConfigException naming the keyword
     */
    public HaproxyHealthOptions parse(String line) {
      Objects.requireNonNull(line, "line");
      List<String> words;
      try {
        words = HaproxySyntax.words(line);
      } catch (IllegalArgumentException e) {
        throw Reporter.single().error("default-server", String.valueOf(e.getMessage()), e);
      }
      return parse(words);
    }

    /**
     * Parses the options' words.
     *
     * @param words the words, with or without a leading {@code default-server}
     * @return the options
     * @throws HaproxyConfigException naming the keyword
     */
    public HaproxyHealthOptions parse(List<String> words) {
      Objects.requireNonNull(words, "words");
      int from = !words.isEmpty() && words.get(0).equals("default-server") ? 1 : 0;
      ServerKeywords k = new ServerKeywords(Reporter.single(), true, newerKeywords, keyword -> { });
      ServerState s = ServerState.of(defaults);
      k.parse(s, words, from, ServerKeywords.Line.HEALTH);
      HealthPolicy policy = k.policy(s, ServerKeywords.Checks.of(defaults), false);
      return new HaproxyHealthOptions(policy, s.check, s.onMarkedDownShutdown, s.onMarkedUpShutdownBackup);
    }
  }
}
