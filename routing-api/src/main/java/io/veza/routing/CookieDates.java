package io.veza.routing;

/**
 * HAProxy's cookie date encoding: a 30-bit value written as 5 characters of the standard base64 alphabet
 * ({@code A-Z a-z 0-9 + /}), most significant 6 bits first, without padding.
 *
 * <p>A date is the UNIX time in 4-second quanta, rounded up: HAProxy emits {@code s30tob64((date.tv_sec+3) >> 2)}
 * ({@code src/http_ana.c}, {@code http_process_res_common}, insert path) and reads back {@code b64tos30(p) << 2}
 * ({@code http_manage_client_side_cookies}). The codec itself is {@code s30tob64} / {@code b64tos30} in HAProxy's
 * {@code src/base64.c}: decoding rejects (returns -1 for) any character outside the alphabet, including the
 * padding character {@code '='}. Example: 1700000000 encodes as {@code ZVPxA}.
 *
 * <p>All methods are static, allocation-free (except {@link #encode(long)}) and thread-safe. O(1).
 */
final class CookieDates {

  /** Number of characters of an encoded date. */
  static final int LENGTH = 5;

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  /** Reverse table for chars 0..127; -1 = not in the alphabet. */
  private static final byte[] REVERSE = new byte[128];

  static {
    java.util.Arrays.fill(REVERSE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      REVERSE[ALPHABET[i]] = (byte) i;
    }
  }

  private CookieDates() {}

  /**
   * HAProxy {@code s30tob64}: writes the low 30 bits of {@code value} as 5 base64 chars at {@code out[off..off+5)}.
   */
  static void s30tob64(int value, char[] out, int off) {
    int in = value;
    for (int i = 0; i < LENGTH; i++) {
      out[off + i] = ALPHABET[(in >>> 24) & 0x3F];
      in <<= 6;
    }
  }

  /**
   * HAProxy {@code b64tos30}: decodes 5 chars at {@code s[off..off+5)}; returns -1 if any char is not in the
   * standard base64 alphabet (padding included). The caller guarantees 5 chars are available.
   */
  static int b64tos30(CharSequence s, int off) {
    int out = 0;
    for (int i = 0; i < LENGTH; i++) {
      char c = s.charAt(off + i);
      if (c >= 128) {
        return -1;
      }
      int b = REVERSE[c];
      if (b < 0) {
        return -1;
      }
      out = (out << 6) + b;
    }
    return out;
  }

  /** The quantum HAProxy writes for {@code unixSeconds}: {@code (seconds + 3) >> 2}, i.e. seconds/4 rounded up. */
  static int quantum(long unixSeconds) {
    return (int) ((unixSeconds + 3) >> 2);
  }

  /** Convenience for tests and tools: the 5-char date HAProxy emits at {@code unixSeconds}. Allocates. */
  static String encode(long unixSeconds) {
    char[] out = new char[LENGTH];
    s30tob64(quantum(unixSeconds), out, 0);
    return new String(out);
  }
}
