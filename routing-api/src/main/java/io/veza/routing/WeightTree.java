package io.veza.routing;

import java.util.Arrays;

/**
 * A persistent (immutable, structurally shared) array of non-negative integer weights indexed by slot, with prefix
 * sums and the gcd of the weights, for round robin over a live pool.
 *
 * <p>A 64-ary tree: leaves hold 64 slots' inclusive prefix sums, inner nodes their children's inclusive prefix sums.
 * {@link #set} copies one node per level (O(log64 n), about 1.5 KB at 10,000 slots) and shares the rest, so a
 * routing table can be republished after every health change without copying the pool. {@link #find} descends one
 * node per level with a binary search: O(log n). Capacity grows by adding a root level. Immutable and thread-safe.
 */
final class WeightTree {
  private static final int BITS = 6;
  private static final int FAN = 1 << BITS;
  private static final int MASK = FAN - 1;
  static final WeightTree EMPTY = new WeightTree(new Leaf(new int[FAN], 0), 0);

  private final Node root;
  /** Number of levels below the root (0: the root is a leaf). */
  private final int height;

  private WeightTree(Node root, int height) {
    this.root = root;
    this.height = height;
  }

  /** Sum of all weights. */
  long total() {
    return root.total();
  }

  /** Greatest common divisor of the non-zero weights, 0 if all are 0. */
  int gcd() {
    return root.gcd();
  }

  /** Number of slots the tree can hold without growing: 64^(height+1). */
  long capacity() {
    return 1L << (BITS * (height + 1));
  }

  /** The weight of {@code slot}, 0 beyond the capacity. */
  int weight(int slot) {
    if (slot < 0 || slot >= capacity()) {
      return 0;
    }
    Node n = root;
    for (int level = height; level > 0; level--) {
      n = ((Inner) n).children[(slot >>> (BITS * level)) & MASK];
      if (n == null) {
        return 0;
      }
    }
    return ((Leaf) n).weight(slot & MASK);
  }

  /** A tree with {@code slot}'s weight set to {@code weight}; {@code this} if unchanged. */
  WeightTree set(int slot, int weight) {
    if (slot < 0 || weight < 0) {
      throw new IllegalArgumentException("slot and weight must be >= 0, were " + slot + ", " + weight);
    }
    if (weight(slot) == weight) {
      return this;
    }
    Node r = root;
    int h = height;
    while (slot >= (1L << (BITS * (h + 1)))) {
      Node[] children = new Node[FAN];
      children[0] = r;
      r = Inner.of(children);
      h++;
    }
    return new WeightTree(set(r, h, slot, weight), h);
  }

  private static Node set(Node n, int level, int slot, int weight) {
    if (level == 0) {
      return ((Leaf) n).with(slot & MASK, weight);
    }
    Inner inner = (Inner) n;
    int i = (slot >>> (BITS * level)) & MASK;
    Node child = inner.children[i];
    if (child == null) {
      child = empty(level - 1);
    }
    return inner.with(i, set(child, level - 1, slot, weight));
  }

  private static Node empty(int level) {
    return level == 0 ? new Leaf(new int[FAN], 0) : Inner.of(new Node[FAN]);
  }

  /**
   * The slot whose weight interval contains {@code position}: the smallest slot {@code s} with
   * {@code sum(weights[0..s]) > position}. Requires {@code 0 <= position < total()}.
   */
  int find(long position) {
    Node n = root;
    int slot = 0;
    long p = position;
    for (int level = height; level > 0; level--) {
      Inner inner = (Inner) n;
      int i = inner.indexOf(p);
      if (i > 0) {
        p -= inner.prefix[i - 1];
      }
      slot |= i << (BITS * level);
      n = inner.children[i];
    }
    return slot | ((Leaf) n).indexOf((int) p);
  }

  /** Sum of the weights of the slots before {@code slot}. O(log n). */
  long sumBefore(int slot) {
    if (slot <= 0) {
      return 0;
    }
    if (slot >= capacity()) {
      return total();
    }
    Node n = root;
    long sum = 0;
    for (int level = height; level > 0; level--) {
      Inner inner = (Inner) n;
      int i = (slot >>> (BITS * level)) & MASK;
      if (i > 0) {
        sum += inner.prefix[i - 1];
      }
      n = inner.children[i];
      if (n == null) {
        return sum;
      }
    }
    int i = slot & MASK;
    return i == 0 ? sum : sum + ((Leaf) n).prefix[i - 1];
  }

  /** Visitor of the non-zero weights in slot order. */
  interface SlotVisitor {
    void visit(int slot, int weight);
  }

  /** Visits every slot with a non-zero weight, in slot order, skipping empty subtrees. O(non-zero slots * log n). */
  void forEachNonZero(SlotVisitor visitor) {
    visit(root, height, 0, visitor);
  }

  private static void visit(Node n, int level, int base, SlotVisitor visitor) {
    if (n.total() == 0) {
      return;
    }
    if (level == 0) {
      Leaf leaf = (Leaf) n;
      for (int i = 0; i < FAN; i++) {
        int w = leaf.weight(i);
        if (w != 0) {
          visitor.visit(base | i, w);
        }
      }
      return;
    }
    Inner inner = (Inner) n;
    for (int i = 0; i < FAN; i++) {
      Node c = inner.children[i];
      if (c != null) {
        visit(c, level - 1, base | (i << (BITS * level)), visitor);
      }
    }
  }

  private abstract static class Node {
    abstract long total();

    abstract int gcd();
  }

  private static final class Leaf extends Node {
    /** Inclusive prefix sums of the 64 weights. */
    final int[] prefix;
    final int gcd;

    Leaf(int[] prefix, int gcd) {
      this.prefix = prefix;
      this.gcd = gcd;
    }

    int weight(int i) {
      return i == 0 ? prefix[0] : prefix[i] - prefix[i - 1];
    }

    Leaf with(int i, int weight) {
      int delta = weight - weight(i);
      int[] p = prefix.clone();
      for (int k = i; k < FAN; k++) {
        p[k] += delta;
      }
      int g = 0;
      for (int k = 0; k < FAN && g != 1; k++) { // once 1, the gcd stays 1
        g = WeightTree.gcd(g, k == 0 ? p[0] : p[k] - p[k - 1]);
      }
      return new Leaf(p, g);
    }

    @Override
    long total() {
      return prefix[FAN - 1];
    }

    @Override
    int gcd() {
      return gcd;
    }

    /** First index with prefix > p. */
    int indexOf(int p) {
      int lo = 0;
      int hi = FAN - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (prefix[mid] > p) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }

  private static final class Inner extends Node {
    final Node[] children;
    final long[] prefix;
    final int gcd;

    private Inner(Node[] children, long[] prefix, int gcd) {
      this.children = children;
      this.prefix = prefix;
      this.gcd = gcd;
    }

    static Inner of(Node[] children) {
      long[] prefix = new long[FAN];
      long sum = 0;
      int g = 0;
      for (int k = 0; k < FAN; k++) {
        Node c = children[k];
        if (c != null) {
          sum += c.total();
          if (g != 1) {
            g = WeightTree.gcd(g, c.gcd());
          }
        }
        prefix[k] = sum;
      }
      return new Inner(children, prefix, g);
    }

    Inner with(int i, Node child) {
      Node[] c = Arrays.copyOf(children, FAN);
      c[i] = child;
      return of(c);
    }

    @Override
    long total() {
      return prefix[FAN - 1];
    }

    @Override
    int gcd() {
      return gcd;
    }

    int indexOf(long p) {
      int lo = 0;
      int hi = FAN - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (prefix[mid] > p) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
