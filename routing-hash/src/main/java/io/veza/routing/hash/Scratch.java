package io.veza.routing.hash;

/**
 * Per-thread scratch space that lets {@link Utf8KeyHasher} hash an ASCII {@link String} at nearly byte-array
 * speed: one tight {@code charAt} pass checks that every char is below 0x80, then the JDK's bulk copy
 * ({@code String.getBytes(int, int, byte[], int)}, an {@code arraycopy} for a Latin-1 string) puts the bytes into
 * a scratch {@code byte[]}, and the hash reads them 8 at a time instead of assembling each 64-bit lane from eight
 * {@code charAt} calls.
 *
 * <p>One instance per thread, created on the thread's first call (about 300 bytes, the only allocation), then reused:
 * the hot path allocates nothing. Keys longer than {@link #CAPACITY} chars take the on-the-fly UTF-8 reader
 * instead. With virtual threads every new virtual thread pays that first allocation once.
 */
final class Scratch {

  /** Longest key (in chars) copied into the scratch arrays. */
  static final int CAPACITY = 256;

  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  final byte[] bytes = new byte[CAPACITY];
  private final RangeView view = new RangeView();

  private Scratch() {}

  static Scratch get() {
    return LOCAL.get();
  }

  /**
   * Returns whether chars {@code [from, to)} of {@code s} ({@code to - from <= CAPACITY}) are all ASCII; if so,
   * copies them to {@link #bytes}{@code [0, to - from)}, which is then exactly their UTF-8 encoding.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): exact for ASCII, the only case it is used for
  boolean asciiBytes(String s, int from, int to) {
    // One plain charAt pass. Measured with JMH on JDK 17: a bulk getChars into a scratch char[] followed by the same
    // OR loop was slower, and a 4-way unrolled charAt loop much slower.
    int seen = 0;
    for (int i = from; i < to; i++) {
      seen |= s.charAt(i);
    }
    if (seen >= 0x80) {
      return false;
    }
    s.getBytes(from, to, bytes, 0); // low byte of each char (deprecated for charsets, exact for ASCII)
    return true;
  }

  /**
   * {@link #asciiBytes} that stops at the first {@code stop} char: returns the index of the first {@code stop} in
   * {@code [from, to)} (or {@code to}) when the chars before it are all ASCII, having copied them to
   * {@link #bytes}{@code [0, end - from)}; {@code -1} when some char before it is not ASCII (nothing copied). The
   * chars after the stop are not read.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): exact for ASCII, the only case it is used for
  int asciiBytesUntil(String s, int from, int to, char stop) {
    int seen = 0;
    int end = from;
    for (; end < to; end++) {
      char c = s.charAt(end);
      if (c == stop) {
        break;
      }
      seen |= c;
    }
    if (seen >= 0x80) {
      return -1;
    }
    s.getBytes(from, end, bytes, 0);
    return end;
  }

  /**
   * A view of {@code source[from, to)} for the general reader; {@link RangeView#release} it after use. Returns a fresh
   * object if this thread's view is already in use (a {@code CharSequence} whose {@code charAt} hashes again).
   */
  RangeView view(CharSequence source, int from, int to) {
    RangeView v = view.source == null ? view : new RangeView();
    v.source = source;
    v.from = from;
    v.length = to - from;
    return v;
  }

  /** A window over another sequence; confined to one thread. */
  static final class RangeView implements CharSequence {
    private CharSequence source;
    private int from;
    private int length;

    /** Drops the reference to the caller's characters and frees the view for reuse. */
    void release() {
      source = null;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public char charAt(int index) {
      if (index < 0 || index >= length) {
        throw new IndexOutOfBoundsException(index);
      }
      return source.charAt(from + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      java.util.Objects.checkFromToIndex(start, end, length);
      return source.subSequence(from + start, from + end);
    }

    @Override
    public String toString() {
      return source.subSequence(from, from + length).toString();
    }
  }
}
