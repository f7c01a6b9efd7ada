package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyHashers} against vectors from the xxHash reference implementation (libxxhash 0.8.1, cross-checked with
 * {@code xxhsum -H3/-H1}; generator {@code src/test/cpp/xxh_vectors.c}), through every input kind.
 */
class KeyHashersTest {

  static final long SEED_A = 42;
  static final long SEED_B = 0x9E3779B97F4A7C15L;

  record Vector(byte[] key, long xxh3, long xxh3SeedA, long xxh3SeedB, long xxh64, long xxh64SeedA) {}

  static List<Vector> vectors() throws IOException {
    List<Vector> vectors = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        KeyHashersTest.class.getResourceAsStream("xxh-vectors.txt"), StandardCharsets.US_ASCII))) {
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split(" ");
        byte[] key = f[0].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[0]);
        vectors.add(new Vector(key, parseHex(f[1]), parseHex(f[2]), parseHex(f[3]), parseHex(f[4]),
            parseHex(f[5])));
      }
    }
    return vectors;
  }

  private static long parseHex(String s) {
    return Long.parseUnsignedLong(s, 16);
  }

  @Test
  void matchesTheReferenceImplementationForEveryInputKind() throws IOException {
    List<Vector> vectors = vectors();
    boolean[] lengths = new boolean[301];
    int strings = 0;
    int nonAscii = 0;
    for (Vector v : vectors) {
      check(KeyHashers.xxh3(), v.key(), v.xxh3());
      check(KeyHashers.xxh3(SEED_A), v.key(), v.xxh3SeedA());
      check(KeyHashers.xxh3(SEED_B), v.key(), v.xxh3SeedB());
      check(KeyHashers.xxh64(), v.key(), v.xxh64());
      check(KeyHashers.xxh64(SEED_A), v.key(), v.xxh64SeedA());
      if (v.key().length <= 300) {
        lengths[v.key().length] = true;
      }
      String s = utf8OrNull(v.key());
      if (s != null) {
        strings++;
        nonAscii += s.chars().anyMatch(c -> c >= 0x80) ? 1 : 0;
        assertEquals(v.xxh3(), KeyHashers.xxh3().hash(s), s);
        assertEquals(v.xxh3(), KeyHashers.xxh3().hash(new StringBuilder(s)), s);
        assertEquals(v.xxh3SeedB(), KeyHashers.xxh3(SEED_B).hash(s), s);
        assertEquals(v.xxh64(), KeyHashers.xxh64().hash(s), s);
        assertEquals(v.xxh64(), KeyHashers.xxh64().hash(CharBuffer.wrap(s)), s);
      }
    }
    for (int n = 0; n <= 300; n++) {
      assertTrue(lengths[n], "no vector of length " + n);
    }
    assertTrue(vectors.stream().anyMatch(v -> v.key().length > 4096), "multi-block inputs");
    assertTrue(strings >= 13 && nonAscii >= 4, strings + " strings, " + nonAscii + " non-ASCII");
  }

  /** The README's table, produced by {@code src/test/cpp/readme_vectors.c} (libxxhash + the paper's jump code). */
  @Test
  void readmeVectors() {
    Object[][] rows = {
        // key, XXH3-64, XXH3-64 seed SEED_B, XXH64, bucket for n = 2, 3, 10
        {"", 0x2d06800538d394c2L, 0x602b0e2cd6662c8bL, 0xef46db3751d8e999L, 0, 0, 0},
        {"a", 0xe6c632b61e964e1fL, 0x7b013ec73230c3a1L, 0xd24ec4f1a98c6e5bL, 1, 1, 8},
        {"track-42", 0x1821295eab4dd0edL, 0xe0923a23cfe284d3L, 0x29a1d24419a8ef6aL, 1, 1, 6},
        {"3f2504e0-4f89-41d3-9a0c-0305e82c3301", 0x5b950c50bf78737fL, 0xedd04c2f188205b4L, 0xc1c458571da87539L,
            0, 2, 2},
        {"caf\u00e9", 0x4c83dbd5f29d367fL, 0x6fefb59cd9c709a6L, 0x9a40a9b974d85a6aL, 1, 2, 7},
    };
    for (Object[] r : rows) {
      String key = (String) r[0];
      long h = KeyHashers.xxh3().hash(key);
      assertEquals((long) r[1], h, key);
      assertEquals((long) r[2], KeyHashers.xxh3(SEED_B).hash(key), key);
      assertEquals((long) r[3], KeyHashers.xxh64().hash(key), key);
      assertEquals((int) r[4], JumpHash.bucket(h, 2), key);
      assertEquals((int) r[5], JumpHash.bucket(h, 3), key);
      assertEquals((int) r[6], JumpHash.bucket(h, 10), key);
      assertEquals((int) r[6], JumpSelector.allUsable(10).select(h), key);
    }
  }

  private static void check(KeyHasher hasher, byte[] key, long expected) {
    String what = hasher + " over " + key.length + " bytes";
    assertEquals(expected, hasher.hash(key), what);
    // Inside a larger array, at an odd offset.
    byte[] padded = new byte[key.length + 11];
    padded[0] = 0x55;
    System.arraycopy(key, 0, padded, 3, key.length);
    padded[padded.length - 1] = 0x66;
    assertEquals(expected, hasher.hash(padded, 3, key.length), what);
    // Heap, direct and read-only buffers, big-endian order, non-zero position and a limit before the end.
    ByteBuffer heap = ByteBuffer.wrap(padded, 3, key.length).order(ByteOrder.BIG_ENDIAN);
    assertEquals(expected, hasher.hash(heap), what);
    assertEquals(3, heap.position(), "position must not move");
    ByteBuffer direct = ByteBuffer.allocateDirect(padded.length);
    direct.put(padded).position(3).limit(3 + key.length);
    assertEquals(expected, hasher.hash(direct), what);
    assertEquals(3, direct.position());
    assertEquals(expected, hasher.hash(direct.asReadOnlyBuffer()), what);
    assertEquals(expected, hasher.hash(heap.asReadOnlyBuffer()), what);
    assertEquals(expected, hasher.hash(direct.slice().order(ByteOrder.LITTLE_ENDIAN)), what);
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Test
  void seedZeroIsTheUnseededHasher() {
    assertSame(KeyHashers.xxh3(), KeyHashers.xxh3(0));
    assertSame(KeyHashers.xxh64(), KeyHashers.xxh64(0));
  }

  @Test
  void rangeOutsideTheArrayThrows() {
    byte[] key = new byte[8];
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh3().hash(key, 4, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh3().hash(key, -1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> KeyHashers.xxh64().hash(key, 0, -1));
    assertThrows(NullPointerException.class, () -> KeyHashers.xxh3().hash((String) null));
  }

  /**
   * A {@code CharSequence} whose {@code charAt} itself hashes a range (re-entering on the same thread) still gets
   * the right values: the per-thread range view is not shared between the two calls.
   */
  @Test
  void reentrantRangeHashingIsCorrect() {
    String inner = "/tracks/\u00e9t\u00e9/master.m3u8";
    long innerExpected = KeyHashers.xxh3().hash(inner.substring(8, 12));
    long[] innerSeen = new long[1];
    CharSequence outer = new CharSequence() {
      private final String text = "0123456789";

      @Override
      public int length() {
        return text.length();
      }

      @Override
      public char charAt(int index) {
        innerSeen[0] = KeyHashers.xxh3().hash(new StringBuilder(inner), 8, 12);
        return text.charAt(index);
      }

      @Override
      public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
      }

      @Override
      public String toString() {
        return text;
      }
    };
    assertEquals(KeyHashers.xxh3().hash("2345"), KeyHashers.xxh3().hash(outer, 2, 6));
    assertEquals(innerExpected, innerSeen[0]);
  }
}
