package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Properties of the allocation-free Cookie header scanner and of HAProxy's request header rewrites. */
class CookieHeadersProperties {

  private static final String NAME = "SERVERID";

  record Pair(String name, String value, String before, String around, String sep) {}

  @Provide
  Arbitrary<List<Pair>> cookieLists() {
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.just(NAME), Arbitraries.just("serverid"),
        Arbitraries.strings().withChars("abcXYZ_-!#").ofMinLength(1).ofMaxLength(6));
    Arbitrary<String> values = Arbitraries.strings().withChars("abcs0129|~.-_!#%").ofMaxLength(8);
    Arbitrary<String> spaces = Arbitraries.strings().withChars(" \t").ofMaxLength(2);
    Arbitrary<String> seps = Arbitraries.of(";", ",");
    return Combinators.combine(names, values, spaces, spaces, seps).as(Pair::new).list().ofMaxSize(8);
  }

  private static String render(List<Pair> pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pairs.size(); i++) {
      Pair p = pairs.get(i);
      if (i > 0) {
        sb.append(p.sep());
      }
      sb.append(p.before()).append(p.name()).append(p.around()).append('=').append(p.around()).append(p.value())
          .append(p.around());
    }
    return sb.toString();
  }

  private static List<String> scan(CharSequence h, String name) {
    List<String> out = new ArrayList<>();
    long f = CookieHeaders.next(h, CookieHeaders.START, name);
    while (f != CookieHeaders.NOT_FOUND) {
      out.add(h.subSequence(CookieHeaders.valueStart(f), CookieHeaders.valueEnd(f)).toString());
      f = CookieHeaders.next(h, CookieHeaders.valueEnd(f), name);
    }
    return out;
  }

  @Property(seed = "7200")
  void scannerFindsExactlyTheValuesOfTheNameInOrder(@ForAll("cookieLists") List<Pair> pairs) {
    String h = render(pairs);
    List<String> expected = pairs.stream().filter(p -> p.name().equals(NAME)).map(Pair::value).toList();
    assertEquals(expected, scan(h, NAME));
  }

  @Property(seed = "7200")
  void indirectRemovalLeavesExactlyTheOtherCookies(@ForAll("cookieLists") List<Pair> pairs) {
    String h = render(pairs);
    String fwd = CookieHeaders.forwardRequestHeader(h, NAME, false, true);
    List<Pair> others = pairs.stream().filter(p -> !p.name().equals(NAME)).toList();
    if (fwd == null) {
      assertTrue(others.isEmpty(), others::toString);
      return;
    }
    assertTrue(scan(fwd, NAME).isEmpty(), fwd);
    for (Pair o : others) {
      assertEquals(others.stream().filter(p -> p.name().equals(o.name())).map(Pair::value).toList(),
          scan(fwd, o.name()));
    }
    for (String bad : List.of(" =", "= ", "\t=", "=\t")) {
      assertFalse(fwd.contains(bad), fwd);
    }
  }

  @Property(seed = "7200")
  void prefixStripRemovesUpToTheFirstTilde(@ForAll("cookieLists") List<Pair> pairs) {
    String h = render(pairs);
    String fwd = CookieHeaders.forwardRequestHeader(h, NAME, true, false);
    List<String> expected = pairs.stream().filter(p -> p.name().equals(NAME))
        .map(p -> p.value().substring(p.value().indexOf('~') + 1)).toList();
    assertEquals(expected, scan(fwd, NAME));
  }

  @Property(seed = "7200")
  void unchangedHeadersAreReturnedAsTheSameInstance(@ForAll("cookieLists") List<Pair> pairs) {
    String h = render(pairs);
    boolean changes = CookieHeaders.requestHeaderChanges(h, NAME, false, true);
    String fwd = CookieHeaders.forwardRequestHeader(h, NAME, false, true);
    assertEquals(!changes, fwd == h);
    if (changes) {
      assertNotEquals(h, fwd);
    }
  }

  @Provide
  Arbitrary<String> nasty() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().withChars("SERVID=;,\"\\$ \t~|.aZ09").ofMaxLength(60));
  }

  @Property(tries = 2000, seed = "7201")
  void nothingThrowsOnAnyInput(@ForAll("nasty") String h, @ForAll boolean prefix, @ForAll boolean delete,
      @ForAll @Size(max = 5) List<@net.jqwik.api.constraints.StringLength(max = 30) String> more) {
    scan(h, NAME);
    CookieHeaders.forwardRequestHeader(h, NAME, prefix, delete);
    CookieHeaders.next(h, h.length() + 3, NAME);
    CookieMatch m = new CookieMatch().reset();
    for (BackendPool pool : CookieFuzzTest.POOLS) {
      CookieStage stage = new CookieStage(pool.cookie().orElseThrow());
      CookieIndex index = Tables.of(pool).cookies;
      m.reset();
      stage.match(h, index, prefix, 1_700_000_000L, m);
      for (String x : more) {
        stage.match(x, index, delete, 1_700_000_000L, m);
      }
      assertTrue(m.server() == null || m.server().isMember(), m::toString);
      stage.forwardedCookieHeader(h);
      stage.rewriteSetCookie(h, pool.servers().get(0), prefix);
      stage.rewriteSetCookie(h, null, delete);
      stage.isOurSetCookie(h);
    }
  }
}
