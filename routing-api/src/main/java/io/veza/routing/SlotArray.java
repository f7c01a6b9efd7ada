package io.veza.routing;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A persistent array from slot to value, immutable and thread-safe. Two layouts:
 *
 * <ul>
 *   <li><b>flat</b> while every slot set so far is below {@value #FLAT_LIMIT} (every pool of ordinary size): one
 *       array, so that {@link #get} is one bounds check and one load, small enough to inline into the request path;
 *       {@link #set} copies it (at most {@value #FLAT_LIMIT} references). Slots change only with membership, never
 *       with health, so the copy is paid per join or leave.
 *   <li><b>tree</b> beyond: a 64-ary tree whose {@link #set} copies one node per level (O(log64 n)) and shares the
 *       rest, and whose {@link #get} is one load per level. A flat array that must hold a slot at or above the limit
 *       becomes a tree once.
 * </ul>
 *
 * @param <T> the element type
 */
final class SlotArray<T> {
  /** Slots below this are held in one flat array. */
  static final int FLAT_LIMIT = 1024;
  private static final int BITS = 6;
  private static final int FAN = 1 << BITS;
  private static final int MASK = FAN - 1;
  private static final SlotArray<?> EMPTY = new SlotArray<>(new Object[FAN], null, 0);

  /** The flat layout's array (its length a power of two, at most {@link #FLAT_LIMIT}), or null for a tree. */
  private final Object @Nullable [] flat;
  private final Object @Nullable [] root;
  private final int height;

  private SlotArray(Object @Nullable [] flat, Object @Nullable [] root, int height) {
    this.flat = flat;
    this.root = root;
    this.height = height;
  }

  @SuppressWarnings("unchecked")
  static <T> SlotArray<T> empty() {
    return (SlotArray<T>) EMPTY;
  }

  /** The value at {@code slot}, or null. */
  @SuppressWarnings("unchecked")
  @Nullable T get(int slot) {
    Object[] f = flat;
    if (f != null) {
      return slot >= 0 && slot < f.length ? (T) f[slot] : null;
    }
    return treeGet(slot);
  }

  @SuppressWarnings("unchecked")
  private @Nullable T treeGet(int slot) {
    if (slot < 0 || slot >= capacity(height)) {
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

  private static long capacity(int height) {
    return 1L << (BITS * (height + 1));
  }

  /** A copy with {@code slot} set to {@code value} (null clears it). */
  SlotArray<T> set(int slot, @Nullable T value) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be >= 0, was " + slot);
    }
    Object[] f = flat;
    if (f != null && slot < FLAT_LIMIT) {
      int length = f.length;
      while (length <= slot) {
        length <<= 1;
      }
      Object[] copy = Arrays.copyOf(f, length);
      copy[slot] = value;
      return new SlotArray<>(copy, null, 0);
    }
    SlotArray<T> tree = f == null ? this : treeOf(f);
    Object[] r = tree.root;
    int h = tree.height;
    while (slot >= capacity(h)) {
      Object[] up = new Object[FAN];
      up[0] = r;
      r = up;
      h++;
    }
    return new SlotArray<>(null, set(r, h, slot, value), h);
  }

  /** The tree layout of a flat array's values. */
  @SuppressWarnings("unchecked")
  private static <T> SlotArray<T> treeOf(Object[] flat) {
    SlotArray<T> tree = new SlotArray<>(null, new Object[FAN], 0);
    for (int i = 0; i < flat.length; i++) {
      if (flat[i] != null) {
        tree = tree.set(i, (T) flat[i]);
      }
    }
    return tree;
  }

  private static Object[] set(Object @Nullable [] node, int level, int slot, @Nullable Object value) {
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
