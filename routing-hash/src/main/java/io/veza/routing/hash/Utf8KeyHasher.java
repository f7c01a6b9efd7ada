package io.veza.routing.hash;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The part of a {@link KeyHasher} that does not depend on the hash function: how characters, arrays and buffers
 * are turned into a byte sequence read through {@link ByteAccess}. Subclasses implement the function once, over
 * {@code ByteAccess}.
 *
 * <p>Characters: an ASCII {@code String} of {@link #SCRATCH_MIN} to {@link Scratch#CAPACITY} chars is bulk-copied
 * into a per-thread {@code byte[]} and hashed there (no allocation after the thread's first call); any other
 * {@code CharSequence}, a shorter or longer one, or one with non-ASCII chars is encoded to UTF-8 on the fly. Up to
 * 16 bytes XXH3 reads at most 16 chars, which the direct reader does faster than the copy.
 */
abstract class Utf8KeyHasher implements KeyHasher {

  /** Shortest key (in chars) hashed through the scratch copy. */
  static final int SCRATCH_MIN = 17;

  /** Hashes {@code len} bytes read through {@code a} from cursor {@code p} of {@code in}. */
  abstract <T> long hash(T in, long p, long len, ByteAccess<T> a);

  /** The UTF-8 hash of all of {@code key} without the scratch copy: ASCII reader or UTF-8 reader. */
  long hashChars(CharSequence key) {
    int ascii = ByteAccess.asciiPrefix(key);
    if (ascii == key.length()) {
      return hash(key, 0, ascii, ByteAccess.ASCII);
    }
    return hash(key, 0, ByteAccess.utf8Length(key, ascii), ByteAccess.UTF8);
  }

  @Override
  public final long hash(CharSequence key) {
    if (key instanceof String) {
      String s = (String) key;
      int n = s.length();
      if (n >= SCRATCH_MIN && n <= Scratch.CAPACITY) {
        Scratch scratch = Scratch.get();
        if (scratch.asciiBytes(s, 0, n)) {
          return hash(scratch.bytes, 0, n, ByteAccess.ARRAY);
        }
      }
    }
    return hashChars(key);
  }

  @Override
  public final long hash(CharSequence key, int from, int to) {
    Objects.checkFromToIndex(from, to, key.length());
    if (from == 0 && to == key.length()) {
      return hash(key);
    }
    Scratch scratch = Scratch.get();
    if (key instanceof String && to - from >= SCRATCH_MIN && to - from <= Scratch.CAPACITY
        && scratch.asciiBytes((String) key, from, to)) {
      return hash(scratch.bytes, 0, to - from, ByteAccess.ARRAY);
    }
    Scratch.RangeView view = scratch.view(key, from, to);
    try {
      return hashChars(view);
    } finally {
      view.release();
    }
  }

  @Override
  public final long hashUntil(CharSequence key, int from, int to, char stop) {
    Objects.checkFromToIndex(from, to, key.length());
    if (key instanceof String && to - from >= SCRATCH_MIN && to - from <= Scratch.CAPACITY) {
      // one pass finds the stop and checks the chars before it; a short key is still hashed from the copy
      Scratch scratch = Scratch.get();
      int end = scratch.asciiBytesUntil((String) key, from, to, stop);
      if (end >= 0) {
        return hash(scratch.bytes, 0, end - from, ByteAccess.ARRAY);
      }
    }
    return KeyHasher.super.hashUntil(key, from, to, stop); // search, then hash the range
  }

  @Override
  public final long hash(byte[] key) {
    return hash(key, 0, key.length, ByteAccess.ARRAY);
  }

  @Override
  public final long hash(byte[] key, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, key.length);
    return hash(key, offset, length, ByteAccess.ARRAY);
  }

  @Override
  public final long hash(ByteBuffer key) {
    return hash(key, key.position(), key.remaining(), ByteAccess.BUFFER);
  }
}
