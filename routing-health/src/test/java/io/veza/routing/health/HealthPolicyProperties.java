package io.veza.routing.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad configuration fails at build time with an {@link IllegalArgumentException} whose message names the field and
 * its value ({@code "<field> must ..., was <value>"}), and with nothing else, for every input; good configuration
 * builds and reads back unchanged.
 */
class HealthPolicyProperties {

  @Property(tries = 2000, seed = "20261129")
  void builderValidationNamesFieldAndValue(
      @ForAll("durations") Duration inter, @ForAll("durations") Duration fastInter,
      @ForAll("durations") Duration downInter, @ForAll("durations") Duration checkTimeout,
      @ForAll("durations") Duration slowStart,
      @ForAll("counts") int rise, @ForAll("counts") int fall, @ForAll("counts") int errorLimit,
      @ForAll("percents") int spreadPercent,
      @ForAll("curves") SlowStartCurve curve, @ForAll("initialStates") InitialState init,
      @ForAll("observeModes") ObserveMode observe, @ForAll("onErrors") OnErrorAction onError) {
    Map<String, Object> invalid = new LinkedHashMap<>();
    if (!positive(inter)) {
      invalid.put("inter", inter);
    }
    for (Map.Entry<String, Duration> optional : Map.of("fastInter", nonNull(fastInter, Duration.ofSeconds(1)),
        "downInter", nonNull(downInter, Duration.ofSeconds(1)),
        "checkTimeout", nonNull(checkTimeout, Duration.ofSeconds(1))).entrySet()) {
      if (!positive(optional.getValue())) {
        invalid.put(optional.getKey(), optional.getValue());
      }
    }
    if (slowStart == null || slowStart.isNegative() || !fitsNanos(slowStart)) {
      invalid.put("slowStart", slowStart);
    }
    if (rise < 1 || rise > HealthPolicy.MAX_RISE_FALL) {
      invalid.put("rise", rise);
    }
    if (fall < 1 || fall > HealthPolicy.MAX_RISE_FALL) {
      invalid.put("fall", fall);
    }
    if (errorLimit < 1) {
      invalid.put("errorLimit", errorLimit);
    }
    if (spreadPercent < 0 || spreadPercent > 50) {
      invalid.put("spreadPercent", spreadPercent);
    }
    Map<String, Object> nullable = new LinkedHashMap<>();
    nullable.put("slowStartCurve", curve);
    nullable.put("initialState", init);
    nullable.put("observe", observe);
    nullable.put("onError", onError);
    nullable.forEach((field, value) -> {
      if (value == null) {
        invalid.put(field, null);
      }
    });

    HealthPolicy.Builder b = HealthPolicy.builder().inter(inter).fastInter(fastInter).downInter(downInter)
        .checkTimeout(checkTimeout).slowStart(slowStart).rise(rise).fall(fall).errorLimit(errorLimit)
        .spreadPercent(spreadPercent).slowStartCurve(curve).initialState(init).observe(observe).onError(onError);
    HealthPolicy policy;
    try {
      policy = b.build();
    } catch (Throwable t) {
      assertInstanceOf(IllegalArgumentException.class, t, "only IllegalArgumentException, got " + t);
      String message = t.getMessage();
      assertTrue(invalid.entrySet().stream().anyMatch(e -> message.startsWith(e.getKey() + " must ")
              && message.contains(", was " + e.getValue())),
          () -> "\"" + message + "\" names none of the invalid fields " + invalid);
      return;
    }
    if (!invalid.isEmpty()) {
      fail("built " + policy + " despite " + invalid);
    }
    assertEquals(inter, policy.inter());
    assertEquals(fastInter == null ? inter : fastInter, policy.fastInter());
    assertEquals(downInter == null ? inter : downInter, policy.downInter());
    assertEquals(checkTimeout == null ? inter : checkTimeout, policy.checkTimeout());
    assertEquals(slowStart, policy.slowStart());
    assertEquals(rise + fall - 1, policy.maxHealth());
    assertEquals(errorLimit, policy.errorLimit());
    assertEquals(spreadPercent, policy.spreadPercent());
    assertEquals(curve, policy.slowStartCurve());
    assertEquals(policy, policy.toBuilder().build(), "toBuilder round trip");
    assertEquals(policy.hashCode(), policy.toBuilder().build().hashCode());
  }

  @Property(tries = 1000, seed = "20261129")
  void envoyCurveValidationNamesFieldAndValue(@ForAll("doubles") double aggression,
                                              @ForAll("doubles") double minWeightPercent) {
    boolean aggressionOk = aggression > 0 && Double.isFinite(aggression);
    boolean minOk = minWeightPercent >= 0 && minWeightPercent <= 100;
    try {
      SlowStartCurve c = SlowStartCurve.envoy(aggression, minWeightPercent);
      assertTrue(aggressionOk && minOk, "accepted " + c);
      assertEquals(aggression, c.aggression());
    } catch (Throwable t) {
      assertInstanceOf(IllegalArgumentException.class, t);
      String expected = !aggressionOk ? "aggression must be finite and > 0, was " + aggression
          : "minWeightPercent must be in [0, 100], was " + minWeightPercent;
      assertEquals(expected, t.getMessage());
    }
  }

  @Property(tries = 1000, seed = "20261129")
  void membershipValidationNamesFieldAndValue(@ForAll("ids") String id, @ForAll("counts") int weight) {
    HealthTracker tracker = HealthTracker.builder().build();
    tracker.add("taken", 1, HealthPolicy.defaults());
    String expected = id == null ? "id must be non-empty, was null"
        : id.isEmpty() ? "id must be non-empty, was \"\""
        : weight < 0 || weight > HealthTracker.MAX_WEIGHT
            ? "weight must be in [0, 256], was " + weight + " (server " + id + ")"
        : id.equals("taken") ? "id must be unique, was duplicate \"taken\"" : null;
    try {
      TrackedServer s = tracker.add(id, weight, HealthPolicy.defaults());
      assertEquals(null, expected, "added " + s);
      assertEquals(weight, s.state().weight());
    } catch (Throwable t) {
      assertInstanceOf(IllegalArgumentException.class, t);
      assertEquals(expected, t.getMessage());
    }
    TrackedServer taken = tracker.server("taken").orElseThrow();
    try {
      taken.setWeight(weight);
      assertEquals(weight, taken.state().weight());
    } catch (Throwable t) {
      assertInstanceOf(IllegalArgumentException.class, t);
      assertEquals("weight must be in [0, 256], was " + weight + " (server taken)", t.getMessage());
    }
  }

  private static Duration nonNull(Duration d, Duration ifNull) {
    return d == null ? ifNull : d;
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero() && fitsNanos(d);
  }

  private static boolean fitsNanos(Duration d) {
    try {
      d.toNanos();
      return true;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<Duration> durations() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(1, 60_000_000_000L).map(Duration::ofNanos)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-3),
            Duration.ofNanos(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L + 1),
            Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MIN_VALUE))),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
  }

  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-3, 300), Arbitraries.of(Integer.MIN_VALUE,
        Integer.MAX_VALUE, HealthPolicy.MAX_RISE_FALL, HealthPolicy.MAX_RISE_FALL + 1), Arbitraries.integers());
  }

  @Provide
  Arbitrary<Integer> percents() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-2, 52), Arbitraries.integers());
  }

  @Provide
  Arbitrary<SlowStartCurve> curves() {
    return Arbitraries.of(SlowStartCurve.haproxy(), SlowStartCurve.envoy()).injectNull(0.1);
  }

  @Provide
  Arbitrary<InitialState> initialStates() {
    return Arbitraries.of(InitialState.class).injectNull(0.1);
  }

  @Provide
  Arbitrary<ObserveMode> observeModes() {
    return Arbitraries.of(ObserveMode.class).injectNull(0.1);
  }

  @Provide
  Arbitrary<OnErrorAction> onErrors() {
    return Arbitraries.of(OnErrorAction.class).injectNull(0.1);
  }

  @Provide
  Arbitrary<Double> doubles() {
    return Arbitraries.oneOf(Arbitraries.doubles().between(-10, 200), Arbitraries.of(0.0, -0.0, 100.0,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE));
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(4), Arbitraries.of("taken", "")).injectNull(0.05);
  }
}
