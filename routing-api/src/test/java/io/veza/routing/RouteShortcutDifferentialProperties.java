package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.health.AdminState;
import io.veza.routing.health.OperationalState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link BackendPool#route}'s shortcut for a single {@code Cookie} header held in a {@code String} without double
 * quotes ({@link CookieStage#findSingle}, then the lookup done in {@code route} itself) decides exactly what the
 * general scanner ({@link CookieStage#match} over a per-thread {@link CookieMatch}) decides. The same header is routed
 * twice, on two identical pools in the same server states: once as the {@code String} (the shortcut when it applies)
 * and once wrapped in another {@code CharSequence} (always the general scanner). Server, reason, flags and dates must
 * be equal, and the round robin of both pools moves in step.
 */
class RouteShortcutDifferentialProperties {

  /** One request: a method and at most one {@code Cookie} header, as given (a String or another sequence). */
  record View(String method, CharSequence cookie) implements RequestView {
    @Override
    public CharSequence uri() {
      return "/";
    }

    @Override
    public int headerCount(CharSequence name) {
      return cookie != null && "Cookie".contentEquals(name) ? 1 : 0;
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      return cookie != null && index == 0 && "Cookie".contentEquals(name) ? cookie : null;
    }

    @Override
    public InetSocketAddress clientAddress() {
      return null;
    }
  }

  /** The same characters as a {@code String}, but not one: the pool takes its general path. */
  record Wrapped(String s) implements CharSequence {
    @Override
    public int length() {
      return s.length();
    }

    @Override
    public char charAt(int index) {
      return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Wrapped(s.substring(start, end));
    }

    @Override
    public String toString() {
      return s;
    }
  }

  /** Cookie values: a shared value (s0 and s3), a server without one (s2), a dotted one. */
  static final String[] VALUES = {"s1", "s2", null, "s1", "web.3"};

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> ours = Arbitraries.of("SERVERID=s1", "SERVERID=s2", "SERVERID=web.3", "SERVERID=s9",
        "SERVERID=", "SERVERID = s1", "SERVERID=\ts2 ", "SERVERID=s1|ZVPxA", "SERVERID=s2|ZVPxA|ZVPw0",
        "SERVERID=s1|", "SERVERID=|ZVPxA", " SERVERID=s1", "SERVERIDX=s1", "XSERVERID=s1", "serverid=s2",
        "$SERVERID=s1", "SERVERID", "SERVERID s1=x");
    Arbitrary<String> others = Arbitraries.of("theme=dark", "lang=fr", "a=\"x;SERVERID=s2\"", "q=\"", "$Path=/",
        "flag", "x=SERVERID=s1", "b=s1~SERVERID", "=v", "", "c=1,SERVERID=s2");
    Arbitrary<String> seps = Arbitraries.of("; ", ";", ",", " ; ", "\t;", ";;", "; \t");
    Arbitrary<String> structured = Arbitraries.oneOf(ours, others, others).list().ofMaxSize(6)
        .flatMap(parts -> seps.list().ofSize(Math.max(0, parts.size() - 1)).map(ss -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
              sb.append(ss.get(i - 1));
            }
            sb.append(parts.get(i));
          }
          return sb.toString();
        }));
    return Arbitraries.oneOf(structured, structured, structured,
        Arbitraries.strings().withChars("SERVID=;,\"\\$ \t~|.s129").ofMaxLength(40));
  }

  @Provide
  Arbitrary<List<String>> headerLists() {
    return headers().list().ofMinSize(1).ofMaxSize(12);
  }

  private static List<BackendPool> twins(CookiePersistence config, boolean persist, List<Integer> states) {
    List<BackendPool> pair = new ArrayList<>();
    for (int twin = 0; twin < 2; twin++) {
      BackendPool.Builder b = Pools.builder("twin").cookie(config).persist(persist);
      for (int i = 0; i < VALUES.length; i++) {
        String v = VALUES[i];
        b.server("s" + i, Pools.addr(i), s -> s.cookie(v));
      }
      BackendPool pool = b.build();
      for (int i = 0; i < VALUES.length; i++) {
        switch (states.get(i)) {
          case 1 -> pool.setHealth("s" + i, OperationalState.DOWN);
          case 2 -> pool.setAdminState("s" + i, AdminState.DRAIN);
          case 3 -> pool.setAdminState("s" + i, AdminState.MAINT);
          default -> { }
        }
      }
      pair.add(pool);
    }
    return pair;
  }

  private static String describe(RouteDecision d) {
    return d.reason() + " " + (d.server() == null ? "-" : d.server().id()) + " flags " + d.flags() + " last "
        + d.lastDate() + " first " + d.firstDate();
  }

  @Property(tries = 400, seed = "1201")
  void theStringShortcutDecidesAsTheGeneralScanner(@ForAll("headerLists") List<String> headers,
      @ForAll @Size(value = 5) List<@IntRange(min = 0, max = 3) Integer> states) {
    for (CookiePersistence config : CookieFuzzTest.CONFIGS) {
      for (boolean persist : new boolean[] {false, true}) {
        List<BackendPool> pools = twins(config, persist, states);
        CookieStage stage = new CookieStage(config);
        try {
          for (String h : headers) {
            long single = stage.singleMatch() ? stage.findSingle(h) : CookieStage.NEEDS_MATCH;
            Statistics.label("path").collect(single >= 0 ? "shortcut, one occurrence"
                : single == CookieStage.NO_OCCURRENCE ? "shortcut, none" : "general");
            for (String method : new String[] {"GET", "POST"}) {
              RouteDecision shortcut = pools.get(0).route(new View(method, h));
              RouteDecision general = pools.get(1).route(new View(method, new Wrapped(h)));
              assertEquals(describe(general), describe(shortcut), () -> config + " persist " + persist + " states "
                  + states + ", header \"" + h + "\"");
            }
          }
        } finally {
          pools.forEach(BackendPool::close);
        }
      }
    }
    // every path is exercised thousands of times (seed 1201 gives about 2,700 / 7,400 / 20,000 headers)
    Statistics.label("path").coverage(c -> {
      c.check("shortcut, one occurrence").count(n -> n > 1000);
      c.check("shortcut, none").count(n -> n > 2000);
      c.check("general").count(n -> n > 5000);
    });
  }
}
