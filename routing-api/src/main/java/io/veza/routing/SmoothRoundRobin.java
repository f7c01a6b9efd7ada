package io.veza.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin (nginx's algorithm, {@code ngx_http_upstream_get_peer}) made lock-free by
 * precomputing one full period of its schedule.
 *
 * <p>The algorithm keeps a {@code current} value per server; for each pick every server's {@code current} grows
 * by its weight, the server with the largest {@code current} (first in declaration order on ties) is chosen, and
 * its {@code current} drops by the total weight {@code W}. The sequence is deterministic and periodic: after
 * {@code W / gcd} picks every {@code current} is 0 again and each server was chosen exactly
 * {@code weight / gcd} times. Instead of updating {@code n} counters atomically on every pick, this class
 * computes one period when the routing table is built (off the request path) and each pick is one
 * {@link AtomicLong#getAndIncrement()} plus an array read: lock-free, allocation-free and exactly as fair as the
 * sequential algorithm, whatever the number of threads (each counter value is taken by exactly one pick).
 *
 * <p>Fairness guarantee: since {@code current_i = m * w_i - W * count_i} after {@code m} picks, and
 * {@code -W < current_i < (n - 1) * W} at all times (the chosen server had the largest value, at least
 * {@code W / n}, before losing {@code W}; the values sum to 0), the first {@code m} picks give server {@code i} a
 * count within {@code (-max(1, n - 1), 1)} of {@code m * w_i / W}, any window of {@code m} consecutive picks a
 * count within {@code n} of it, and each aligned period exactly {@code w_i / gcd} (checked by the property
 * tests). Compared with HAProxy's {@code roundrobin} ("dynamic
 * weighted round robin", a tree of servers keyed by their next position): both interleave servers by weight
 * and follow weight changes (slow start) on the fly; this one restarts its period when the table changes
 * (a health event), which shifts each server's count by less than {@code n} per change.
 *
 * <p>Memory: one {@code int} per pick in the period ({@code sum(w) / gcd(w)}, at most
 * {@code 256 * n}); building it costs {@code O(period * n)}.
 */
final class SmoothRoundRobin {
  private final int[] schedule; // entries are caller-defined ids (server indexes)
  private final AtomicLong next = new AtomicLong();

  private SmoothRoundRobin(int[] schedule) {
    this.schedule = schedule;
  }

  /**
   * A schedule over {@code ids[i]} with weights {@code weights[i] > 0} (only the first {@code count} entries are
   * used), or {@code null} if {@code count == 0}.
   */
  static SmoothRoundRobin of(int[] ids, int[] weights, int count) {
    if (count == 0) {
      return null;
    }
    return new SmoothRoundRobin(period(ids, weights, count));
  }

  /** One period of nginx's smooth weighted round robin over the first {@code count} entries. */
  static int[] period(int[] ids, int[] weights, int count) {
    int g = 0;
    for (int i = 0; i < count; i++) {
      if (weights[i] <= 0) {
        throw new IllegalArgumentException("weight must be > 0, was " + weights[i]);
      }
      g = gcd(g, weights[i]);
    }
    long total = 0;
    int[] w = new int[count];
    for (int i = 0; i < count; i++) {
      w[i] = weights[i] / g;
      total += w[i];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("total weight too large: " + total);
    }
    int period = (int) total;
    long[] current = new long[count];
    int[] out = new int[period];
    for (int k = 0; k < period; k++) {
      int best = 0;
      for (int i = 0; i < count; i++) {
        current[i] += w[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out[k] = ids[best];
    }
    return out;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** The next pick. Lock-free, allocation-free. */
  int next() {
    long k = next.getAndIncrement() & Long.MAX_VALUE;
    return schedule[(int) (k % schedule.length)];
  }

  /**
   * The first pick at or after the next position that differs from {@code avoid}, or {@code avoid} when the
   * schedule contains nothing else (HAProxy's {@code srvtoavoid}: avoiding is a preference).
   */
  int nextAvoiding(int avoid) {
    long k = next.getAndIncrement() & Long.MAX_VALUE;
    int len = schedule.length;
    int start = (int) (k % len);
    for (int j = 0; j < len; j++) {
      int id = schedule[(start + j) % len];
      if (id != avoid) {
        return id;
      }
    }
    return avoid;
  }

  int periodLength() {
    return schedule.length;
  }
}
