package io.veza.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The request-path counters of one server, striped per thread ({@link Stripes}) so that threads routing to the same
 * server do not share a written cache line, with no allocation. Each stripe has two sets of cells:
 *
 * <ul>
 *   <li>single-writer cells, written only by the stripe's owner thread (the first thread that claimed the
 *       stripe, for the life of the JVM: {@link Stripes#current}) with a plain increment (an opaque load and
 *       store, no lock prefix): the common case of a gateway's fixed event-loop threads;
 *   <li>atomic cells for every other thread that maps to the stripe (more routing threads than stripes, or
 *       threads that come and go): one atomic add.
 * </ul>
 *
 * <p>Exact: an owner cell has exactly one writer ever, so its read-modify-write cannot lose an increment; the
 * atomic cells cannot either. Reads sum both sets with opaque loads ({@code long} opaque accesses are atomic and
 * per-cell coherent, so each cell reads monotonically): each counter is exact and monotone, counters are read one by
 * one.
 */
final class ServerCounters {
  static final int REASONS = RouteDecision.Reason.values().length;
  /** Connection errors reported ({@code econ}). */
  static final int CONNECT_ERRORS = REASONS;
  /** Response errors reported: transport errors after connect ({@code eresp}). */
  static final int RESPONSE_ERRORS = REASONS + 1;
  /** Retries to the same server ({@code wretr}). */
  static final int RETRIES = REASONS + 2;
  /** Retries redispatched to another server ({@code wredis}). */
  static final int REDISPATCHES = REASONS + 3;
  /** HTTP responses by class: 1xx..5xx, then other ({@code hrsp_1xx} .. {@code hrsp_other}). */
  static final int HRSP_1XX = REASONS + 4;
  static final int HRSP_OTHER = HRSP_1XX + 5;
  /**
   * Balanced picks that round robin counted per stripe and the stripe's owner folded in here
   * ({@link RoundRobin#nextBalanced}); read only with the positions' counts, by {@link RoundRobin.Positions#balancedPicks}.
   */
  static final int FOLDED_PICKS = HRSP_OTHER + 1;
  static final int FIELDS = FOLDED_PICKS + 1;
  /** Longs per stripe: the fields rounded up so that stripes are at least 128 bytes apart. */
  private static final int STRIDE = Math.max(16, (FIELDS + 7) & ~7);
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Where the atomic cells start: the owner cells come first. */
  private static final int SHARED = Stripes.COUNT * STRIDE;

  private final long[] cells = new long[2 * Stripes.COUNT * STRIDE];

  /**
   * Adds one to {@code field}.
   *
   * @param ticket the calling thread's {@link Stripes#current()} ticket
   * @param field the counter
   */
  void increment(int ticket, int field) {
    int i = Stripes.stripe(ticket) * STRIDE + field;
    if (Stripes.owned(ticket)) {
      CELLS.setOpaque(cells, i, (long) CELLS.getOpaque(cells, i) + 1L); // single writer: no lock prefix needed
    } else {
      CELLS.getAndAdd(cells, SHARED + i, 1L);
    }
  }

  void increment(int field) {
    increment(Stripes.current(), field);
  }

  /** Adds {@code n} to {@code field}'s single-writer cell of {@code stripe}; only that stripe's owner may call it. */
  void addOwned(int stripe, int field, long n) {
    int i = stripe * STRIDE + field;
    CELLS.setOpaque(cells, i, (long) CELLS.getOpaque(cells, i) + n);
  }

  /** The single-writer cell of {@code stripe} for {@code field}. */
  long owned(int stripe, int field) {
    return (long) CELLS.getOpaque(cells, stripe * STRIDE + field);
  }

  /** The field's total over every stripe. */
  long sum(int field) {
    long s = 0;
    for (int i = 0; i < Stripes.COUNT; i++) {
      int owned = i * STRIDE + field;
      s += (long) CELLS.getOpaque(cells, owned) + (long) CELLS.getVolatile(cells, SHARED + owned);
    }
    return s;
  }

  static int statusClass(int status) {
    return status >= 100 && status < 600 ? HRSP_1XX + status / 100 - 1 : HRSP_OTHER;
  }
}
