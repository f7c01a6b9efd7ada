package io.veza.routing;

/**
 * Per-thread striping of the few counters the request path writes (round-robin positions, statistics), so that
 * threads routing on one pool do not contend on one cache line. A thread always maps to the same stripe; distinct
 * threads usually map to distinct stripes.
 */
final class Stripes {
  /** Number of stripes: a power of two, twice the processors (at least 2, at most 64). */
  static final int COUNT;
  static final int SHIFT;

  static {
    int want = Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
    int n = Integer.highestOneBit(want - 1) << 1;
    COUNT = n;
    SHIFT = 64 - Integer.numberOfTrailingZeros(n);
  }

  private Stripes() {}

  /** The calling thread's stripe in {@code [0, COUNT)}. */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
  static int current() {
    return (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> SHIFT);
  }
}
