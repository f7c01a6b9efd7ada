package io.veza.routing.bench.compare;

/** 64-bit finalisers shared by the comparison algorithms. */
final class Mix {
  private Mix() {}

  /** SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijection with full avalanche. */
  static long splitMix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** MurmurHash3's 64-bit finaliser {@code fmix64}. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
