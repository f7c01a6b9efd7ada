package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code balance uri}'s key range for a {@code String} request-target without a depth limit ({@link String#indexOf}
 * for the {@code '?'}) equals the character loop's, which reads any other {@code CharSequence}: for every option
 * combination ({@code len}, {@code depth}, {@code whole}, {@code path-only}) and request-targets in every form.
 */
class BalanceUriShortcutProperties {

  /** The same characters, not a String: {@link Balance#keyRange} takes the character loop. */
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

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> part = Arbitraries.of("/", "/a", "/tracks", "?", "?x=1", "&y=2", "/b?c", "http:", "//host",
        "https://h:8080", "*", "", "%2F", "#f", "/\u00e9");
    return Arbitraries.oneOf(part.list().ofMaxSize(8).map(l -> String.join("", l)),
        Arbitraries.strings().withChars("/?a:*#=&.").ofMaxLength(30));
  }

  @Property(tries = 2000, seed = "1203")
  void theStringShortcutTakesTheRangeOfTheLoop(@ForAll("targets") String target,
      @ForAll @IntRange(min = 0, max = 12) int len, @ForAll @IntRange(min = 0, max = 4) int depth,
      @ForAll boolean whole, @ForAll boolean pathOnly) {
    Balance b = Balance.uri();
    if (len > 0) {
      b = b.len(len);
    }
    if (depth > 0) {
      b = b.depth(depth);
    }
    if (whole) {
      b = b.whole();
    }
    if (pathOnly) {
      b = b.pathOnly();
    }
    Balance balance = b;
    assertEquals(balance.keyRange(new Wrapped(target)), balance.keyRange(target),
        () -> balance + " on \"" + target + "\"");
  }
}
