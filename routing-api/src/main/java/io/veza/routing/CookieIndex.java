package io.veza.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Persistent hash index from a persistence-cookie value to the servers that carry it, so that matching a request's
 * cookie costs O(length of the value), whatever the number of servers. Several servers may share a value (HAProxy
 * allows it); they are kept in slot order and the first cookie-eligible one wins.
 *
 * <p>Buckets live in a {@link SlotArray}, so adding or removing a server copies one bucket and one path of the
 * bucket array (O(1) expected, plus an amortised O(n) rebuild when the table doubles). Lookups hash a region of the
 * request header in place ({@link String#hashCode()}'s polynomial, spread) and compare characters: nothing is
 * allocated. Immutable and thread-safe.
 */
final class CookieIndex {
  static final CookieIndex EMPTY = new CookieIndex(SlotArray.empty(), 15, 0);

  /** One distinct value and its servers in slot order. */
  private record Entry(String value, int hash, Server[] servers) {}

  private final SlotArray<Entry[]> buckets;
  private final int mask;
  private final int size;

  private CookieIndex(SlotArray<Entry[]> buckets, int mask, int size) {
    this.buckets = buckets;
    this.mask = mask;
    this.size = size;
  }

  /** Number of distinct values. */
  int size() {
    return size;
  }

  static int hash(CharSequence s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + s.charAt(i);
    }
    return h ^ (h >>> 16);
  }

  /** The servers whose value equals {@code s[from, to)}, in slot order, or null. Allocation-free. */
  Server @Nullable [] lookup(CharSequence s, int from, int to) {
    int h = hash(s, from, to);
    Entry[] bucket = buckets.get(h & mask);
    if (bucket == null) {
      return null;
    }
    int len = to - from;
    for (Entry e : bucket) {
      if (e.hash == h && e.value.length() == len && regionEquals(s, from, e.value)) {
        return e.servers;
      }
    }
    return null;
  }

  private static boolean regionEquals(CharSequence s, int from, String v) {
    for (int i = 0; i < v.length(); i++) {
      if (s.charAt(from + i) != v.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A copy where {@code server} carries {@code value} (kept in slot order among servers sharing it). */
  CookieIndex add(String value, Server server) {
    int h = hash(value, 0, value.length());
    int b = h & mask;
    Entry[] bucket = buckets.get(b);
    int found = indexOf(bucket, value);
    Entry[] next;
    int newSize = size;
    if (found < 0) {
      next = bucket == null ? new Entry[1] : Arrays.copyOf(bucket, bucket.length + 1);
      next[next.length - 1] = new Entry(value, h, new Server[] {server});
      newSize++;
    } else {
      Server[] old = bucket[found].servers;
      Server[] servers = new Server[old.length + 1];
      int k = 0;
      boolean placed = false;
      for (Server s : old) {
        if (!placed && server.slot() < s.slot()) {
          servers[k++] = server;
          placed = true;
        }
        servers[k++] = s;
      }
      if (!placed) {
        servers[k] = server;
      }
      next = bucket.clone();
      next[found] = new Entry(value, h, servers);
    }
    CookieIndex result = new CookieIndex(buckets.set(b, next), mask, newSize);
    return newSize > (mask + 1) - ((mask + 1) >>> 2) ? result.resized((mask + 1) * 2) : result;
  }

  /** A copy where {@code server} no longer carries {@code value}. */
  CookieIndex remove(String value, Server server) {
    int h = hash(value, 0, value.length());
    int b = h & mask;
    Entry[] bucket = buckets.get(b);
    int found = indexOf(bucket, value);
    if (found < 0) {
      return this;
    }
    Server[] old = bucket[found].servers;
    int at = -1;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == server) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      return this;
    }
    Entry[] next;
    int newSize = size;
    if (old.length == 1) {
      if (bucket.length == 1) {
        next = null;
      } else {
        next = new Entry[bucket.length - 1];
        System.arraycopy(bucket, 0, next, 0, found);
        System.arraycopy(bucket, found + 1, next, found, bucket.length - found - 1);
      }
      newSize--;
    } else {
      Server[] servers = new Server[old.length - 1];
      System.arraycopy(old, 0, servers, 0, at);
      System.arraycopy(old, at + 1, servers, at, old.length - at - 1);
      next = bucket.clone();
      next[found] = new Entry(value, h, servers);
    }
    return new CookieIndex(buckets.set(b, next), mask, newSize);
  }

  private static int indexOf(Entry @Nullable [] bucket, String value) {
    if (bucket == null) {
      return -1;
    }
    for (int i = 0; i < bucket.length; i++) {
      if (bucket[i].value.equals(value)) {
        return i;
      }
    }
    return -1;
  }

  private CookieIndex resized(int capacity) {
    List<Entry> all = new ArrayList<>(size);
    for (int b = 0; b <= mask; b++) {
      Entry[] bucket = buckets.get(b);
      if (bucket != null) {
        all.addAll(Arrays.asList(bucket));
      }
    }
    int newMask = capacity - 1;
    SlotArray<Entry[]> nb = SlotArray.empty();
    for (Entry e : all) {
      int b = e.hash & newMask;
      Entry[] bucket = nb.get(b);
      Entry[] next = bucket == null ? new Entry[1] : Arrays.copyOf(bucket, bucket.length + 1);
      next[next.length - 1] = e;
      nb = nb.set(b, next);
    }
    return new CookieIndex(nb, newMask, size);
  }
}
