package io.veza.routing.bench.compare;

/**
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer", NSDI 2016,
 * section 3.4, Pseudocode 1).
 *
 * <p>Each up server {@code i} has a permutation of the table slots {@code (offset_i + j * skip_i) mod M},
 * with {@code offset = h1(name) mod M} and {@code skip = h2(name) mod (M - 1) + 1}; since {@code M} is prime
 * every skip generates a full permutation. Servers take turns claiming their next unclaimed slot until the
 * table is full, so each owns {@code floor(M/n)} or {@code ceil(M/n)} slots. A key goes to
 * {@code table[keyHash mod M]}. Maglev trades a little disruption (a few keys of surviving servers move
 * when the table is refilled) for near-perfect balance and O(1) lookup.
 *
 * <p>Lookup: one unsigned remainder and one array read. Memory: an int table of {@code M = 65537} entries.
 * Build: {@code O(M log M)} expected, plus {@code O(M)} table initialisation.
 */
public final class Maglev implements Router {

  /** The table size of the paper's evaluation (a prime; the paper advises {@code M >> n}). */
  public static final int TABLE_SIZE = 65537;

  private final int[] table;

  private Maglev(int[] table) {
    this.table = table;
  }

  /** The factory used by the report. */
  public static Router.Factory factory() {
    return new Router.Factory() {
      @Override
      public String id() {
        return "maglev";
      }

      @Override
      public String name() {
        return "maglev (M=65537)";
      }

      @Override
      public Router build(int n, boolean[] down) {
        return Maglev.build(n, down, TABLE_SIZE);
      }
    };
  }

  static Maglev build(int n, boolean[] down, int tableSize) {
    int[] up = Servers.up(down);
    int k = up.length;
    long[] offset = new long[k];
    long[] skip = new long[k];
    for (int j = 0; j < k; j++) {
      offset[j] = Long.remainderUnsigned(Servers.nameHash(up[j], 0x6d61_676c_6576_0001L), tableSize);
      skip[j] = Long.remainderUnsigned(Servers.nameHash(up[j], 0x6d61_676c_6576_0002L), tableSize - 1) + 1;
    }
    long[] next = new long[k];
    int[] entry = new int[tableSize];
    java.util.Arrays.fill(entry, -1);
    int filled = 0;
    while (true) {
      for (int j = 0; j < k; j++) {
        int c = (int) ((offset[j] + next[j] * skip[j]) % tableSize);
        while (entry[c] >= 0) {
          next[j]++;
          c = (int) ((offset[j] + next[j] * skip[j]) % tableSize);
        }
        entry[c] = up[j];
        next[j]++;
        filled++;
        if (filled == tableSize) {
          return new Maglev(entry);
        }
      }
    }
  }

  @Override
  public int lookup(long keyHash) {
    return table[(int) Long.remainderUnsigned(keyHash, table.length)];
  }

  @Override
  public long lookupBytes() {
    return Sizes.object(1, 0, 0) + Sizes.array(table.length, 4);
  }
}
