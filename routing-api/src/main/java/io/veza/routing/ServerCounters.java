package io.veza.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The request-path counters of one server, striped per thread ({@link Stripes}) so that threads routing to the same
 * server do not share a written cache line: one atomic add on the calling thread's stripe, no allocation. Reads sum
 * the stripes (a consistent-enough snapshot for statistics: each counter is exact, counters are read one by one).
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
  static final int FIELDS = HRSP_OTHER + 1;
  /** Longs per stripe: the fields rounded up so that stripes are at least 128 bytes apart. */
  private static final int STRIDE = Math.max(16, (FIELDS + 7) & ~7);
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] cells = new long[Stripes.COUNT * STRIDE];

  void increment(int stripe, int field) {
    CELLS.getAndAdd(cells, stripe * STRIDE + field, 1L);
  }

  void increment(int field) {
    increment(Stripes.current(), field);
  }

  /** The field's total over every stripe. */
  long sum(int field) {
    long s = 0;
    for (int i = 0; i < Stripes.COUNT; i++) {
      s += (long) CELLS.getVolatile(cells, i * STRIDE + field);
    }
    return s;
  }

  static int statusClass(int status) {
    return status >= 100 && status < 600 ? HRSP_1XX + status / 100 - 1 : HRSP_OTHER;
  }
}
