package io.veza.routing.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veza.routing.Balance;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The HAProxy strings of the {@code veza.routing.services.*} properties. */
class HaproxySyntaxProperties {

  @Property(seed = "16")
  void aTimeIsItsDigitsInItsUnitAndABareNumberIsInTheDefaultUnit(@ForAll @LongRange(max = 999_999_999L) long n,
                                                                 @ForAll("units") String unit) {
    Duration expected = switch (unit) {
      case "" -> Duration.ofMillis(n);
      case "us" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    assertThat(HaproxySyntax.time("inter", n + unit, ChronoUnit.MILLIS)).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> units() {
    return Arbitraries.of("", "us", "ms", "s", "m", "h", "d");
  }

  @Property(seed = "16")
  void anythingElseIsRefusedNamingTheKeywordAndTheValue(@ForAll String text) {
    Duration parsed;
    try {
      parsed = HaproxySyntax.time("downinter", text, ChronoUnit.MILLIS);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains("downinter").contains("'" + text + "'");
      return;
    }
    // only digits with a known unit get here
    assertThat(text).matches("[0-9]{1,18}(us|ms|s|m|h|d)?");
    assertThat(parsed.isNegative()).isFalse();
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
    HaproxySyntax.CheckLine line = HaproxySyntax.check((shuffleSeed % 2 == 0 ? "check " : "")
        + String.join(" ", pairs));

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
    assertThat(HaproxySyntax.check("").policy()).isEqualTo(HealthPolicy.defaults());
    assertThat(HaproxySyntax.check("check").policy()).isEqualTo(HealthPolicy.defaults());
  }

  @Example
  void everyCheckKeyword() {
    HaproxySyntax.CheckLine line = HaproxySyntax.check("inter 5s fastinter 1s downinter 10s timeout 2s rise 2 fall 3"
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
  void checkErrorsNameTheKeywordAndTheValue() {
    assertThatThrownBy(() -> HaproxySyntax.check("inter 5x")).hasMessageContaining("inter").hasMessageContaining("5x");
    assertThatThrownBy(() -> HaproxySyntax.check("rise 0")).hasMessageContaining("rise").hasMessageContaining("0");
    assertThatThrownBy(() -> HaproxySyntax.check("fall")).hasMessageContaining("fall expects an argument");
    assertThatThrownBy(() -> HaproxySyntax.check("inter 2s port 8080")).hasMessageContaining("'port'");
    assertThatThrownBy(() -> HaproxySyntax.check("observe layer5")).hasMessageContaining("layer5");
    assertThatThrownBy(() -> HaproxySyntax.check("on-marked-down kill")).hasMessageContaining("kill");
  }

  @Property(seed = "16")
  void aBalanceLineReadsBackAsTheAlgorithmItWritesOut(@ForAll("balances") Balance balance) {
    assertThat(HaproxySyntax.balance(balance.toString()).toString()).isEqualTo(balance.toString());
    assertThat(HaproxySyntax.balance("balance " + balance).toString()).isEqualTo(balance.toString());
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
        token.map(Balance::queryParam));
  }

  @Property(seed = "16")
  void pathSegmentIsTheLibrarysPathSegment(@ForAll @IntRange(max = 20) int index) {
    assertThat(HaproxySyntax.balance("path-segment " + index).toString())
        .isEqualTo(Balance.pathSegment(index).toString());
  }

  @Example
  void balanceErrorsNameTheValue() {
    assertThatThrownBy(() -> HaproxySyntax.balance("leastconn")).hasMessageContaining("'leastconn'");
    assertThatThrownBy(() -> HaproxySyntax.balance("path-segment -1")).hasMessageContaining("-1");
    assertThatThrownBy(() -> HaproxySyntax.balance("uri len 0")).hasMessageContaining("uri len");
    assertThatThrownBy(() -> HaproxySyntax.balance("roundrobin whole")).hasMessageContaining("'whole'");
    assertThatThrownBy(() -> HaproxySyntax.balance("hdr()")).hasMessageContaining("hdr()");
    assertThatThrownBy(() -> HaproxySyntax.balance("")).hasMessageContaining("balance expects an algorithm");
  }
}
