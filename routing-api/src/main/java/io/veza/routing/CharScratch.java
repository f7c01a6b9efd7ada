package io.veza.routing;

/**
 * A per-thread {@code char[]} that the request phase edits {@code Cookie} headers in ({@link CookieHeaders#rewrite}),
 * so that forwarding a header allocates only its result. Buffers up to {@value #KEEP} characters are kept (and grown
 * by doubling); a longer header gets a buffer of its own that is not kept. Not reentrant: the holder must not call
 * anything that uses the buffer before it is done with it.
 */
final class CharScratch {
  /** Largest buffer kept per thread: 16 KB. */
  static final int KEEP = 8192;

  private static final ThreadLocal<char[][]> BUFFER = ThreadLocal.withInitial(() -> new char[][] {new char[256]});

  private CharScratch() {}

  /**
   * This thread's buffer of at least {@code n} characters (or a fresh one when {@code n > KEEP}).
   *
   * @param n the characters needed
   * @return the buffer
   */
  static char[] get(int n) {
    if (n > KEEP) {
      return new char[n];
    }
    char[][] holder = BUFFER.get();
    char[] b = holder[0];
    if (b.length < n) {
      b = new char[Math.min(KEEP, Math.max(n, 2 * b.length))];
      holder[0] = b;
    }
    return b;
  }
}
