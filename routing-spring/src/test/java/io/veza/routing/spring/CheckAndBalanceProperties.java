package io.veza.routing.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veza.routing.Balance;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import io.veza.routing.syntax.HaproxySyntax;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The {@code check} and {@code balance} properties of {@code veza.routing.services.*}: HAProxy's keywords, read by
 * routing-haproxy's parsers (the configuration importer's code), with this module's own names mapped onto them.
 */
class CheckAndBalanceProperties {

  /** The message a pool built with these properties fails with (the property name and value come with it). */
  static String error(Consumer<VezaRoutingProperties.Service> properties) {
    VezaRoutingProperties.Service service = new VezaRoutingProperties.Service();
    properties.accept(service);
    try {
      ServicePool.create("api", service, ServicePoolTest.CLIENT).close();
    } catch (IllegalArgumentException e) {
      return String.valueOf(e.getMessage());
    }
    throw new AssertionError("accepted");
  }

  @Property(seed = "16")
  void aTimeIsItsDigitsInItsUnitRoundedUpToMillisecondsAndABareNumberIsInMilliseconds(
      @ForAll @LongRange(min = 1, max = 999_999_999L) long n, @ForAll("units") String unit) {
    BigInteger nanosPerUnit = BigInteger.valueOf(switch (unit) {
      case "", "ms" -> 1_000_000L;
      case "us" -> 1_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> 86_400_000_000_000L;
    });
    BigInteger millis = BigInteger.valueOf(n).multiply(nanosPerUnit).add(BigInteger.valueOf(999_999))
        .divide(BigInteger.valueOf(1_000_000)); // HAProxy rounds up to its unit
    if (millis.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      assertThat(error(s -> s.setCheck("inter " + n + unit))).contains("inter").contains("overflow")
          .contains("'inter " + n + unit + "'");
      return;
    }
    assertThat(ServicePool.check("inter " + n + unit).policy().inter())
        .isEqualTo(Duration.ofMillis(millis.longValue()));
  }

  @Provide
  Arbitrary<String> units() {
    return Arbitraries.of("", "us", "ms", "s", "m", "h", "d");
  }

  @Property(seed = "16")
  void anythingElseIsRefusedNamingTheKeywordAndTheValue(@ForAll String text) {
    String value = "downinter " + HaproxySyntax.quote(text.replace("\0", ""));
    Duration parsed;
    try {
      parsed = ServicePool.check(value).policy().downInter();
    } catch (IllegalArgumentException e) {
      assertThat(error(s -> s.setCheck(value))).contains("veza.routing.services.api.check").contains("downinter")
          .contains("'" + value + "'");
      return;
    }
    // only digits with a known unit get here
    assertThat(text).matches("[0-9]+(us|ms|s|m|h|d)?");
    assertThat(parsed.isNegative() || parsed.isZero()).isFalse();
  }

  @Property(seed = "16")
  void aCheckLineSetsWhatItNamesInAnyOrderAndHAProxyDefaultsTheRest(
      @ForAll @IntRange(min = 1, max = 1000) int rise, @ForAll @IntRange(min = 1, max = 1000) int fall,
      @ForAll @IntRange(min = 1, max = 3_600_000) int interMillis, @ForAll @IntRange(max = 600) int slowStartSeconds,
      @ForAll boolean shutdownSessions, @ForAll("observe") String observe, @ForAll long shuffleSeed) {
    List<String> pairs = new ArrayList<>(List.of("rise " + rise, "fall " + fall, "inter " + interMillis,
        "slowstart " + slowStartSeconds + "s"));
    if (shutdownSessions) {
      pairs.add("on-marked-down shutdown-sessions");
    }
    if (!observe.isEmpty()) {
      pairs.add("observe " + observe);
    }
    Collections.shuffle(pairs, new Random(shuffleSeed));
    ServicePool.CheckLine line = ServicePool.check((shuffleSeed % 2 == 0 ? "check " : "") + String.join(" ", pairs));

    HealthPolicy p = line.policy();
    assertThat(p.rise()).isEqualTo(rise);
    assertThat(p.fall()).isEqualTo(fall);
    assertThat(p.inter()).isEqualTo(Duration.ofMillis(interMillis));
    assertThat(p.fastInter()).as("fastinter defaults to inter").isEqualTo(p.inter());
    assertThat(p.downInter()).as("downinter defaults to inter").isEqualTo(p.inter());
    assertThat(p.slowStart()).isEqualTo(Duration.ofSeconds(slowStartSeconds));
    assertThat(p.observe()).isEqualTo(switch (observe) {
      case "layer4" -> ObserveMode.LAYER4;
      case "layer7" -> ObserveMode.LAYER7;
      default -> ObserveMode.NONE;
    });
    assertThat(p.errorLimit()).isEqualTo(10);
    assertThat(p.onError()).isEqualTo(OnErrorAction.FAIL_CHECK);
    assertThat(p.initialState()).isEqualTo(InitialState.UP);
    assertThat(line.shutdownSessionsOnMarkedDown()).isEqualTo(shutdownSessions);
    assertThat(line.shutdownBackupSessionsOnMarkedUp()).isFalse();
  }

  @Provide
  Arbitrary<String> observe() {
    return Arbitraries.of("", "layer4", "layer7");
  }

  @Example
  void anEmptyCheckLineIsPlainCheckWithHAProxysDefaults() {
    assertThat(ServicePool.check("").policy()).isEqualTo(HealthPolicy.defaults());
    assertThat(ServicePool.check("check").policy()).isEqualTo(HealthPolicy.defaults());
  }

  @Example
  void everyCheckKeyword() {
    ServicePool.CheckLine line = ServicePool.check("inter 5s fastinter 1s downinter 10s timeout 2s rise 2 fall 3"
        + " slowstart 30s observe layer7 error-limit 5 on-error sudden-death init-state fully-down spread-checks 5"
        + " on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions");
    HealthPolicy p = line.policy();
    assertThat(p.inter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.fastInter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.downInter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.checkTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.slowStart()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.errorLimit()).isEqualTo(5);
    assertThat(p.onError()).isEqualTo(OnErrorAction.SUDDEN_DEATH);
    assertThat(p.initialState()).isEqualTo(InitialState.FULLY_DOWN);
    assertThat(p.spreadPercent()).isEqualTo(5);
    assertThat(line.shutdownSessionsOnMarkedDown()).isTrue();
    assertThat(line.shutdownBackupSessionsOnMarkedUp()).isTrue();
  }

  @Example
  void timesAreHaproxysSlowstartInWholeSecondsAndIntervalsInMilliseconds() {
    HealthPolicy p = ServicePool.check("inter 1500us slowstart 1500ms timeout 1us").policy();
    assertThat(p.inter()).isEqualTo(Duration.ofMillis(2));
    assertThat(p.slowStart()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.checkTimeout()).isEqualTo(Duration.ofMillis(1));
  }

  @Example
  void checkErrorsNameThePropertyTheKeywordAndTheValue() {
    for (String[] c : new String[][] {{"inter 5x", "inter"}, {"rise 0", "'rise' has to be > 0"},
        {"fall", "'fall' expects an integer argument"}, {"inter 2s port 8080", "'port'"},
        {"observe layer5", "layer5"}, {"on-marked-down kill", "kill"}, {"timeout", "timeout expects an argument"},
        {"spread-checks 60", "spread-checks"}, {"weight 10", "'weight' is not a health option"}}) {
      assertThat(error(s -> s.setCheck(c[0]))).contains("veza.routing.services.api.check").contains(c[1])
          .contains("'" + c[0] + "'");
    }
  }

  @Property(seed = "16")
  void aBalanceLineReadsBackAsTheAlgorithmItWritesOut(@ForAll("balances") Balance balance) {
    assertThat(ServicePool.balance(balance.toString()).toString()).isEqualTo(balance.toString());
    assertThat(ServicePool.balance("balance " + balance).toString()).isEqualTo(balance.toString());
  }

  @Provide
  Arbitrary<Balance> balances() {
    Arbitrary<Balance> uri = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 10))
        .as((pathOnly, whole, len, depth) -> {
          Balance b = Balance.uri();
          b = pathOnly ? b.pathOnly() : b;
          b = whole ? b.whole() : b;
          b = len > 0 ? b.len(len) : b;
          return depth > 0 ? b.depth(depth) : b;
        });
    Arbitrary<String> token = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")
        .ofMinLength(1).ofMaxLength(20);
    return Arbitraries.oneOf(Arbitraries.just(Balance.roundRobin()), uri, token.map(Balance::header),
        token.map(Balance::queryParam), Arbitraries.integers().between(0, 100).map(Balance::pathSegment));
  }

  @Property(seed = "16")
  void pathSegmentIsTheLibrarysPathSegment(@ForAll @IntRange(max = 20) int index) {
    assertThat(ServicePool.balance("path-segment " + index).toString())
        .isEqualTo(Balance.pathSegment(index).toString());
    assertThat(ServicePool.balance("hash path,field(" + (index + 2) + ",/)").toString())
        .as("HAProxy's own words for it").isEqualTo(Balance.pathSegment(index).toString());
  }

  @Example
  void balanceErrorsNameThePropertyAndTheValue() {
    for (String[] c : new String[][] {{"leastconn", "leastconn"}, {"path-segment -1", "-1"},
        {"uri len 0", "uri len"}, {"roundrobin whole", "'whole'"}, {"hdr()", "hdr"},
        {"", "balance expects an algorithm"}, {"path-segment", "path-segment expects one 0-based index"}}) {
      assertThat(error(s -> s.setBalance(c[0]))).contains("veza.routing.services.api.balance").contains(c[1])
          .contains("'" + c[0] + "'");
    }
  }
}
