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

import static io.veza.routing.hash.Xxh3.PRIME64_1;
import static io.veza.routing.hash.Xxh3.PRIME64_2;
import static io.veza.routing.hash.Xxh3.PRIME64_3;
import static io.veza.routing.hash.Xxh3.PRIME64_4;
import static io.veza.routing.hash.Xxh3.PRIME64_5;

/** XXH64 ({@code XXH64(input, len, seed)}, xxHash 0.8), over {@link ByteAccess}. */
final class Xxh64 extends Utf8KeyHasher {

  private final long seed;

  Xxh64(long seed) {
    this.seed = seed;
  }

  @Override
  public String toString() {
    return "XXH64(seed=" + seed + ")";
  }

  @Override
  <T> long hash(T in, long p, long len, ByteAccess<T> a) {
    long h;
    long c = p;
    long left = len;
    if (len >= 32) {
      long v1 = seed + PRIME64_1 + PRIME64_2;
      long v2 = seed + PRIME64_2;
      long v3 = seed;
      long v4 = seed - PRIME64_1;
      do {
        v1 = round(v1, a.i64(in, c));
        c = a.skip(in, c, 8);
        v2 = round(v2, a.i64(in, c));
        c = a.skip(in, c, 8);
        v3 = round(v3, a.i64(in, c));
        c = a.skip(in, c, 8);
        v4 = round(v4, a.i64(in, c));
        c = a.skip(in, c, 8);
        left -= 32;
      } while (left >= 32);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + PRIME64_5;
    }
    h += len;
    while (left >= 8) {
      h ^= round(0, a.i64(in, c));
      h = Long.rotateLeft(h, 27) * PRIME64_1 + PRIME64_4;
      c = a.skip(in, c, 8);
      left -= 8;
    }
    if (left >= 4) {
      h ^= a.u32(in, c) * PRIME64_1;
      h = Long.rotateLeft(h, 23) * PRIME64_2 + PRIME64_3;
      c = a.skip(in, c, 4);
      left -= 4;
    }
    while (left > 0) {
      h ^= a.u8(in, c) * PRIME64_5;
      h = Long.rotateLeft(h, 11) * PRIME64_1;
      c = a.skip(in, c, 1);
      left--;
    }
    return avalanche(h);
  }

  private static long round(long acc, long input) {
    acc += input * PRIME64_2;
    acc = Long.rotateLeft(acc, 31);
    return acc * PRIME64_1;
  }

  private static long mergeRound(long acc, long val) {
    acc ^= round(0, val);
    return acc * PRIME64_1 + PRIME64_4;
  }

  /** {@code XXH64_avalanche}, also used by XXH3 for 0..3-byte inputs. */
  static long avalanche(long h) {
    h ^= h >>> 33;
    h *= PRIME64_2;
    h ^= h >>> 29;
    h *= PRIME64_3;
    return h ^ (h >>> 32);
  }
}
