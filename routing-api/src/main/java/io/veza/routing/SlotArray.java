package io.veza.routing;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A persistent array from slot to value: a 64-ary tree whose {@link #set} copies one node per level (O(log64 n))
 * and shares the rest, and whose {@link #get} is one load per level. Immutable and thread-safe.
 *
 * @param <T> the element type
 */
final class SlotArray<T> {
  private static final int BITS = 6;
  private static final int FAN = 1 << BITS;
  private static final int MASK = FAN - 1;
  private static final SlotArray<?> EMPTY = new SlotArray<>(new Object[FAN], 0);

  private final Object[] root;
  private final int height;

  private SlotArray(Object[] root, int height) {
    this.root = root;
    this.height = height;
  }

  @SuppressWarnings("unchecked")
  static <T> SlotArray<T> empty() {
    return (SlotArray<T>) EMPTY;
  }

  private long capacity() {
    return 1L << (BITS * (height + 1));
  }

  /** The value at {@code slot}, or null. */
  @SuppressWarnings("unchecked")
  @Nullable T get(int slot) {
    if (slot < 0 || slot >= capacity()) {
      return null;
    }
    Object[] node = root;
    for (int level = height; level > 0; level--) {
      node = (Object[]) node[(slot >>> (BITS * level)) & MASK];
      if (node == null) {
        return null;
      }
    }
    return (T) node[slot & MASK];
  }

  /** A copy with {@code slot} set to {@code value} (null clears it). */
  SlotArray<T> set(int slot, @Nullable T value) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be >= 0, was " + slot);
    }
    Object[] r = root;
    int h = height;
    while (slot >= (1L << (BITS * (h + 1)))) {
      Object[] up = new Object[FAN];
      up[0] = r;
      r = up;
      h++;
    }
    return new SlotArray<>(set(r, h, slot, value), h);
  }

  private static Object[] set(@Nullable Object[] node, int level, int slot, @Nullable Object value) {
    Object[] copy = node == null ? new Object[FAN] : Arrays.copyOf(node, FAN);
    int i = (slot >>> (BITS * level)) & MASK;
    if (level == 0) {
      copy[i] = value;
    } else {
      copy[i] = set((Object[]) copy[i], level - 1, slot, value);
    }
    return copy;
  }
}
