package io.veza.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.ObjLongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Weighted round robin over a live pool: exact per period, smooth, lock-free, allocation-free per pick.
 *
 * <p>Weights are the servers' effective weights in sixteenths (so slow start's HAProxy steps are exact), divided by
 * their gcd {@code G}; the period is {@code P = sum(w) / G} picks and every period gives each server exactly
 * {@code w_s / G} of them. Each thread walks the period from its own position ({@link Stripes}): a plain load and
 * store for the thread that owns its stripe (the common case: a gateway's event-loop threads), a compare-and-set for
 * the others, on a line no other stripe writes.
 *
 * <p><b>Small periods</b> ({@code P <= }{@value #FLAT_LIMIT}, every pool of ordinary size): the period is laid out
 * once per routing table as Webster's (Sainte-Lague) sequence: server {@code s}'s {@code j}-th pick of the period
 * sits at time {@code (j + 1/2) / w_s}, picks sorted by time, ties in slot order. Equal weights rotate through the
 * servers in slot order; weights 2:1:1 give {@code a b c a}; a server's picks are spread evenly over the period, as
 * nginx's smooth weighted round robin spreads them. Webster's method does not keep the quota: after the picks up to
 * time {@code t} a server has {@code t w_s + e_s} of them with {@code |e_s| <= 1/2}, so its count differs from its
 * exact share {@code k w_s / W} by at most {@code (1 + (n - 2) w_s / W) / 2} in every prefix of a period (at most
 * {@code (n - 1) / 2}; weights 1,1,1,1,9 reach 1.54) and by twice that in every window (RoundRobinProperties). Building it costs {@code O(P log n)}, bounded by the limit. A pick is one array load.
 *
 * <p><b>Large periods</b> (thousands of servers, or large weights): the weights stay in the persistent
 * {@link WeightTree} (an O(log n) update per change, no rebuild) laid end to end on a line of length {@code W}, and
 * the k-th pick lands on position {@code k * g mod W}, where {@code g = G * g'}, {@code g'} coprime to {@code P} and
 * close to {@code P / phi} with small partial quotients ({@link #step}): the positions visit every multiple of
 * {@code G} once per period (exactness) and consecutive picks are spread over the whole line (the three-distance
 * theorem; the discrepancy of such a walk grows with the partial quotients of {@code g'/P}), so a heavy server's
 * picks interleave with the others'. Measured (RoundRobinProperties): in every window a server's count stays within
 * {@code 0.5 log2 P} picks of its exact share. A pick is an O(log n) tree descent.
 *
 * <p><b>Changes.</b> A new schedule is published with the routing table; the positions survive, so a change shifts
 * each server's count by less than one period, as HAProxy's own round robin does when weights move.
 *
 * <p><b>Counting picks.</b> A statistics counter per server costs 1.1 to 2.3 ns on a 9 ns pick, whatever its layout,
 * because its address is known only at the end of the pick's chain of loads (position, schedule, slot, server);
 * a counter at a fixed address costs nothing measurable. So in a pool with statistics a stripe's owner counts its
 * {@link #nextBalanced balanced picks} from a flat schedule in one cell next to its position, and moves that
 * position with nothing else (the pool's other picks take the stripe's shared position: {@link #uncounted}). The
 * owner's counted picks on one schedule are then consecutive positions from the first one, so each server's share is
 * known from the schedule alone: the whole periods give it its weight's share each, and the last partial period its
 * positions among the first ones. The owner records the first position and the count when it starts on a schedule;
 * when it first picks from a newer one it folds the previous schedule's shares into the servers' counters
 * ({@link ServerCounters#FOLDED_PICKS}) under a per-stripe sequence number that {@link Positions#balancedPicks
 * readers} check. A thread reads the routing table in order, so it never picks from the previous schedule again,
 * and a schedule is never shared by tables whose slots differ. Exact: every counted pick has one writer and is read
 * either from the live count or, after the fold, in a server's counter, never both. The count is a plain store read
 * with opaque loads (an opaque store, as {@link ServerCounters} uses, measured 0.6 to 1.1 ns more); what that gives
 * up: the JIT may hold it in a register while a loop that inlines {@code route()} runs, and a 32-bit JVM may tear a
 * {@code long} store (JLS 17.7) that a reader races. Costs: O(period) per fold (once per schedule and owner: a change
 * of weights, health or membership) and per stripe for each {@link BackendPool#stats()}; each stripe keeps its last
 * counted schedule reachable until its owner counts on a newer one. Picks that are not balanced decisions (cookie
 * fallbacks, retries), picks of threads that own no stripe, backups and the tree schedule are counted per server.
 */
final class RoundRobin {
  /** Largest period laid out as a flat schedule. */
  static final int FLAT_LIMIT = 4096;
  private static final double PHI = (1 + Math.sqrt(5)) / 2;
  /** Longs between two stripes' positions: 128 bytes, so that no two stripes share a cache line. */
  private static final int PAD = 16;
  /** Offset of a stripe's shared position from its owner's: 64 bytes, another cache line. */
  private static final int SHARED = 8;
  /** Offset of the owner's counted picks (statistics) from its position, on the owner's line. */
  private static final int COUNTED = 1;
  /** Offset of the id of the schedule the owner counts on ({@link Counting#schedule}), on the owner's line. */
  private static final int EPOCH = 2;

  /**
   * Positions, two per stripe: the owner's (written by the stripe's owner thread only, with a plain load and store)
   * and the shared one (every other thread of the stripe, with a compare-and-set). Shared by every schedule of one
   * pool so that a change does not restart them.
   */
  static final class Positions {
    private final AtomicLongArray cells = new AtomicLongArray(Stripes.COUNT * PAD);
    /** Per stripe: the schedule whose balanced picks the stripe's owner counts now (see "Counting picks"). */
    private final Counting[] counting = new Counting[Stripes.COUNT];

    Positions() {
      // stripes start apart so that the first picks of different threads spread
      for (int i = 0; i < Stripes.COUNT; i++) {
        cells.set(i * PAD + SHARED, (long) i * 0x9E3779B9L); // stripe 0's shared position starts the period
        cells.set(i * PAD, (long) (i + Stripes.COUNT) * 0x9E3779B9L);
        counting[i] = new Counting();
      }
    }

    /** Stripe {@code k}'s counting state. */
    Counting counting(int k) {
      return counting[k];
    }

    /**
     * The balanced picks counted per stripe ({@link RoundRobin#nextBalanced}) for each of {@code servers}, folded
     * ones included: {@code result[i]} belongs to {@code servers.get(i)}. Lock-free: a stripe whose owner folds
     * meanwhile is read again. Allocates.
     */
    long[] balancedPicks(List<Server> servers) {
      IdentityHashMap<Server, Integer> index = new IdentityHashMap<>();
      for (int i = 0; i < servers.size(); i++) {
        index.put(servers.get(i), i);
      }
      long[] total = new long[servers.size()];
      long[] stripe = new long[servers.size()];
      for (int k = 0; k < Stripes.COUNT; k++) {
        Counting c = counting[k];
        while (true) {
          int version = (int) Counting.VERSION.getAcquire(c);
          if ((version & 1) != 0) {
            Thread.onSpinWait(); // the owner is folding: a few microseconds at most
            continue;
          }
          for (int i = 0; i < total.length; i++) { // every entry rewritten: a retry starts afresh
            stripe[i] = servers.get(i).counters.owned(k, ServerCounters.FOLDED_PICKS);
          }
          RoundRobin rr = c.schedule;
          if (rr != null) {
            rr.addCounts(c.firstPosition, cells.getOpaque(k * PAD + COUNTED) - c.countedBefore, index, stripe);
          }
          VarHandle.loadLoadFence();
          if ((int) Counting.VERSION.getOpaque(c) == version) {
            break;
          }
        }
        for (int i = 0; i < total.length; i++) {
          total[i] += stripe[i];
        }
      }
      return total;
    }
  }

  /** One stripe's counting state; written by the stripe's owner only. */
  static final class Counting {
    static final VarHandle VERSION;

    static {
      try {
        VERSION = MethodHandles.lookup().findVarHandle(Counting.class, "version", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Odd while the owner folds. */
    @SuppressWarnings("unused") // through VERSION
    private int version;
    /** The schedule the owner's counted picks walk now, or null. */
    @Nullable RoundRobin schedule;
    /** The stripe's counted picks when the owner started on {@link #schedule}. */
    long countedBefore;
    /** The position of the first of those picks. */
    long firstPosition;
  }

  private final WeightTree weights;
  private final Positions positions;
  /** Flat schedule of slots (small periods), or null. */
  private final int @Nullable [] schedule;
  /** Positions per period: {@code P} with a flat schedule, else the tree's total {@code W}. */
  private final long length;
  /** Step between two picks: 1 with a flat schedule, else {@code g}. */
  private final long step;
  /** The table's slots this schedule picks from: how a counted position finds its server. */
  private final SlotArray<Server> slots;
  private static final AtomicLong IDS = new AtomicLong();
  /** Names this schedule in a stripe's {@link #EPOCH} cell. */
  private final long id = IDS.incrementAndGet();

  RoundRobin(WeightTree weights, Positions positions) {
    this(weights, positions, SlotArray.empty());
  }

  RoundRobin(WeightTree weights, Positions positions, SlotArray<Server> slots) {
    this.weights = weights;
    this.positions = positions;
    this.slots = slots;
    long total = weights.total();
    int gcd = weights.gcd();
    long period = gcd == 0 ? 0 : total / gcd;
    if (total == 0) {
      this.schedule = null;
      this.length = 0;
      this.step = 0;
    } else if (period <= FLAT_LIMIT) {
      this.schedule = webster(weights, gcd, (int) period);
      this.length = period;
      this.step = 1;
    } else {
      this.schedule = null;
      this.length = total;
      this.step = step(total, gcd);
    }
  }

  /** Webster's sequence over the tree's non-zero weights (divided by {@code gcd}): {@code period} slots. */
  static int[] webster(WeightTree weights, int gcd, int period) {
    // entries: (slot, weight, next pick index j); ordered by (2j+1)/(2w), then slot
    PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> {
      long lhs = (2 * x[2] + 1) * y[1];
      long rhs = (2 * y[2] + 1) * x[1];
      return lhs != rhs ? Long.compare(lhs, rhs) : Long.compare(x[0], y[0]);
    });
    weights.forEachNonZero((slot, w) -> heap.add(new long[] {slot, w / gcd, 0}));
    int[] out = new int[period];
    for (int k = 0; k < period; k++) {
      long[] e = heap.poll();
      out[k] = (int) e[0];
      e[2]++;
      if (e[2] < e[1]) {
        heap.add(e);
      }
    }
    return out;
  }

  /** Coprime candidates near {@code P / phi} that {@link #step} compares. */
  static final int STEP_CANDIDATES = 32;
  /**
   * A step whose continued fraction has no partial quotient above this is taken at once (most periods have one among
   * the first candidates), which keeps a weight change cheap; otherwise the best of the candidates.
   */
  static final long GOOD_QUOTIENT = 4;

  /**
   * {@code g = G * g'} with {@code g'} coprime to {@code P = W / G}, among the {@value #STEP_CANDIDATES} such
   * values closest to {@code P / phi} the one whose continued fraction {@code g'/P} has the smallest largest partial
   * quotient (ties: the closest). Being close to {@code P / phi} only makes the first partial quotients 1; a large
   * later one (for example 344 for {@code P = 18954}) makes the walk bunch up at that scale. O(candidates x log P).
   */
  static long step(long total, int gcd) {
    if (total <= 0 || gcd <= 0) {
      return 0;
    }
    long periods = total / gcd;
    if (periods <= 2) {
      return gcd;
    }
    long base = Math.round(periods / PHI);
    long best = -1;
    long bestQuotient = Long.MAX_VALUE;
    int found = 0;
    for (long d = 0; found < STEP_CANDIDATES && d < periods; d++) {
      for (int side = 0; side < (d == 0 ? 1 : 2); side++) {
        long c = side == 0 ? base + d : base - d;
        if (c > 0 && c < periods && gcd(c, periods) == 1) {
          found++;
          long q = maxPartialQuotient(c, periods, bestQuotient);
          if (q < bestQuotient) {
            best = c;
            bestQuotient = q;
            if (q <= GOOD_QUOTIENT) {
              return best * gcd; // spread as well as it gets near 1/phi: no need to look further
            }
          }
        }
      }
    }
    return best * gcd;
  }

  /** The largest partial quotient of the continued fraction of {@code a / b}, {@code 0 < a < b}. */
  static long maxPartialQuotient(long a, long b) {
    return maxPartialQuotient(a, b, Long.MAX_VALUE);
  }

  /** {@link #maxPartialQuotient(long, long)}, or any value {@code >= stopAt} as soon as one quotient reaches it. */
  static long maxPartialQuotient(long a, long b, long stopAt) {
    long max = 0;
    while (a != 0) {
      long q = b / a;
      if (q >= stopAt) {
        return q;
      }
      max = Math.max(max, q);
      long r = b % a;
      b = a;
      a = r;
    }
    return max;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Whether no slot has a weight. */
  boolean isEmpty() {
    return length == 0;
  }

  /** Picks per period (flat) or line length (tree). */
  long length() {
    return length;
  }

  boolean isFlat() {
    return schedule != null;
  }

  WeightTree weights() {
    return weights;
  }

  /**
   * The calling thread's next position in {@code [0, length)}; requires {@code length > 0}. The stripe's owner
   * advances its own position with a plain load and store (it is the only writer); other threads share the
   * stripe's second position through a compare-and-set.
   */
  private long nextPosition(int ticket) {
    AtomicLongArray cells = positions.cells;
    int cell = Stripes.stripe(ticket) * PAD;
    long w = length;
    long g = step;
    if (Stripes.owned(ticket)) {
      // plain: the owner is the only thread that ever reads or writes this cell
      long p = cells.getPlain(cell);
      long q = p < w && p >= 0 ? p : Math.floorMod(p, w);
      long next = q + g;
      cells.setPlain(cell, next >= w ? next - w : next);
      return q;
    }
    cell += SHARED;
    for (int attempt = 0; attempt < 4; attempt++) {
      long p = cells.get(cell);
      long q = p < w && p >= 0 ? p : Math.floorMod(p, w);
      long next = q + g;
      if (next >= w) {
        next -= w;
      }
      if (cells.compareAndSet(cell, p, next)) {
        return q;
      }
    }
    // other threads share this stripe and keep winning: take a position anyway (a repeat is harmless)
    return Math.floorMod(cells.getAndAdd(cell, g), w);
  }

  /**
   * The next slot, or -1 if no slot has a weight.
   *
   * @param ticket the calling thread's {@link Stripes#current()} ticket (a bare stripe uses its shared position)
   */
  int next(int ticket) {
    if (length == 0) {
      return -1;
    }
    long p = nextPosition(ticket);
    int[] s = schedule;
    return s != null ? s[(int) p] : weights.find(p);
  }

  /**
   * {@link #next}, for a pick that becomes a {@link RouteDecision.Reason#BALANCED} decision of a pool with statistics:
   * when {@link #countsPicks} the pick is counted here (see "Counting picks"), and the caller must not count it again.
   * Such a pool's other picks from this schedule take {@link #uncounted} tickets, so that the owner's position only
   * moves with counted picks.
   *
   * @param ticket the calling thread's {@link Stripes#current()} ticket
   */
  int nextBalanced(int ticket) {
    int[] s = schedule;
    if (s == null || !Stripes.owned(ticket)) {
      return next(ticket);
    }
    AtomicLongArray cells = positions.cells;
    int cell = Stripes.stripe(ticket) * PAD;
    if (cells.getPlain(cell + EPOCH) != id) {
      startCounting(Stripes.stripe(ticket), cell);
    }
    long p = nextPosition(ticket);
    cells.setPlain(cell + COUNTED, cells.getPlain(cell + COUNTED) + 1); // one writer, the stripe's owner
    return s[(int) p];
  }

  /** Whether {@link #nextBalanced} counts the calling thread's picks itself: an owned stripe and a flat schedule. */
  boolean countsPicks(int ticket) {
    return schedule != null && Stripes.owned(ticket);
  }

  /**
   * The ticket a pool with statistics uses for picks that {@link #nextBalanced} does not count: the same stripe's
   * shared position.
   *
   * @param ticket a {@link Stripes#current()} ticket
   * @return the bare stripe
   */
  static int uncounted(int ticket) {
    return Stripes.stripe(ticket);
  }

  /**
   * The owner's first counted pick from this schedule: folds its counted picks of the previous one into the servers'
   * counters and starts counting on this one. O(previous period); once per schedule and owner.
   */
  private void startCounting(int stripe, int cell) {
    AtomicLongArray cells = positions.cells;
    Counting c = positions.counting[stripe];
    int version = (int) Counting.VERSION.getOpaque(c);
    Counting.VERSION.setOpaque(c, version + 1);
    VarHandle.storeStoreFence();
    long counted = cells.getPlain(cell + COUNTED);
    RoundRobin previous = c.schedule;
    if (previous != null) {
      previous.foldCounts(stripe, c.firstPosition, counted - c.countedBefore);
    }
    long p = cells.getPlain(cell);
    c.schedule = this;
    c.countedBefore = counted;
    c.firstPosition = p < length && p >= 0 ? p : Math.floorMod(p, length); // as nextPosition will take it
    cells.setPlain(cell + EPOCH, id);
    Counting.VERSION.setRelease(c, version + 2);
  }

  /**
   * The servers' shares of {@code picks} consecutive picks of this flat schedule from position {@code first}: every
   * slot's share of the whole periods, and one more for each position of the last partial period. O(period).
   */
  private void forEachCount(long first, long picks, ObjLongConsumer<Server> action) {
    int[] s = schedule;
    if (s == null || picks <= 0) {
      return;
    }
    int period = s.length;
    long whole = picks / period;
    long rest = picks % period;
    for (int q = 0; q < period; q++) {
      long distance = Math.floorMod(q - first, (long) period);
      long n = whole + (distance < rest ? 1 : 0);
      Server server = n == 0 ? null : slots.get(s[q]);
      if (server != null) {
        action.accept(server, n);
      }
    }
  }

  private void foldCounts(int stripe, long first, long picks) {
    forEachCount(first, picks, (server, n) -> server.counters.addOwned(stripe, ServerCounters.FOLDED_PICKS, n));
  }

  /** Adds the servers' shares of the picks to {@code out[index(server)]}; servers not indexed are skipped. */
  private void addCounts(long first, long picks, IdentityHashMap<Server, Integer> index, long[] out) {
    forEachCount(first, picks, (server, n) -> {
      Integer i = index.get(server);
      if (i != null) {
        out[i] += n;
      }
    });
  }

  /**
   * The next slot other than {@code avoid}, or {@code avoid} when no other slot has a weight (HAProxy's
   * {@code srvtoavoid} is a preference). When the pick lands on {@code avoid}, the slot whose interval follows
   * {@code avoid}'s on the weight line is taken instead: O(log n).
   */
  int nextAvoiding(int ticket, int avoid) {
    int slot = next(ticket);
    if (slot != avoid || slot < 0) {
      return slot;
    }
    long total = weights.total();
    long after = weights.sumBefore(avoid) + weights.weight(avoid);
    return weights.find(after >= total ? 0 : after);
  }
}
