package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** HAProxy's 5-char base64 date encoding (src/base64.c s30tob64 / b64tos30). */
class CookieDatesProperties {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  @Example
  void haproxyExample() {
    assertEquals("ZVPxA", CookieDates.encode(1_700_000_000L));
    assertEquals(425_000_000, CookieDates.b64tos30("ZVPxA", 0));
    assertEquals("AAAAA", CookieDates.encode(0));
    assertEquals("AAAAB", CookieDates.encode(1), "rounded up to the next 4-second quantum");
    assertEquals("AAAAB", CookieDates.encode(4));
    assertEquals("AAAAC", CookieDates.encode(5));
    assertEquals((1 << 30) - 1, CookieDates.b64tos30("/////", 0));
  }

  @Property(tries = 5000, seed = "7401")
  void roundTripsEvery30BitValue(@ForAll @IntRange(min = 0, max = (1 << 30) - 1) int v) {
    char[] out = new char[5];
    CookieDates.s30tob64(v, out, 0);
    assertEquals(v, CookieDates.b64tos30(new String(out), 0));
  }

  /** Exhaustive over all 2^30 values when -Dveza.exhaustive=true (a few seconds per billion; opt-in). */
  @Example
  void exhaustiveRoundTripWhenRequested() {
    long limit = Boolean.getBoolean("veza.exhaustive") ? 1L << 30 : 1 << 16;
    char[] out = new char[5];
    java.nio.CharBuffer view = java.nio.CharBuffer.wrap(out);
    for (long v = 0; v < limit; v++) {
      CookieDates.s30tob64((int) v, out, 0);
      if (CookieDates.b64tos30(view, 0) != v) {
        throw new AssertionError("round trip failed at " + v);
      }
    }
  }

  @Property(seed = "7402")
  void everyValidStringDecodesAndReencodesToItself(@ForAll("dates") String s) {
    char[] out = new char[5];
    CookieDates.s30tob64(CookieDates.b64tos30(s, 0), out, 0);
    assertEquals(s, new String(out));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> dates() {
    return net.jqwik.api.Arbitraries.strings().withChars(ALPHABET).ofLength(5);
  }

  @Property(seed = "7403")
  void anyCharacterOutsideTheAlphabetIsRejected(@ForAll("dates") String s, @ForAll @IntRange(max = 4) int pos,
      @ForAll char bad) {
    net.jqwik.api.Assume.that(ALPHABET.indexOf(bad) < 0);
    String t = s.substring(0, pos) + bad + s.substring(pos + 1);
    assertEquals(-1, CookieDates.b64tos30(t, 0), () -> "accepted " + t);
  }

  @Property(seed = "7404")
  void encodingIsSecondsOverFourRoundedUp(@ForAll @LongRange(min = 0, max = 4_294_967_295L) long seconds) {
    int v = CookieDates.b64tos30(CookieDates.encode(seconds), 0);
    long decoded = (v << 2) & 0xFFFFFFFFL;
    long expected = ((seconds + 3) / 4 * 4) & ((1L << 32) - 1);
    assertEquals(expected & 0xFFFFFFFFL, decoded);
  }

  @Property(seed = "7405")
  void decodingNeverThrowsOnFiveChars(@ForAll @StringLength(5) String s) {
    int v = CookieDates.b64tos30(s, 0);
    assertEquals(true, v >= -1 && v < (1 << 30));
  }
}
