package io.veza.routing;

/**
 * Per-thread striping of the few cells the request path writes (round-robin positions, statistics), so that threads
 * routing on one pool neither contend on one cache line nor need a locked instruction.
 *
 * <p>{@link #current()} gives the calling thread a <em>ticket</em>: a stripe in {@code [0, COUNT)} and whether the
 * thread owns that stripe ({@link #OWNED}). A stripe's owner is the first thread that asked for it, for the life of the
 * JVM (thread ids are never reused), so each stripe has at most one owner ever: only the owner writes the stripe's
 * single-writer cells, with a plain load and store (no lock prefix); every other thread that lands on the stripe uses
 * its atomic cells. A thread's home stripe is a hash of its id; when another thread owns it, the next
 * {@value #PROBES} stripes are tried in order, so the first {@code COUNT} threads that route get distinct stripes
 * (two event-loop threads never share one, whatever their ids hash to). A thread that finds no stripe to own (more
 * routing threads than stripes, or threads that come and go) uses its home stripe's atomic cells.
 *
 * <p>Ownership is stable: a thread always gets the same ticket, because the stripes it probed before its own were
 * owned by other threads, and ownership is never released.
 */
final class Stripes {
  /** Thread id that owns each stripe's single-writer cells, 0 while unowned. */
  private static final long[] OWNERS;
  private static final java.lang.invoke.VarHandle OWNER =
      java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

  /** Number of stripes: a power of two, twice the processors (at least 2, at most 64). */
  static final int COUNT;
  static final int SHIFT;
  /** Set in a ticket when the calling thread owns its stripe. */
  static final int OWNED = 1 << 30;
  /** Stripes tried from the home stripe before settling for a shared one. */
  static final int PROBES = 4;

  static {
    int want = Math.max(2, Math.min(64, 2 * Runtime.getRuntime().availableProcessors()));
    int n = Integer.highestOneBit(want - 1) << 1;
    COUNT = n;
    SHIFT = 64 - Integer.numberOfTrailingZeros(n);
    OWNERS = new long[n];
  }

  private Stripes() {}

  /**
   * The calling thread's ticket: its stripe ({@link #stripe}), with {@link #OWNED} set when it owns the stripe. One
   * opaque read on the common path (a thread that owns its home stripe); one CAS per stripe per JVM.
   *
   * @return the ticket
   */
  @SuppressWarnings("deprecation") // Thread.getId(): threadId() is Java 19+
  static int current() {
    long me = Thread.currentThread().getId();
    int home = (int) ((me * 0x9E3779B97F4A7C15L) >>> SHIFT);
    long owner = (long) OWNER.getOpaque(OWNERS, home);
    if (owner == me) {
      return home | OWNED;
    }
    return probe(me, home);
  }

  /** The slow part of {@link #current()}: claims the first unowned stripe from {@code home}, or shares home's. */
  private static int probe(long me, int home) {
    for (int k = 0; k < Math.min(PROBES, COUNT); k++) {
      int s = (home + k) & (COUNT - 1);
      long owner = (long) OWNER.getOpaque(OWNERS, s);
      if (owner == me || (owner == 0 && OWNER.compareAndSet(OWNERS, s, 0L, me))) {
        return s | OWNED;
      }
    }
    return home;
  }

  /**
   * The stripe of a ticket.
   *
   * @param ticket a ticket from {@link #current()}, or a bare stripe
   * @return the stripe in {@code [0, COUNT)}
   */
  static int stripe(int ticket) {
    return ticket & (COUNT - 1);
  }

  /**
   * Whether the ticket's thread owns its stripe: only then may it write the stripe's single-writer cells.
   *
   * @param ticket a ticket from {@link #current()}; a bare stripe is not owned
   * @return whether the stripe is owned by the caller
   */
  static boolean owned(int ticket) {
    return (ticket & OWNED) != 0;
  }
}
