package io.veza.routing.bench.compare;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A ketama-style consistent-hash ring (libketama, R. Jones 2007; the point count of nginx's
 * {@code hash $key consistent}, 160 points per weight unit).
 *
 * <p>Each server contributes {@code 40 * weight} MD5 digests of {@code "<name>-<k>"}, each digest cut into
 * four little-endian 32-bit points, so 160 points per weight unit (all weights are 1 in the report). A key
 * hash maps to the first point clockwise at or after its top 32 bits (wrapping to the first point). A down
 * server's points are simply absent, so only its keys move, each to the next point of another server.
 *
 * <p>Lookup: binary search, {@code O(log(160 n))}. Memory: two int arrays of {@code 160 n} entries (points
 * and owners; nginx keeps a 16-byte struct per point). Build: {@code 40 n} MD5 digests and a sort.
 */
public final class KetamaRing implements Router {

  /** Digests per server at weight 1; each yields 4 points. */
  static final int DIGESTS_PER_WEIGHT = 40;

  /** Points per server at weight 1, as in nginx's {@code hash ... consistent}. */
  static final int POINTS_PER_WEIGHT = 4 * DIGESTS_PER_WEIGHT;

  /** The ring's points, sign-flipped ({@code point ^ 0x80000000}) so signed order is unsigned order. */
  private final int[] points;

  /** {@code owners[i]} is the server of {@code points[i]}. */
  private final int[] owners;

  private KetamaRing(int[] points, int[] owners) {
    this.points = points;
    this.owners = owners;
  }

  /** The factory used by the report. */
  public static Router.Factory factory() {
    return new Router.Factory() {
      @Override
      public String id() {
        return "ketama";
      }

      @Override
      public String name() {
        return "ketama ring (160 pts)";
      }

      @Override
      public Router build(int n, boolean[] down) {
        return KetamaRing.build(n, down);
      }
    };
  }

  static KetamaRing build(int n, boolean[] down) {
    int[] up = Servers.up(down);
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
    long[] packed = new long[up.length * POINTS_PER_WEIGHT];
    int p = 0;
    for (int server : up) {
      String name = Servers.name(server);
      for (int k = 0; k < DIGESTS_PER_WEIGHT; k++) {
        byte[] d = md5.digest((name + "-" + k).getBytes(StandardCharsets.US_ASCII));
        for (int h = 0; h < 4; h++) {
          int point = (d[3 + h * 4] & 0xff) << 24
              | (d[2 + h * 4] & 0xff) << 16
              | (d[1 + h * 4] & 0xff) << 8
              | (d[h * 4] & 0xff);
          // sign-flipped point in the high half, owner in the low half: a signed sort orders by unsigned
          // point, then by server (a deterministic tie-break for the rare equal points)
          packed[p++] = ((long) (point ^ Integer.MIN_VALUE) << 32) | server;
        }
      }
    }
    Arrays.sort(packed);
    int[] points = new int[packed.length];
    int[] owners = new int[packed.length];
    for (int i = 0; i < packed.length; i++) {
      points[i] = (int) (packed[i] >> 32);
      owners[i] = (int) packed[i];
    }
    return new KetamaRing(points, owners);
  }

  @Override
  public int lookup(long keyHash) {
    int target = (int) (keyHash >>> 32) ^ Integer.MIN_VALUE;
    int lo = 0;
    int hi = points.length; // first index with points[i] >= target, in [lo, hi]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return owners[lo == points.length ? 0 : lo];
  }

  @Override
  public long lookupBytes() {
    return Sizes.object(2, 0, 0) + Sizes.array(points.length, 4) + Sizes.array(owners.length, 4);
  }
}
