package io.veza.routing;

import io.veza.routing.hash.KeyHasher;

/**
 * Hashes a character range of a {@link CharSequence} with a {@link KeyHasher} without copying it.
 *
 * <p>{@code KeyHasher} hashes a whole {@code CharSequence}; a range is presented to it through a per-thread
 * reusable view, so hashing a URI prefix or a path segment allocates nothing after the thread's first call. The
 * result equals {@code hasher.hash(source.subSequence(from, to))}.
 */
final class RangeHashing {
  private static final ThreadLocal<RangeView> VIEW = ThreadLocal.withInitial(RangeView::new);

  private RangeHashing() {}

  static long hash(KeyHasher hasher, CharSequence source, int from, int to) {
    if (from == 0 && to == source.length()) {
      return hasher.hash(source);
    }
    RangeView view = VIEW.get();
    view.set(source, from, to);
    try {
      return hasher.hash(view);
    } finally {
      view.set(null, 0, 0); // do not retain the request's characters
    }
  }

  /** A mutable window over another sequence; confined to one thread. */
  static final class RangeView implements CharSequence {
    private CharSequence source;
    private int from;
    private int length;

    void set(CharSequence source, int from, int to) {
      this.source = source;
      this.from = from;
      this.length = to - from;
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
      return source.subSequence(from + start, from + end);
    }

    @Override
    public String toString() {
      return source.subSequence(from, from + length).toString();
    }
  }
}
