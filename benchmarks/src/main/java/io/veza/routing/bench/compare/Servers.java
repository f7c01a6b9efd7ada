package io.veza.routing.bench.compare;

import com.dynatrace.hash4j.hashing.Hashing;

/** Server identities shared by every algorithm in the report, so they all see the same configuration. */
final class Servers {
  private Servers() {}

  /** The name that identifies server {@code i} (what HAProxy, nginx or ketama would hash). */
  static String name(int i) {
    return "backend-" + i + ":8080";
  }

  /** A 64-bit identity hash of server {@code i}'s name (XXH3-64 with the given seed over its UTF-16 chars). */
  static long nameHash(int i, long seed) {
    return Hashing.xxh3_64(seed).hashCharsToLong(name(i));
  }

  /** Indices of the servers that are up, ascending. */
  static int[] up(boolean[] down) {
    int count = 0;
    for (boolean d : down) {
      if (!d) {
        count++;
      }
    }
    if (count == 0) {
      throw new IllegalArgumentException("at least one server must be up, was 0 of " + down.length);
    }
    int[] up = new int[count];
    int j = 0;
    for (int i = 0; i < down.length; i++) {
      if (!down[i]) {
        up[j++] = i;
      }
    }
    return up;
  }
}
