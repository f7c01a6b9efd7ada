package io.veza.routing.netty;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * The values of a few header names of one message, each collected in one pass the first time it is asked for, into
 * arrays reused from message to message. Confined to one thread.
 */
final class HeaderIndex {
  static final int CACHED_NAMES = 4;
  /** Arrays grown past this are dropped on {@link #clear()}, so one huge request does not pin memory. */
  private static final int KEEP = 256;

  private @Nullable HttpHeaders headers;
  private final CharSequence[] names = new CharSequence[CACHED_NAMES];
  private final CharSequence[][] values = new CharSequence[CACHED_NAMES][];
  private final int[] counts = new int[CACHED_NAMES];
  private int cached;
  private int nextSlot;

  HeaderIndex() {
    for (int i = 0; i < CACHED_NAMES; i++) {
      values[i] = new CharSequence[4];
    }
  }

  void reset(@Nullable HttpHeaders headers) {
    clear();
    this.headers = headers;
  }

  void clear() {
    for (int i = 0; i < cached; i++) {
      release(i);
      names[i] = null;
    }
    cached = 0;
    nextSlot = 0;
  }

  private void release(int slot) {
    if (values[slot].length > KEEP) {
      values[slot] = new CharSequence[4];
    } else {
      Arrays.fill(values[slot], 0, counts[slot], null);
    }
    counts[slot] = 0;
  }

  int count(CharSequence name) {
    int slot = index(name);
    return slot < 0 ? 0 : counts[slot];
  }

  @Nullable CharSequence get(CharSequence name, int index) {
    if (index < 0) {
      return null;
    }
    int slot = index(name);
    return slot < 0 || index >= counts[slot] ? null : values[slot][index];
  }

  private int index(CharSequence name) {
    for (int i = 0; i < cached; i++) {
      if (AsciiString.contentEqualsIgnoreCase(names[i], name)) {
        return i;
      }
    }
    HttpHeaders h = headers;
    if (h == null) {
      return -1;
    }
    int slot;
    if (cached < CACHED_NAMES) {
      slot = cached++;
    } else {
      slot = nextSlot;
      nextSlot = (nextSlot + 1) % CACHED_NAMES;
      release(slot);
    }
    CharSequence[] v = values[slot];
    int count = 0;
    if (!h.isEmpty()) {
      // DefaultHttpHeaders (what Netty's codecs build) walks a name's values from the newest to the oldest, its
      // getAll() turns them around: the walk is reversed here, so that index 0 is the message's first occurrence, as
      // the views promise (the first SERVERID cookie wins, Set-Cookie and Cache-Control keep their order). Other
      // implementations go through getAll(), whose order is the message's by contract.
      boolean newestFirst = h instanceof DefaultHttpHeaders;
      Iterator<? extends CharSequence> it = newestFirst ? h.valueCharSequenceIterator(name) : h.getAll(name).iterator();
      while (it.hasNext()) {
        if (count == v.length) {
          v = Arrays.copyOf(v, count * 2);
        }
        v[count++] = it.next();
      }
      if (newestFirst) {
        for (int i = 0, j = count - 1; i < j; i++, j--) {
          CharSequence t = v[i];
          v[i] = v[j];
          v[j] = t;
        }
      }
    }
    values[slot] = v;
    counts[slot] = count;
    names[slot] = name;
    return slot;
  }
}
