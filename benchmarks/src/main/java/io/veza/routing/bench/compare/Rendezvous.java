package io.veza.routing.bench.compare;

/**
 * Rendezvous or highest-random-weight hashing (Thaler and Ravishankar, 1998).
 *
 * <p>Each up server {@code i} scores a key as {@code fmix64(keyHash ^ id_i)}, where {@code id_i} is a 64-bit
 * hash of the server's name; the highest score wins (ties, which need equal 64-bit scores, go to the lower
 * index). Removing a server changes only the keys it won, and they spread evenly because every other
 * server's score is unchanged.
 *
 * <p>Lookup: {@code O(n)} mixes. Memory: the up servers' indices and identity hashes. Build: {@code O(n)}.
 */
public final class Rendezvous implements Router {

  private final int[] servers;
  private final long[] ids;

  private Rendezvous(int[] servers, long[] ids) {
    this.servers = servers;
    this.ids = ids;
  }

  /** The factory used by the report. */
  public static Router.Factory factory() {
    return new Router.Factory() {
      @Override
      public String id() {
        return "rendezvous";
      }

      @Override
      public String name() {
        return "rendezvous (HRW)";
      }

      @Override
      public Router build(int n, boolean[] down) {
        return Rendezvous.build(n, down);
      }
    };
  }

  static Rendezvous build(int n, boolean[] down) {
    int[] up = Servers.up(down);
    long[] ids = new long[up.length];
    for (int j = 0; j < up.length; j++) {
      ids[j] = Servers.nameHash(up[j], 0x5eed_4e6d_7a10_0001L);
    }
    return new Rendezvous(up, ids);
  }

  @Override
  public int lookup(long keyHash) {
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int j = 0; j < ids.length; j++) {
      long score = Mix.fmix64(keyHash ^ ids[j]);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    return servers[best];
  }

  @Override
  public long lookupBytes() {
    return Sizes.object(2, 0, 0) + Sizes.array(servers.length, 4) + Sizes.array(ids.length, 8);
  }
}
