package io.veza.routing.hash;

/**
 * Per-thread scratch space that lets {@link Utf8KeyHasher} hash an ASCII {@link String} at byte-array speed:
 * the characters are copied with the JDK's intrinsic bulk copies ({@code String.getChars}, {@code String.getBytes})
 * instead of being read one {@code charAt} at a time.
 *
 * <p>One instance per thread, created on the thread's first call (about 1 KiB, the only allocation), then reused:
 * the hot path allocates nothing. Keys longer than {@link #CAPACITY} chars take the on-the-fly UTF-8 reader
 * instead. With virtual threads every new virtual thread pays that first allocation once.
 */
final class Scratch {

  /** Longest key (in chars) copied into the scratch arrays. */
  static final int CAPACITY = 256;

  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  final byte[] bytes = new byte[CAPACITY];
  private final char[] chars = new char[CAPACITY];
  private final RangeView view = new RangeView();

  private Scratch() {}

  static Scratch get() {
    return LOCAL.get();
  }

  /**
   * Copies chars {@code [from, to)} of {@code s} ({@code to - from <= CAPACITY}) and returns whether all are ASCII;
   * if so, {@link #bytes}{@code [0, to - from)} hold them, which is exactly their UTF-8 encoding.
   */
  boolean asciiBytes(String s, int from, int to) {
    int n = to - from;
    char[] c = chars;
    s.getChars(from, to, c, 0); // intrinsic: Latin-1 inflate or UTF-16 copy
    int seen = 0;
    for (int i = 0; i < n; i++) {
      seen |= c[i];
    }
    if (seen >= 0x80) {
      return false;
    }
    s.getBytes(from, to, bytes, 0); // low byte of each char (deprecated for charsets, exact for ASCII)
    return true;
  }

  /**
   * A view of {@code source[from, to)} for the general reader; {@link #release} it after use. Returns a fresh
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
