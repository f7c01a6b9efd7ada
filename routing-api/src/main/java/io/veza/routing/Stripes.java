package io.veza.routing;

/**
 * Per-thread striping of the few counters the request path writes (round-robin positions, statistics), so that
 * threads routing on one pool do not contend on one cache line. A thread always maps to the same stripe; distinct
 * threads usually map to distinct stripes.
 */
final class Stripes {
  /** Thread id that owns each stripe's single-writer counter cells, 0 while unowned ({@link #owns}). */
  private static final long[] OWNERS;
  private static final java.lang.invoke.VarHandle OWNER =
      java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

  /** Number of stripes: a power of two, twice the processors (at least 2, at most 64). */
  static final int COUNT;
  static final int SHIFT;

  static {
    int want = Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
    int n = Integer.highestOneBit(want - 1) << 1;
    COUNT = n;
    SHIFT = 64 - Integer.numberOfTrailingZeros(n);
    OWNERS = new long[n];
  }

  private Stripes() {}

  /**
   * Whether the calling thread owns {@code stripe}: the first thread that asks for a stripe takes it, for the life of
   * the JVM (thread ids are never reused), so each stripe has at most one owner ever. Only the owner may write the
   * stripe's single-writer cells with plain (non-atomic) increments; every other thread of that stripe must use the
   * atomic cells. One opaque read on the common path; one CAS per stripe per JVM.
   *
   * @param stripe the calling thread's stripe ({@link #current()})
   * @return true only for the stripe's one owner
   */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
  static boolean owns(int stripe) {
    long me = Thread.currentThread().getId();
    long owner = (long) OWNER.getOpaque(OWNERS, stripe);
    if (owner == me) {
      return true;
    }
    return owner == 0 && OWNER.compareAndSet(OWNERS, stripe, 0L, me);
  }

  /** The calling thread's stripe in {@code [0, COUNT)}. */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
  static int current() {
    return (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> SHIFT);
  }
}
