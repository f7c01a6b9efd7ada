/*
 * Derived from xxHash, https://github.com/Cyan4973/xxHash (xxhash.h, version 0.8), by Yann Collet.
 * xxHash Library, Copyright (C) 2012-2021 Yann Collet. All rights reserved.
 * BSD 2-Clause License (https://www.opensource.org/licenses/bsd-license.php):
 *
 * Redistribution and use in source and binary forms, with or without modification, are permitted provided that
 * the following conditions are met:
 *
 *  * Redistributions of source code must retain the above copyright notice, this list of conditions and the
 *    following disclaimer.
 *  * Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the
 *    following disclaimer in the documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED
 * WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
 * PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR ANY
 * DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
 * PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR
 * OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH
 * DAMAGE.
 *
 * This Java transliteration is part of Veza Routing; see the NOTICE file.
 */
package io.veza.routing.hash;

/**
 * XXH3 64-bit ({@code XXH3_64bits_withSeed}, xxHash 0.8), written once over {@link ByteAccess} so arrays, buffers
 * and UTF-8 encoded characters share the code. Transliterated from the scalar code paths of {@code xxhash.h}.
 */
final class Xxh3 extends Utf8KeyHasher {

  static final long PRIME32_1 = 0x9E3779B1L;
  static final long PRIME32_2 = 0x85EBCA77L;
  static final long PRIME32_3 = 0xC2B2AE3DL;
  static final long PRIME64_1 = 0x9E3779B185EBCA87L;
  static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
  static final long PRIME64_3 = 0x165667B19E3779F9L;
  static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
  static final long PRIME64_5 = 0x27D4EB2F165667C5L;

  private static final int SECRET_SIZE = 192;
  private static final int STRIPES_PER_BLOCK = (SECRET_SIZE - 64) / 8; // 16
  private static final int SCRAMBLE_OFFSET = SECRET_SIZE - 64; // 128
  private static final int LAST_STRIPE_OFFSET = SECRET_SIZE - 64 - 7; // 121
  private static final int MERGE_OFFSET = 11;

  /** {@code XXH3_kSecret}. */
  static final byte[] K_SECRET = bytes(
      0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
      0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
      0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
      0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
      0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
      0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
      0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
      0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
      0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
      0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
      0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
      0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e);

  private final long seed;
  /** Secret for inputs over 240 bytes: {@code XXH3_initCustomSecret(seed)} (equal to kSecret for seed 0). */
  private final byte[] secret;
  // Per-seed constants of the short paths.
  private final long bitflip0;
  private final long bitflip1to3;
  private final long bitflip4to8;
  private final long bitflip9to16lo;
  private final long bitflip9to16hi;

  Xxh3(long seed) {
    this.seed = seed;
    this.secret = new byte[SECRET_SIZE];
    for (int i = 0; i < SECRET_SIZE; i += 16) {
      putLong(secret, i, k(i) + seed);
      putLong(secret, i + 8, k(i + 8) - seed);
    }
    this.bitflip0 = seed ^ (k(56) ^ k(64));
    this.bitflip1to3 = ((ByteAccess.arrayU32(K_SECRET, 0) ^ ByteAccess.arrayU32(K_SECRET, 4))) + seed;
    long seed4to8 = seed ^ ((Integer.reverseBytes((int) seed) & 0xFFFFFFFFL) << 32);
    this.bitflip4to8 = (k(8) ^ k(16)) - seed4to8;
    this.bitflip9to16lo = (k(24) ^ k(32)) + seed;
    this.bitflip9to16hi = (k(40) ^ k(48)) - seed;
  }

  /** Adds the optimistic 17..128-char reader to the general path (non-{@code String} sequences, non-ASCII). */
  @Override
  long hashChars(CharSequence key) {
    int n = key.length();
    if (n > 16 && n <= 128) {
      return chars17to128(key, n);
    }
    return super.hashChars(key);
  }

  @Override
  public String toString() {
    return "XXH3_64bits_withSeed(seed=" + seed + ")";
  }

  @Override
  <T> long hash(T in, long p, long len, ByteAccess<T> a) {
    if (len <= 16) {
      if (len > 8) {
        long lo = a.i64(in, p) ^ bitflip9to16lo;
        long hi = a.i64(in, a.skip(in, p, len - 8)) ^ bitflip9to16hi;
        long acc = len + Long.reverseBytes(lo) + hi + mul128Fold64(lo, hi);
        return avalanche(acc);
      }
      if (len >= 4) {
        long input1 = a.u32(in, p);
        long input2 = a.u32(in, a.skip(in, p, len - 4));
        long input64 = input2 + (input1 << 32);
        return rrmxmx(input64 ^ bitflip4to8, len);
      }
      if (len > 0) {
        int c1 = a.u8(in, p);
        int c2 = a.u8(in, a.skip(in, p, len >>> 1));
        int c3 = a.u8(in, a.skip(in, p, len - 1));
        long combined = ((long) c1 << 16) | ((long) c2 << 24) | c3 | (len << 8);
        return Xxh64.avalanche(combined ^ bitflip1to3);
      }
      return Xxh64.avalanche(bitflip0);
    }
    if (len <= 128) {
      return len17to128(in, p, len, a);
    }
    if (len <= 240) {
      return len129to240(in, p, len, a);
    }
    return hashLong(in, p, len, a);
  }

  private <T> long len17to128(T in, long p, long len, ByteAccess<T> a) {
    long acc = len * PRIME64_1;
    // Blocks from the front at 0, 16, 32, 48 and from the back at len-16, len-32, ...; addition commutes, so
    // the two runs are read forward (cheap for UTF-8 cursors).
    int pairs = len > 96 ? 4 : len > 64 ? 3 : len > 32 ? 2 : 1;
    long front = p;
    long back = a.skip(in, p, len - 16L * pairs);
    for (int i = 0; i < pairs; i++) {
      acc += mix16B(a, in, front, 32 * i);
      acc += mix16B(a, in, back, 32 * (pairs - 1 - i) + 16);
      front = a.skip(in, front, 16);
      back = a.skip(in, back, 16);
    }
    return avalanche(acc);
  }

  /**
   * The 17..128-byte path for characters, optimistic: reads the chars as ASCII bytes, four per 16-bit-lane word, and
   * checks afterwards (every char is read at least once) that none was {@code >= 0x80}; otherwise hashes the UTF-8
   * encoding through the general path. Saves the separate ASCII scan on the common case (UUID track ids).
   */
  private long chars17to128(CharSequence s, int len) {
    long acc = len * PRIME64_1;
    int pairs = len > 96 ? 4 : len > 64 ? 3 : len > 32 ? 2 : 1;
    int back = len - 16 * pairs;
    long seen = 0;
    for (int i = 0; i < pairs; i++) {
      int f = 16 * i;
      long f0 = quad(s, f);
      long f1 = quad(s, f + 4);
      long f2 = quad(s, f + 8);
      long f3 = quad(s, f + 12);
      int b = back + 16 * i;
      long b0 = quad(s, b);
      long b1 = quad(s, b + 4);
      long b2 = quad(s, b + 8);
      long b3 = quad(s, b + 12);
      seen |= f0 | f1 | f2 | f3 | b0 | b1 | b2 | b3;
      int fs = 32 * i;
      int bs = 32 * (pairs - 1 - i) + 16;
      acc += mul128Fold64((pack(f0) | pack(f1) << 32) ^ (k(fs) + seed), (pack(f2) | pack(f3) << 32) ^ (k(fs + 8) - seed));
      acc += mul128Fold64((pack(b0) | pack(b1) << 32) ^ (k(bs) + seed), (pack(b2) | pack(b3) << 32) ^ (k(bs + 8) - seed));
    }
    if ((seen & 0xFF80FF80FF80FF80L) != 0) {
      int ascii = ByteAccess.asciiPrefix(s);
      return hash(s, 0, ByteAccess.utf8Length(s, ascii), ByteAccess.UTF8);
    }
    return avalanche(acc);
  }

  /** Chars {@code i..i+3} in 16-bit lanes. */
  private static long quad(CharSequence s, int i) {
    return s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32 | (long) s.charAt(i + 3) << 48;
  }

  /** Low bytes of the four 16-bit lanes of {@code q}, as 4 little-endian bytes. */
  private static long pack(long q) {
    return (q & 0xFFL) | (q >>> 8 & 0xFF00L) | (q >>> 16 & 0xFF0000L) | (q >>> 24 & 0xFF000000L);
  }

  private <T> long len129to240(T in, long p, long len, ByteAccess<T> a) {
    long acc = len * PRIME64_1;
    int rounds = (int) len / 16;
    long c = p;
    for (int i = 0; i < 8; i++) {
      acc += mix16B(a, in, c, 16 * i);
      c = a.skip(in, c, 16);
    }
    acc = avalanche(acc);
    for (int i = 8; i < rounds; i++) {
      acc += mix16B(a, in, c, 16 * (i - 8) + 3);
      c = a.skip(in, c, 16);
    }
    // c is at 16 * rounds >= len - 15, so step back from the last full block's start.
    long last = a.skip(in, p, len - 16);
    acc += mix16B(a, in, last, 136 - 17);
    return avalanche(acc);
  }

  private <T> long mix16B(ByteAccess<T> a, T in, long c, int secretOffset) {
    long lo = a.i64(in, c);
    long hi = a.i64(in, a.skip(in, c, 8));
    return mul128Fold64(lo ^ (k(secretOffset) + seed), hi ^ (k(secretOffset + 8) - seed));
  }

  private <T> long hashLong(T in, long p, long len, ByteAccess<T> a) {
    final byte[] s = secret;
    long acc0 = PRIME32_3;
    long acc1 = PRIME64_1;
    long acc2 = PRIME64_2;
    long acc3 = PRIME64_3;
    long acc4 = PRIME64_4;
    long acc5 = PRIME32_2;
    long acc6 = PRIME64_5;
    long acc7 = PRIME32_1;
    long blocks = (len - 1) / (64L * STRIPES_PER_BLOCK);
    long stripes = blocks * STRIPES_PER_BLOCK + ((len - 1) - 64L * STRIPES_PER_BLOCK * blocks) / 64;
    long c = p;
    long lastStripe = 0;
    int stripeInBlock = 0;
    for (long stripe = 0; stripe <= stripes; stripe++) {
      long r;
      int so;
      if (stripe < stripes) {
        if (stripe == stripes - 1) {
          // The last stripe is the final 64 bytes, which start inside this (last regular) stripe.
          lastStripe = a.skip(in, c, len - 64 * stripes);
        }
        r = c;
        so = 8 * stripeInBlock;
      } else {
        r = lastStripe;
        so = LAST_STRIPE_OFFSET;
      }
      long d;
      long dk;
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so);
      acc1 += d;
      acc0 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 8);
      acc0 += d;
      acc1 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 16);
      acc3 += d;
      acc2 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 24);
      acc2 += d;
      acc3 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 32);
      acc5 += d;
      acc4 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 40);
      acc4 += d;
      acc5 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 48);
      acc7 += d;
      acc6 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      r = a.skip(in, r, 8);
      d = a.i64(in, r);
      dk = d ^ ByteAccess.arrayI64(s, so + 56);
      acc6 += d;
      acc7 += (dk & 0xFFFFFFFFL) * (dk >>> 32);
      if (stripe < stripes) {
        c = a.skip(in, r, 8);
        if (++stripeInBlock == STRIPES_PER_BLOCK) {
          stripeInBlock = 0;
          acc0 = scramble(acc0, s, SCRAMBLE_OFFSET);
          acc1 = scramble(acc1, s, SCRAMBLE_OFFSET + 8);
          acc2 = scramble(acc2, s, SCRAMBLE_OFFSET + 16);
          acc3 = scramble(acc3, s, SCRAMBLE_OFFSET + 24);
          acc4 = scramble(acc4, s, SCRAMBLE_OFFSET + 32);
          acc5 = scramble(acc5, s, SCRAMBLE_OFFSET + 40);
          acc6 = scramble(acc6, s, SCRAMBLE_OFFSET + 48);
          acc7 = scramble(acc7, s, SCRAMBLE_OFFSET + 56);
        }
      }
    }
    long result = len * PRIME64_1;
    result += mul128Fold64(acc0 ^ ByteAccess.arrayI64(s, MERGE_OFFSET), acc1 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 8));
    result += mul128Fold64(acc2 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 16), acc3 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 24));
    result += mul128Fold64(acc4 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 32), acc5 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 40));
    result += mul128Fold64(acc6 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 48), acc7 ^ ByteAccess.arrayI64(s, MERGE_OFFSET + 56));
    return avalanche(result);
  }

  private static long scramble(long acc, byte[] s, int offset) {
    acc ^= acc >>> 47;
    acc ^= ByteAccess.arrayI64(s, offset);
    return acc * PRIME32_1;
  }

  private static long k(int offset) {
    return ByteAccess.arrayI64(K_SECRET, offset);
  }

  /** Low xor high half of the unsigned 128-bit product ({@code XXH3_mul128_fold64}). */
  static long mul128Fold64(long a, long b) {
    long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a); // unsigned high (Java 17 baseline)
    return (a * b) ^ hi;
  }

  static long avalanche(long h) {
    h ^= h >>> 37;
    h *= 0x165667919E3779F9L;
    return h ^ (h >>> 32);
  }

  static long rrmxmx(long h, long len) {
    h ^= Long.rotateLeft(h, 49) ^ Long.rotateLeft(h, 24);
    h *= 0x9FB21C651E98DF25L;
    h ^= (h >>> 35) + len;
    h *= 0x9FB21C651E98DF25L;
    return h ^ (h >>> 28);
  }

  private static void putLong(byte[] b, int offset, long v) {
    for (int i = 0; i < 8; i++) {
      b[offset + i] = (byte) (v >>> (8 * i));
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
