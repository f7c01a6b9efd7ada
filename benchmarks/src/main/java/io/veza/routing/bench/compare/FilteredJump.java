package io.veza.routing.bench.compare;

import com.google.common.hash.Hashing;

/**
 * The wrong way to make jump hash health-aware, kept as a negative baseline: jump over the list of up
 * servers ({@code up[consistentHash(key, up.length)]}). Removing one server shifts the index of every server
 * after it: when the server at up-list position {@code f} of {@code k} fails, {@code (k - f) / k} of all keys
 * move (about half on average, all of them for {@code f = 0}) instead of {@code 1/k} (DESIGN.md, principle 3). Uses Guava's
 * {@code Hashing.consistentHash}, the Lamping–Veach jump hash.
 *
 * <p>Lookup: {@code O(ln n)}. Memory: the up-server index list.
 */
public final class FilteredJump implements Router {

  private final int[] up;

  private FilteredJump(int[] up) {
    this.up = up;
  }

  /** The factory used by the report. */
  public static Router.Factory factory() {
    return new Router.Factory() {
      @Override
      public String id() {
        return "filteredJump";
      }

      @Override
      public String name() {
        return "jump over up-list (wrong)";
      }

      @Override
      public Router build(int n, boolean[] down) {
        return new FilteredJump(Servers.up(down));
      }
    };
  }

  @Override
  public int lookup(long keyHash) {
    return up[Hashing.consistentHash(keyHash, up.length)];
  }

  @Override
  public long lookupBytes() {
    return Sizes.object(1, 0, 0) + Sizes.array(up.length, 4);
  }
}
