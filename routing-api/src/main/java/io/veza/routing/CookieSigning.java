package io.veza.routing;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Signed persistence cookies (opt-in, beyond HAProxy): the cookie value carries an HMAC-SHA256 tag so that a client
 * cannot pin itself to a server of its choosing by writing {@code SERVERID=s3} into its cookie jar.
 *
 * <p>Format: the signed part of the value is followed by {@code '.'} and a 22-character base64url tag (no
 * padding): the first 128 bits of {@code HMAC-SHA256(key, NAME "=" signedPart)} (RFC 2104; truncation to half the
 * output as RFC 2104 section 5 allows). The cookie name is covered so a value cannot be replayed under another
 * cookie name sharing the key. What is signed depends on the mode: in insert mode the whole {@code SRV|LAST|FIRST}
 * (so the dates of {@code maxidle}/{@code maxlife} cannot be refreshed by the client either), in rewrite mode
 * {@code SRV}, in prefix mode the server part before {@code '~'} ({@code SRV.tag~appvalue}).
 *
 * <p>Verification accepts the current key and, during a rotation, the previous key; new cookies are always signed
 * with the current key. A missing, malformed, forged or stale (unknown key) tag makes the cookie invalid: normal
 * balancing applies and a fresh cookie is issued, exactly like an unknown server value.
 *
 * <p>Immutable and thread-safe. Verification is allocation-free: the HMAC is computed with the RFC 2104
 * construction over a per-thread {@link MessageDigest} ({@code javax.crypto.Mac#doFinal} allocates its output);
 * the tests prove it bit-identical to {@code javax.crypto.Mac.getInstance("HmacSHA256")}.
 */
public final class CookieSigning {

  /** Minimum key length in bytes (128 bits). */
  public static final int MIN_KEY_BYTES = 16;

  /** Length of the encoded tag, in characters. */
  static final int TAG_CHARS = 22;

  /** The separator between the signed part and the tag. */
  static final char SEPARATOR = '.';

  private static final int BLOCK = 64;
  private static final byte IPAD = 0x36;
  private static final byte OPAD = 0x5c;
  private static final int TAG_BYTES = 16;
  private static final char[] B64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private final byte[] currentIpad;
  private final byte[] currentOpad;
  private final byte[] previousIpad; // null when no previous key
  private final byte[] previousOpad;
  private final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

  private CookieSigning(byte[] currentIpad, byte[] currentOpad, byte[] previousIpad, byte[] previousOpad) {
    this.currentIpad = currentIpad;
    this.currentOpad = currentOpad;
    this.previousIpad = previousIpad;
    this.previousOpad = previousOpad;
  }

  /**
   * HMAC-SHA256 signing with {@code currentKey} (at least {@value #MIN_KEY_BYTES} bytes; copied). Every gateway
   * instance of a pool must share the key.
   *
   * @param currentKey the secret that signs new cookies and verifies presented ones, at least
   *     {@value #MIN_KEY_BYTES} bytes; copied, so later changes to the array have no effect
   * @return the signing configuration, with no previous key
   * @throws IllegalArgumentException if {@code currentKey} is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static CookieSigning hmacSha256(byte[] currentKey) {
    byte[] k = checkKey("currentKey", currentKey);
    return new CookieSigning(pad(k, IPAD), pad(k, OPAD), null, null);
  }

  /**
   * The same current key, additionally accepting cookies signed with {@code previousKey} (key rotation: deploy the
   * new key as current with the old one as previous, wait at least the cookie lifetime, then drop the previous).
   *
   * @param previousKey the retired secret, still accepted for verification only, at least {@value #MIN_KEY_BYTES}
   *     bytes; copied
   * @return a new configuration with this one's current key and {@code previousKey} (replacing any previous key
   *     this one had); this one is unchanged
   * @throws IllegalArgumentException if {@code previousKey} is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public CookieSigning withPreviousKey(byte[] previousKey) {
    byte[] k = checkKey("previousKey", previousKey);
    return new CookieSigning(currentIpad, currentOpad, pad(k, IPAD), pad(k, OPAD));
  }

  /**
   * Whether a previous key is accepted.
   *
   * @return {@code true} if this configuration was made by {@link #withPreviousKey(byte[])}
   */
  public boolean hasPreviousKey() {
    return previousIpad != null;
  }

  private static byte[] checkKey(String field, byte[] key) {
    Objects.requireNonNull(key, field);
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          field + " must have at least " + MIN_KEY_BYTES + " bytes, was " + key.length + " bytes");
    }
    return key.clone();
  }

  private static byte[] pad(byte[] key, byte xor) {
    byte[] k = key;
    if (k.length > BLOCK) {
      k = sha256().digest(k); // RFC 2104: keys longer than the block are hashed first
    }
    byte[] out = Arrays.copyOf(k, BLOCK);
    for (int i = 0; i < BLOCK; i++) {
      out[i] ^= xor;
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * The {@value #TAG_CHARS}-char tag for {@code name=s[from,to)} under the current key. Allocates the result; used
   * on the response path only.
   */
  String tag(String name, CharSequence s, int from, int to) {
    State st = state.get();
    if (!st.mac(currentIpad, currentOpad, name, s, from, to)) {
      throw new IllegalArgumentException("cannot sign a value with non-Latin-1 characters");
    }
    return new String(st.tag, 0, TAG_CHARS);
  }

  /** {@code s[from,to)} followed by {@code '.'} and its tag. Allocates. */
  String sign(String name, String signedPart) {
    return signedPart + SEPARATOR + tag(name, signedPart, 0, signedPart.length());
  }

  /**
   * Whether {@code s[tagFrom, tagFrom+22)} is the tag of {@code name=s[from,to)} under the current or the previous
   * key. Allocation-free; never throws for in-range offsets. Constant-time comparison of the tag.
   */
  boolean verify(String name, CharSequence s, int from, int to, int tagFrom, int tagTo) {
    if (tagTo - tagFrom != TAG_CHARS || from < 0 || to < from || tagTo > s.length()) {
      return false;
    }
    State st = state.get();
    if (!st.mac(currentIpad, currentOpad, name, s, from, to)) {
      return false;
    }
    if (st.tagEquals(s, tagFrom)) {
      return true;
    }
    return previousIpad != null
        && st.mac(previousIpad, previousOpad, name, s, from, to)
        && st.tagEquals(s, tagFrom);
  }

  /** Per-thread scratch: digest, chunk buffer, digest outputs and encoded tag. */
  private static final class State {
    final MessageDigest digest = sha256();
    final byte[] chunk = new byte[256];
    final byte[] inner = new byte[32];
    final byte[] outer = new byte[32];
    final char[] tag = new char[TAG_CHARS];

    /** Computes the tag into {@link #tag}; false if the input has a char above 0xFF. */
    boolean mac(byte[] ipad, byte[] opad, String name, CharSequence s, int from, int to) {
      MessageDigest d = digest;
      d.reset();
      d.update(ipad);
      if (!feed(d, name, 0, name.length())) {
        return false;
      }
      d.update((byte) '=');
      if (!feed(d, s, from, to)) {
        return false;
      }
      try {
        d.digest(inner, 0, 32);
        d.update(opad);
        d.update(inner);
        d.digest(outer, 0, 32);
      } catch (DigestException e) {
        throw new IllegalStateException(e);
      }
      encodeTag();
      return true;
    }

    private boolean feed(MessageDigest d, CharSequence s, int from, int to) {
      int n = 0;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c > 0xFF) {
          d.reset();
          return false;
        }
        chunk[n++] = (byte) c;
        if (n == chunk.length) {
          d.update(chunk, 0, n);
          n = 0;
        }
      }
      d.update(chunk, 0, n);
      return true;
    }

    private void encodeTag() {
      int o = 0;
      int i = 0;
      while (i + 3 <= TAG_BYTES) {
        int v = (outer[i] & 0xFF) << 16 | (outer[i + 1] & 0xFF) << 8 | (outer[i + 2] & 0xFF);
        tag[o++] = B64URL[v >>> 18];
        tag[o++] = B64URL[(v >>> 12) & 0x3F];
        tag[o++] = B64URL[(v >>> 6) & 0x3F];
        tag[o++] = B64URL[v & 0x3F];
        i += 3;
      }
      int v = (outer[i] & 0xFF) << 16; // 16 bytes = 5*3 + 1: one byte left, two chars
      tag[o++] = B64URL[v >>> 18];
      tag[o] = B64URL[(v >>> 12) & 0x3F];
    }

    boolean tagEquals(CharSequence s, int off) {
      int diff = 0;
      for (int i = 0; i < TAG_CHARS; i++) {
        diff |= tag[i] ^ s.charAt(off + i);
      }
      return diff == 0;
    }
  }

  /** For tests: the raw key bytes are never exposed; equality is not defined (identity). */
  @Override
  public String toString() {
    return "CookieSigning[HMAC-SHA256, previousKey=" + hasPreviousKey() + "]";
  }
}
