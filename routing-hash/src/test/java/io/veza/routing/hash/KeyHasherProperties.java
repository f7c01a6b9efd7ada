package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link KeyHashers} against hash4j's independent XXH3-64 / XXH64 over {@code String.getBytes(UTF_8)}: random
 * strings of every length 0..300 (every XXH3 size class: 0, 1-3, 4-8, 9-16, 17-128, 129-240, >240) mixing ASCII,
 * Latin-1, other BMP characters, surrogate pairs and unpaired surrogates; random byte arrays up to several
 * 1024-byte blocks; random seeds.
 */
class KeyHasherProperties {

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<Character> chars = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.chars().range((char) 0, (char) 0x7F)),
        net.jqwik.api.Tuple.of(2, Arbitraries.chars().range((char) 0x80, (char) 0x7FF)),
        net.jqwik.api.Tuple.of(2, Arbitraries.chars().range((char) 0x800, (char) 0xFFFF)), // incl. lone surrogates
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE)));
    Arbitrary<String> mixed = chars.list().ofMinSize(0).ofMaxSize(300)
        .map(l -> {
          StringBuilder b = new StringBuilder(l.size());
          l.forEach(b::append);
          return b.toString();
        });
    Arbitrary<String> withPairs = Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)
        .list().ofMaxSize(80)
        .flatMap(cps -> Arbitraries.strings().ascii().ofMaxLength(60).map(prefix -> {
          StringBuilder b = new StringBuilder(prefix);
          cps.forEach(b::appendCodePoint);
          return b.toString();
        }));
    Arbitrary<String> ascii = Arbitraries.strings().ascii().ofMinLength(0).ofMaxLength(300);
    return Arbitraries.oneOf(mixed, withPairs, ascii);
  }

  @Property(tries = 1000)
  void xxh3OfCharsIsXxh3OfUtf8Bytes(@ForAll("keys") String key, @ForAll long seed) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    assertEquals(Hashing.xxh3_64().hashBytesToLong(utf8), KeyHashers.xxh3().hash(key));
    assertEquals(Hashing.xxh3_64(seed).hashBytesToLong(utf8), KeyHashers.xxh3(seed).hash(key));
    assertEquals(KeyHashers.xxh3(seed).hash(utf8), KeyHashers.xxh3(seed).hash(new StringBuilder(key)));
  }

  @Property(tries = 1000)
  void xxh64OfCharsIsXxh64OfUtf8Bytes(@ForAll("keys") String key, @ForAll long seed) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    assertEquals(Hashing.xxh64().hashBytesToLong(utf8), KeyHashers.xxh64().hash(key));
    assertEquals(Hashing.xxh64(seed).hashBytesToLong(utf8), KeyHashers.xxh64(seed).hash(key));
    assertEquals(KeyHashers.xxh64(seed).hash(utf8), KeyHashers.xxh64(seed).hash(new StringBuilder(key)));
  }

  /**
   * {@code hash(key, from, to)} is the hash of the UTF-8 bytes of {@code key.substring(from, to)} for random ranges
   * of random keys (ASCII, Latin-1, BMP, surrogate pairs cut by the range ends, lengths past the 256-char scratch),
   * for a {@code String} (scratch copy) and a {@code StringBuilder} (on-the-fly reader) source, both functions.
   */
  @Property(tries = 1000)
  void rangeIsTheHashOfTheSubstring(@ForAll("keys") String key, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100_000) int a, @ForAll @IntRange(min = 0, max = 100_000) int b) {
    int from = a % (key.length() + 1);
    int to = from + b % (key.length() - from + 1);
    byte[] utf8 = key.substring(from, to).getBytes(StandardCharsets.UTF_8);
    StringBuilder builder = new StringBuilder(key);
    long xxh3 = Hashing.xxh3_64(seed).hashBytesToLong(utf8);
    assertEquals(xxh3, KeyHashers.xxh3(seed).hash(key, from, to));
    assertEquals(xxh3, KeyHashers.xxh3(seed).hash(builder, from, to));
    long xxh64 = Hashing.xxh64(seed).hashBytesToLong(utf8);
    assertEquals(xxh64, KeyHashers.xxh64(seed).hash(key, from, to));
    assertEquals(xxh64, KeyHashers.xxh64(seed).hash(builder, from, to));
  }

  /**
   * {@code hashUntil(key, from, to, stop)} is {@code hash(key, from, end)} with {@code end} the first {@code stop} in
   * {@code [from, to)} (or {@code to}): stops that occur (ASCII or not) and stops that do not, before and after
   * non-ASCII chars, for a {@code String} (one-pass scratch copy) and a {@code StringBuilder} (search, then the
   * reader), both functions, and for a hasher that keeps the interface's default method.
   */
  @Property(tries = 1000)
  void untilIsTheRangeUpToTheStop(@ForAll("keys") String key, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100_000) int a, @ForAll @IntRange(min = 0, max = 100_000) int b,
      @ForAll @IntRange(min = -1, max = 400) int stopAt, @ForAll("stops") char otherStop) {
    int from = a % (key.length() + 1);
    int to = from + b % (key.length() - from + 1);
    // half the time a char the key has (maybe several times, maybe outside the range), else some other char
    char stop = stopAt >= 0 && stopAt < key.length() ? key.charAt(stopAt) : otherStop;
    int end = from;
    while (end < to && key.charAt(end) != stop) {
      end++;
    }
    StringBuilder builder = new StringBuilder(key);
    for (KeyHasher h : new KeyHasher[] {KeyHashers.xxh3(seed), KeyHashers.xxh64(seed)}) {
      long expected = h.hash(key, from, end);
      assertEquals(expected, h.hashUntil(key, from, to, stop), () -> h + " on " + key);
      assertEquals(expected, h.hashUntil(builder, from, to, stop), () -> h + " on a StringBuilder");
      assertEquals(expected, delegating(h).hashUntil(key, from, to, stop), () -> "default method of " + h);
    }
  }

  @Provide
  Arbitrary<Character> stops() {
    return Arbitraries.of('?', '&', '/', '\u00e9', '\u4e2d', (char) 0xD800, 'a', '\0');
  }

  /** A hasher that does not override {@link KeyHasher#hashUntil}: the interface's default method is what runs. */
  private static KeyHasher delegating(KeyHasher h) {
    return new KeyHasher() {
      @Override
      public long hash(CharSequence key) {
        return h.hash(key);
      }

      @Override
      public long hash(CharSequence key, int from, int to) {
        return h.hash(key, from, to);
      }

      @Override
      public long hash(byte[] key) {
        return h.hash(key);
      }

      @Override
      public long hash(byte[] key, int offset, int length) {
        return h.hash(key, offset, length);
      }

      @Override
      public long hash(ByteBuffer key) {
        return h.hash(key);
      }
    };
  }

  /** Every bad range throws {@link IndexOutOfBoundsException}, as {@code subSequence} does. */
  @Property(tries = 300)
  void badRangesThrow(@ForAll("keys") String key, @ForAll int from, @ForAll int to) {
    Assume.that(from < 0 || to > key.length() || from > to);
    assertThrows(IndexOutOfBoundsException.class, () -> key.subSequence(from, to));
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh3().hash(key, from, to));
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh64().hash(new StringBuilder(key), from, to));
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh3().hashUntil(key, from, to, '?'));
    assertThrows(IndexOutOfBoundsException.class,
        () -> KeyHashers.xxh64().hashUntil(new StringBuilder(key), from, to, '?'));
    assertThrows(IndexOutOfBoundsException.class, () -> delegating(KeyHashers.xxh3()).hashUntil(key, from, to, '?'));
  }

  /** Every length 0..300 explicitly, so every XXH3 size class and every tail length is hit. */
  @Property(tries = 1000)
  void everyLengthOfEveryKind(@ForAll @IntRange(min = 0, max = 300) int length, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 3) int kind) {
    StringBuilder b = new StringBuilder(length);
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    while (b.length() < length) {
      switch (kind) {
        case 0 -> b.append((char) random.nextInt(0x80));
        case 1 -> b.append((char) random.nextInt(0x80, 0x800));
        case 2 -> b.appendCodePoint(random.nextInt(0x10000, Character.MAX_CODE_POINT + 1));
        default -> b.append((char) random.nextInt(0x10000)); // anything, incl. unpaired surrogates
      }
    }
    String key = b.toString();
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    assertEquals(Hashing.xxh3_64(seed).hashBytesToLong(utf8), KeyHashers.xxh3(seed).hash(key));
    assertEquals(Hashing.xxh64(seed).hashBytesToLong(utf8), KeyHashers.xxh64(seed).hash(key));
  }

  /** Long non-ASCII strings: several 1024-byte XXH3 blocks (scrambles) and long XXH64 inputs through the UTF-8 reader. */
  @Property(tries = 1000)
  void longNonAsciiStrings(@ForAll @IntRange(min = 241, max = 2500) int length, @ForAll long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    StringBuilder b = new StringBuilder(length);
    while (b.length() < length) {
      int kind = random.nextInt(4);
      if (kind == 0) {
        b.append((char) random.nextInt(0x80));
      } else if (kind == 1) {
        b.append((char) random.nextInt(0x80, 0x800));
      } else if (kind == 2) {
        b.appendCodePoint(random.nextInt(0x10000, Character.MAX_CODE_POINT + 1));
      } else {
        b.append((char) random.nextInt(0x800, 0x10000));
      }
    }
    String key = b.toString();
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    assertEquals(Hashing.xxh3_64(seed).hashBytesToLong(utf8), KeyHashers.xxh3(seed).hash(key));
    assertEquals(Hashing.xxh64(seed).hashBytesToLong(utf8), KeyHashers.xxh64(seed).hash(key));
  }

  @Property(tries = 1000)
  void bytesAndBuffersMatchHash4j(@ForAll @Size(max = 5000) byte[] key, @ForAll long seed) {
    check(Hashing.xxh3_64(seed), KeyHashers.xxh3(seed), key);
    check(Hashing.xxh64(seed), KeyHashers.xxh64(seed), key);
  }

  private static void check(Hasher64 reference, KeyHasher hasher, byte[] key) {
    long expected = reference.hashBytesToLong(key);
    assertEquals(expected, hasher.hash(key));
    byte[] shifted = new byte[key.length + 5];
    System.arraycopy(key, 0, shifted, 5, key.length);
    assertEquals(expected, hasher.hash(shifted, 5, key.length));
    ByteBuffer direct = ByteBuffer.allocateDirect(key.length + 5).position(5);
    direct.put(key).flip().position(5);
    assertEquals(expected, hasher.hash(direct));
    assertEquals(5, direct.position());
  }
}
