package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code balance uri}'s key hash on the request path ({@link Balance#keyHash}: for a {@code String} request-target
 * without a depth limit, {@code KeyHasher.hashUntil} finds the {@code '?'} while it checks the chars) equals the hash
 * of the range the character loop of {@link Balance#keyRange} finds, for a {@code String} and for any other
 * {@code CharSequence}: for every option combination ({@code len}, {@code depth}, {@code whole}, {@code path-only})
 * and request-targets in every form.
 */
class BalanceUriShortcutProperties {

  /** The same characters, not a String: {@link Balance#keyHash} takes {@link Balance#keyRange}. */
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
  void theRequestPathHashesTheRangeOfTheLoop(@ForAll("targets") String target,
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
    long loop = balance.keyRange(target);
    assertEquals(loop, balance.keyRange(new Wrapped(target)), () -> balance + " on \"" + target + "\"");
    KeyHasher xxh3 = KeyHashers.xxh3();
    long expected = loop == Balance.NO_KEY ? NO_KEY : xxh3.hash(target, Balance.from(loop), Balance.to(loop));
    assertEquals(expected, balance.keyHash(target, xxh3, NO_KEY), () -> balance + " hashing \"" + target + "\"");
    assertEquals(expected, balance.keyHash(new Wrapped(target), xxh3, NO_KEY), () -> balance + " on a wrapper");
    // a real hash equal to the "no key" value is moved off it, both ways
    KeyHasher constant = new FixedHasher(NO_KEY);
    long moved = loop == Balance.NO_KEY ? NO_KEY : NO_KEY + 1;
    assertEquals(moved, balance.keyHash(target, constant, NO_KEY));
    assertEquals(moved, balance.keyHash(new Wrapped(target), constant, NO_KEY));
  }

  private static final long NO_KEY = Long.MIN_VALUE;

  /** Every key hashes to one value. */
  record FixedHasher(long value) implements KeyHasher {
    @Override
    public long hash(CharSequence key) {
      return value;
    }

    @Override
    public long hash(CharSequence key, int from, int to) {
      return value;
    }

    @Override
    public long hash(byte[] key) {
      return value;
    }

    @Override
    public long hash(byte[] key, int offset, int length) {
      return value;
    }

    @Override
    public long hash(java.nio.ByteBuffer key) {
      return value;
    }
  }
}
