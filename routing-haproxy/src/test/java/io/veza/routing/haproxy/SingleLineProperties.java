package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.Balance;
import io.veza.routing.ServerSpec;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.syntax.HaproxySyntax;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The single-line parsers ({@link HaproxyServerLine}, {@link HaproxyHealthOptions}, {@link HaproxyBalance}) read a
 * line as the importer reads it in a configuration, and every {@link Balance} the library builds (but a key function)
 * prints a line they read back.
 */
class SingleLineProperties {

  // ------------------------------------------------------------------------------------------------ server lines

  @Property(tries = 300, seed = "5150")
  void aServerLineMeansWhatItMeansInAConfiguration(@ForAll long seed) {
    Random r = new Random(seed);
    String health = healthOptions(r);
    String server = "s0 127.0.0.1:" + (8000 + r.nextInt(100)) + " id " + (1 + r.nextInt(50))
        + RoundTripProperties.serverOptions(r, false);
    StringBuilder config = new StringBuilder();
    int spread = r.nextInt(3) == 0 ? 1 + r.nextInt(50) : 0;
    if (spread > 0) {
      config.append("global\n    spread-checks ").append(spread).append('\n');
    }
    config.append(RoundTripProperties.DEFAULTS).append("backend b\n");
    if (r.nextBoolean()) {
      config.append("    timeout connect ").append(100 + r.nextInt(5000)).append("ms\n");
    }
    config.append("    default-server").append(health).append('\n').append("    server ").append(server).append('\n');
    HaproxyBackend imported = HaproxyConfig.parser().resolver(ParserNeverThrowsProperties::resolve)
        .parse(config.toString()).backends().get(0);

    ServerSpec line = HaproxyServerLine.parse(server, imported.defaultHealthPolicy());
    assertEquals(imported.servers().get(0), line, config.toString());
    assertEquals(line, HaproxyServerLine.parse("server " + server, imported.defaultHealthPolicy()));
    List<String> words = HaproxySyntax.words(server);
    assertEquals(line, HaproxyServerLine.parser().defaults(imported.defaultHealthPolicy())
        .parse("s0", line.address(), words.subList(2, words.size())));
  }

  /** Default-server health keywords only (a server line's defaults are a health policy). */
  static String healthOptions(Random r) {
    StringBuilder o = new StringBuilder();
    if (r.nextInt(3) == 0) {
      o.append(" inter ").append(1 + r.nextInt(10)).append('s');
    }
    if (r.nextInt(4) == 0) {
      o.append(" fastinter ").append(100 + r.nextInt(900)).append("ms");
    }
    if (r.nextInt(4) == 0) {
      o.append(" downinter ").append(1 + r.nextInt(30)).append('s');
    }
    if (r.nextInt(3) == 0) {
      o.append(" rise ").append(1 + r.nextInt(5)).append(" fall ").append(1 + r.nextInt(5));
    }
    if (r.nextInt(3) == 0) {
      o.append(" slowstart ").append(r.nextInt(60_000)).append("ms");
    }
    if (r.nextInt(4) == 0) {
      o.append(" observe ").append(r.nextBoolean() ? "layer4" : "layer7");
    }
    if (r.nextInt(4) == 0) {
      o.append(" error-limit ").append(1 + r.nextInt(20));
    }
    if (r.nextInt(4) == 0) {
      String[] a = {"fastinter", "fail-check", "sudden-death", "mark-down"};
      o.append(" on-error ").append(a[r.nextInt(a.length)]);
    }
    return o.toString();
  }

  @Property(tries = 300, seed = "5151")
  void healthOptionsMeanWhatADefaultServerLineMeans(@ForAll long seed) {
    Random r = new Random(seed);
    String options = (r.nextBoolean() ? " check" : "") + healthOptions(r)
        + (r.nextBoolean() ? " on-marked-down shutdown-sessions" : "")
        + (r.nextBoolean() ? " on-marked-up shutdown-backup-sessions" : "");
    int spread = r.nextInt(51);
    String config = "global\n    spread-checks " + spread + "\n" + RoundTripProperties.DEFAULTS + "backend b\n"
        + "    default-server" + options + "\n    server s1 127.0.0.1:8080\n";
    HaproxyBackend imported = HaproxyConfig.parser().resolver(ParserNeverThrowsProperties::resolve).parse(config)
        .backends().get(0);

    HaproxyHealthOptions parsed = HaproxyHealthOptions.parser()
        .defaults(HealthPolicy.builder().spreadPercent(spread).build()).parse(options);
    assertEquals(imported.defaultHealthPolicy(), parsed.policy(), config);
    assertEquals(imported.servers().get(0).check(), parsed.check());
    assertEquals(imported.shutdownSessionsOnMarkedDown(), parsed.shutdownSessionsOnMarkedDown());
    assertEquals(imported.shutdownBackupSessionsOnMarkedUp(), parsed.shutdownBackupSessionsOnMarkedUp());
    assertEquals(parsed.policy(), HaproxyHealthOptions.parser()
        .defaults(HealthPolicy.builder().spreadPercent(spread).build()).parse("default-server" + options).policy());
  }

  @Example
  void healthKeywordsStartFromTheDefaultsAndIntervalsEqualToInterFollowIt() {
    HealthPolicy defaults = HealthPolicy.builder().inter(Duration.ofSeconds(3)).fastInter(Duration.ofMillis(500))
        .rise(4).checkTimeout(Duration.ofSeconds(3)).build();
    HealthPolicy p = HaproxyHealthOptions.parser().defaults(defaults).parse("inter 10s fall 5").policy();
    assertEquals(Duration.ofSeconds(10), p.inter());
    assertEquals(Duration.ofMillis(500), p.fastInter(), "set in the defaults: kept");
    assertEquals(Duration.ofSeconds(10), p.downInter(), "unset: follows inter");
    assertEquals(Duration.ofSeconds(10), p.checkTimeout(), "equal to the defaults' inter: follows inter");
    assertEquals(4, p.rise());
    assertEquals(5, p.fall());
    assertEquals(defaults, HaproxyHealthOptions.parser().defaults(defaults).parse("").policy());
    assertEquals(Duration.ofSeconds(1), HaproxyHealthOptions.parser().defaults(defaults.toBuilder()
        .checkTimeout(Duration.ofSeconds(1)).build()).parse("inter 10s").policy().checkTimeout(), "its own: kept");
  }

  @Example
  void slowstartIsInWholeSecondsAsInHaproxy() {
    assertEquals(Duration.ofSeconds(2), HaproxyHealthOptions.parse("slowstart 1500ms").policy().slowStart());
    assertEquals(Duration.ofSeconds(1), HaproxyHealthOptions.parse("slowstart 1us").policy().slowStart());
    assertEquals(Duration.ZERO, HaproxyHealthOptions.parse("slowstart 0").policy().slowStart());
  }

  @Example
  void whatALineOnItsOwnRefuses() {
    for (String options : List.of("on-marked-down shutdown-sessions", "on-marked-up shutdown-backup-sessions",
        "agent-check", "agent-port 9999", "resolvers dns", "init-addr none", "maxconn 10", "ssl", "init-state up")) {
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class,
          () -> HaproxyServerLine.parse("s1 127.0.0.1:80 " + options));
      assertEquals(options.split(" ")[0], e.keyword(), e.getMessage());
    }
    assertEquals(InitialState.DOWN, HaproxyServerLine.parser().newerKeywords(true)
        .parse("s1 127.0.0.1:80 check init-state down").healthPolicy().initialState());
    for (String options : List.of("weight 10", "cookie a", "backup", "id 3", "port 80", "bogus")) {
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class,
          () -> HaproxyHealthOptions.parse("inter 2s " + options));
      assertTrue(e.getMessage().contains("'" + options.split(" ")[0] + "'"), e.getMessage());
    }
  }

  @Example
  void addressesAreNeverResolved() {
    ServerSpec named = HaproxyServerLine.parse("s1 backend.example.invalid:8080 check");
    assertTrue(named.address().isUnresolved());
    assertEquals(InetSocketAddress.createUnresolved("backend.example.invalid", 8080), named.address());
    assertEquals(new InetSocketAddress("10.0.0.7", 80), HaproxyServerLine.parse("s1 10.0.0.7:80").address());
    assertFalse(HaproxyServerLine.parse("s1 [::1]:80").address().isUnresolved());
    assertTrue(assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse("s1 10.0.0.256:80"))
        .getMessage().contains("10.0.0.256"));
    assertEquals(0, HaproxyServerLine.parse("s1 10.0.0.7:80").persistentId(), "no id: the pool numbers it");
  }

  @Example
  void disabledStartsInMaintenanceUnlessEnabledAndBeforeKeywordSeesEveryKeywordInOrder() {
    List<String> seen = new ArrayList<>();
    ServerSpec s = HaproxyServerLine.parser().disabled(true).beforeKeyword(seen::add)
        .parse("s1", new InetSocketAddress("127.0.0.1", 80), List.of("check", "weight", "10", "cookie", "c1"));
    assertTrue(s.disabled());
    assertEquals(List.of("check", "weight", "cookie"), seen);
    assertFalse(HaproxyServerLine.parser().disabled(true).parse("s1 127.0.0.1:80 enabled").disabled());
    HaproxyServerLine.Parser noCookies = HaproxyServerLine.parser().beforeKeyword(k -> {
      if (k.equals("cookie")) {
        throw new UnsupportedOperationException("no cookies here");
      }
    });
    assertEquals("weight", assertThrows(HaproxyConfigException.class,
        () -> noCookies.parse("s1 127.0.0.1:80 weight 300 cookie a")).keyword(), "errors come in the line's order");
    assertThrows(UnsupportedOperationException.class, () -> noCookies.parse("s1 127.0.0.1:80 cookie a weight 300"));
  }

  // ------------------------------------------------------------------------------------------------ balance

  @Property(tries = 1000, seed = "5152")
  void everyBalanceReadsBackFromTheLineItPrints(@ForAll("balances") Balance balance) {
    String line = balance.toString();
    assertEquals(line, HaproxyBalance.parse(line).toString());
    assertEquals(line, HaproxyBalance.parse("balance " + line).toString());
    assertEquals(balance.isHash(), HaproxyBalance.parse(HaproxySyntax.words("balance " + line)).isHash());
    String config = RoundTripProperties.DEFAULTS + "backend b\n    balance " + line + "\n    server s1 127.0.0.1:80\n";
    assertEquals(line, HaproxyConfig.parse(config).backends().get(0).balance().toString());
  }

  /** Every balance the library builds but a key function: any option values, any token, any name without NUL. */
  @Provide
  Arbitrary<Balance> balances() {
    Arbitrary<Balance> uri = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
            Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers().between(0, Integer.MAX_VALUE))
        .as((pathOnly, whole, len, depth) -> {
          Balance b = Balance.uri();
          b = pathOnly ? b.pathOnly() : b;
          b = whole ? b.whole() : b;
          b = len > 0 ? b.len(len) : b;
          return depth > 0 ? b.depth(depth) : b;
        });
    Arbitrary<String> token = Arbitraries.strings().withChars("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
        + "ABCDEFGHIJKLMNOPQRSTUVWXYZ").ofMinLength(1).ofMaxLength(30);
    Arbitrary<String> name = Arbitraries.strings().ofMinLength(1).ofMaxLength(30).filter(s -> s.indexOf('\0') < 0);
    Arbitrary<String> wordy = Arbitraries.strings().withChars(" \t'\"\\#$ab{}\n\r").ofMinLength(1).ofMaxLength(12);
    return Arbitraries.oneOf(Arbitraries.just(Balance.roundRobin()), uri, token.map(Balance::header),
        name.map(Balance::queryParam), wordy.map(Balance::queryParam),
        Arbitraries.integers().between(0, Integer.MAX_VALUE).map(Balance::pathSegment),
        Arbitraries.integers().between(0, 20).map(Balance::pathSegment));
  }

  @Example
  void haproxyAcceptsThePrintedLines() {
    Random r = new Random(5153);
    StringBuilder config = new StringBuilder(HaproxyAgreementTest.DEFAULTS);
    List<Balance> samples = new ArrayList<>(List.of(Balance.roundRobin(), Balance.uri().pathOnly().whole().len(32)
            .depth(3), Balance.header("X-Track#'Id"), Balance.queryParam("a b\"c'd\\e#f${g}\n"),
        Balance.pathSegment(Integer.MAX_VALUE), Balance.pathSegment(0)));
    for (int i = 0; i < 100; i++) {
      StringBuilder n = new StringBuilder();
      String chars = " \t'\"\\#$abc{}\n\r;,=&é";
      for (int k = 1 + r.nextInt(12); k > 0; k--) {
        n.append(chars.charAt(r.nextInt(chars.length())));
      }
      samples.add(Balance.queryParam(n.toString()));
    }
    for (int i = 0; i < samples.size(); i++) {
      config.append("backend b").append(i).append("\n    balance ").append(samples.get(i))
          .append("\n    server s1 127.0.0.1:80\n");
    }
    Haproxy.Check c = Haproxy.check(config.toString(), Map.of());
    assertTrue(c.accepted(), c.output());
    assertFalse(c.output().contains("WARNING"), c.output());
    HaproxyConfig imported = HaproxyConfig.parse(config.toString());
    for (int i = 0; i < samples.size(); i++) {
      assertEquals(samples.get(i).toString(), imported.backends().get(i).balance().toString());
    }
  }

  @Example
  void theTwoBalancesThatCannotBePrinted() {
    Balance key = Balance.key(request -> request.uri());
    assertTrue(key.toString().startsWith("key "), key.toString());
    assertThrows(HaproxyConfigException.class, () -> HaproxyBalance.parse(key.toString()));
    Balance nul = Balance.queryParam("a\0b");
    assertEquals("url_param a", HaproxyBalance.parse(nul.toString()).toString(), "a NUL ends the line");
  }

  @Example
  void balanceErrorsNameTheKeyword() {
    for (String line : List.of("leastconn", "uri len 0", "roundrobin whole", "hdr()", "hash src", "bogus",
        "url_param", "url_param x check_post", "hdr(Host) use_domain_only", "hash path,field(1,/)")) {
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class, () -> HaproxyBalance.parse(line));
      assertTrue(List.of("balance", "balance uri len", "check_post", "use_domain_only").contains(e.keyword()),
          e.getMessage());
    }
    assertEquals("roundrobin", HaproxyBalance.parse("").toString(), "as in HAProxy");
    assertEquals("roundrobin", HaproxyBalance.parse("balance").toString());
  }

  // ------------------------------------------------------------------------------------------------ robustness

  @Property(tries = 2000, seed = "5154")
  void onAnyWordsTheParsersReturnOrThrowTheirException(@ForAll("soup") List<String> words) {
    try {
      HaproxyServerLine.parser().newerKeywords(words.size() % 2 == 0).parse(words);
    } catch (HaproxyConfigException expected) {
      // the documented failure
    }
    try {
      HaproxyHealthOptions.parser().newerKeywords(true).parse(words);
    } catch (HaproxyConfigException expected) {
      // the documented failure
    }
    try {
      HaproxyBalance.parse(words);
    } catch (HaproxyConfigException expected) {
      // the documented failure
    }
    try {
      HaproxyServerLine.parse(String.join(" ", words));
    } catch (HaproxyConfigException expected) {
      // the documented failure
    }
  }

  @Provide
  Arbitrary<List<String>> soup() {
    return Arbitraries.oneOf(Arbitraries.of(ParserNeverThrowsProperties.SOUP), Arbitraries.strings().ofMaxLength(8),
            Arbitraries.of("1.2.3.4:5", "s1", "::1", "[::1]:99999", "a:b:c", "999.1.1.1:80", "10.0.0.1:0",
                "hash", "path,field(3,/)", "path,field(99999999999,/)", "uri", "url_param", "x", "len", "-5"))
        .list().ofMaxSize(8);
  }
}
