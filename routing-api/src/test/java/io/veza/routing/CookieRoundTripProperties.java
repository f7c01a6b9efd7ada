package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Insert then parse returns to the same server, for random server values and options. */
class CookieRoundTripProperties {

  @Provide
  Arbitrary<List<String>> serverValues() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&'*+^`~:<>?@[]{}")
        .ofMinLength(1).ofMaxLength(12).list().uniqueElements().ofMinSize(1).ofMaxSize(10);
  }

  @Property(tries = 500)
  void insertThenParseReturnsToTheSameServer(@ForAll("serverValues") List<String> values,
      @ForAll @IntRange(max = 9) int pick, @ForAll boolean indirect, @ForAll boolean httpOnly,
      @ForAll boolean secure, @ForAll boolean idle, @ForAll boolean life, @ForAll boolean signed,
      @ForAll @LongRange(min = 1_000_000_000L, max = 4_000_000_000L) long now,
      @ForAll @IntRange(max = 3599) int later, @ForAll("neighbours") String neighbour) {
    int server = pick % values.size();
    CookiePersistence.Builder b = CookiePersistence.insert("SERVERID").domain(".veza.io").attr("SameSite=Lax");
    if (indirect) {
      b.indirect();
    }
    if (httpOnly) {
      b.httpOnly();
    }
    if (secure) {
      b.secure();
    }
    if (idle) {
      b.maxIdleSeconds(3600);
    }
    if (life) {
      b.maxLifeSeconds(7200);
    }
    if (signed) {
      b.signed(CookieSigning.hmacSha256("round-trip-key-0123456789".getBytes()));
    }
    List<String> vals = new ArrayList<>(values);
    CookieBinding binding = CookieBinding.bind(b.build(), vals);
    String setCookie = binding.setCookie(server, new CookieMatch().reset(), false, false, now);
    // what a browser sends back: NAME=VALUE, among other cookies
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String header = neighbour + "; " + cookie + "; " + neighbour;
    CookieMatch m = new CookieMatch().reset();
    binding.match(header, i -> true, false, now + later, m);
    int firstWithSameValue = vals.indexOf(vals.get(server));
    assertEquals(firstWithSameValue, m.server(), () -> header + " -> " + m);
    assertEquals(CookieMatch.VALID, m.status());
    if (!idle && !life) {
      assertNull(binding.setCookie(server, m, false, false, now + later), "no re-issue to a valid holder");
    }
    if (indirect) {
      String fwd = binding.forwardedCookieHeader(header);
      assertEquals(neighbour.isEmpty() ? null : (neighbour + "; " + neighbour), fwd);
    }
  }

  @Provide
  Arbitrary<String> neighbours() {
    return Arbitraries.of("", "lang=fr", "a=\"x;y\"", "SERVERIDX=1");
  }
}
