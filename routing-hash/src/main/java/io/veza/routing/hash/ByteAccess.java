package io.veza.routing.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian reads from a byte source addressed by an opaque {@code long} cursor. For arrays and buffers the
 * cursor is the byte index; for UTF-8 encoded characters it packs a char index and a byte index inside that
 * char's encoding, so the hash functions can walk the encoding sequentially without materialising it.
 *
 * <p>Every reader is a stateless singleton; the cursor lives in the caller's local variables (no allocation).
 */
abstract class ByteAccess<T> {

  /** 8 bytes at {@code cursor}, little-endian. */
  abstract long i64(T in, long cursor);

  /** 4 bytes at {@code cursor}, little-endian, zero-extended. */
  abstract long u32(T in, long cursor);

  /** 1 byte at {@code cursor}, zero-extended. */
  abstract int u8(T in, long cursor);

  /** The cursor {@code n} bytes after {@code cursor}. */
  abstract long skip(T in, long cursor, long n);

  private static final VarHandle ARRAY_I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle ARRAY_I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BUFFER_I64 =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BUFFER_I32 =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static long arrayI64(byte[] a, int index) {
    return (long) ARRAY_I64.get(a, index);
  }

  static long arrayU32(byte[] a, int index) {
    return (int) ARRAY_I32.get(a, index) & 0xFFFFFFFFL;
  }

  static final ByteAccess<byte[]> ARRAY = new ByteAccess<>() {
    @Override
    long i64(byte[] in, long cursor) {
      return (long) ARRAY_I64.get(in, (int) cursor);
    }

    @Override
    long u32(byte[] in, long cursor) {
      return (int) ARRAY_I32.get(in, (int) cursor) & 0xFFFFFFFFL;
    }

    @Override
    int u8(byte[] in, long cursor) {
      return in[(int) cursor] & 0xFF;
    }

    @Override
    long skip(byte[] in, long cursor, long n) {
      return cursor + n;
    }
  };

  /** Absolute reads: independent of the buffer's position and byte order, never moves the position. */
  static final ByteAccess<ByteBuffer> BUFFER = new ByteAccess<>() {
    @Override
    long i64(ByteBuffer in, long cursor) {
      return (long) BUFFER_I64.get(in, (int) cursor);
    }

    @Override
    long u32(ByteBuffer in, long cursor) {
      return (int) BUFFER_I32.get(in, (int) cursor) & 0xFFFFFFFFL;
    }

    @Override
    int u8(ByteBuffer in, long cursor) {
      return in.get((int) cursor) & 0xFF;
    }

    @Override
    long skip(ByteBuffer in, long cursor, long n) {
      return cursor + n;
    }
  };

  /** Characters all below 0x80: the UTF-8 encoding is one byte per char, the cursor is the char index. */
  static final ByteAccess<CharSequence> ASCII = new ByteAccess<>() {
    @Override
    long i64(CharSequence in, long cursor) {
      int i = (int) cursor;
      return (long) in.charAt(i)
          | (long) in.charAt(i + 1) << 8
          | (long) in.charAt(i + 2) << 16
          | (long) in.charAt(i + 3) << 24
          | (long) in.charAt(i + 4) << 32
          | (long) in.charAt(i + 5) << 40
          | (long) in.charAt(i + 6) << 48
          | (long) in.charAt(i + 7) << 56;
    }

    @Override
    long u32(CharSequence in, long cursor) {
      int i = (int) cursor;
      return (long) in.charAt(i)
          | (long) in.charAt(i + 1) << 8
          | (long) in.charAt(i + 2) << 16
          | (long) in.charAt(i + 3) << 24;
    }

    @Override
    int u8(CharSequence in, long cursor) {
      return in.charAt((int) cursor);
    }

    @Override
    long skip(CharSequence in, long cursor, long n) {
      return cursor + n;
    }
  };

  /**
   * Any characters, read as their UTF-8 encoding (the same bytes as {@code String.getBytes(UTF_8)}: a surrogate
   * pair is one 4-byte sequence, an unpaired surrogate is {@code '?'}). Cursor = {@code charIndex << 2 | k}, where
   * {@code k} is the index of the next byte inside the encoding of the code point that starts at
   * {@code charIndex}.
   */
  static final ByteAccess<CharSequence> UTF8 = new ByteAccess<>() {
    @Override
    long i64(CharSequence in, long cursor) {
      return read(in, cursor, 8);
    }

    @Override
    long u32(CharSequence in, long cursor) {
      return read(in, cursor, 4);
    }

    @Override
    int u8(CharSequence in, long cursor) {
      return (int) read(in, cursor, 1);
    }

    @Override
    long skip(CharSequence in, long cursor, long n) {
      int ci = (int) (cursor >>> 2);
      int k = (int) (cursor & 3);
      long left = n;
      while (left > 0) {
        long e = encode(in, ci);
        int len = (int) (e >>> 32) & 7;
        int avail = len - k;
        if (left < avail) {
          return (long) ci << 2 | (k + left);
        }
        left -= avail;
        ci += (int) (e >>> 35);
        k = 0;
      }
      return (long) ci << 2 | k;
    }
  };

  /** Reads {@code n <= 8} bytes of the UTF-8 encoding starting at {@code cursor}, little-endian. */
  static long read(CharSequence in, long cursor, int n) {
    int ci = (int) (cursor >>> 2);
    int k = (int) (cursor & 3);
    long result = 0;
    int got = 0;
    while (got < n) {
      long e = encode(in, ci);
      int len = (int) (e >>> 32) & 7;
      int take = Math.min(len - k, n - got);
      long part = ((e & 0xFFFFFFFFL) >>> (k << 3)) & (-1L >>> (64 - (take << 3)));
      result |= part << (got << 3);
      got += take;
      ci += (int) (e >>> 35);
      k = 0;
    }
    return result;
  }

  /**
   * The UTF-8 encoding of the code point starting at char {@code ci}: bits 0..31 the bytes (first byte lowest),
   * bits 32..34 the byte count (1..4), bits 35.. the number of chars consumed (1 or 2).
   */
  static long encode(CharSequence in, int ci) {
    char c = in.charAt(ci);
    if (c < 0x80) {
      return c | 1L << 32 | 1L << 35;
    }
    if (c < 0x800) {
      return (0xC0 | c >>> 6) | (0x80 | c & 0x3F) << 8 | 2L << 32 | 1L << 35;
    }
    if (Character.isSurrogate(c)) {
      if (Character.isHighSurrogate(c) && ci + 1 < in.length()) {
        char d = in.charAt(ci + 1);
        if (Character.isLowSurrogate(d)) {
          int cp = Character.toCodePoint(c, d);
          long bytes = (0xF0 | cp >>> 18)
              | (0x80 | cp >>> 12 & 0x3F) << 8
              | (0x80 | cp >>> 6 & 0x3F) << 16
              | (long) (0x80 | cp & 0x3F) << 24;
          return bytes | 4L << 32 | 2L << 35;
        }
      }
      return '?' | 1L << 32 | 1L << 35;
    }
    return (0xE0 | c >>> 12) | (0x80 | c >>> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16 | 3L << 32 | 1L << 35;
  }

  /** Number of UTF-8 bytes of {@code in}, given that the chars before {@code from} are ASCII. */
  static long utf8Length(CharSequence in, int from) {
    long len = from;
    int n = in.length();
    int i = from;
    while (i < n) {
      char c = in.charAt(i);
      if (c < 0x80) {
        len += 1;
        i++;
      } else if (c < 0x800) {
        len += 2;
        i++;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(in.charAt(i + 1))) {
        len += 4;
        i += 2;
      } else if (Character.isSurrogate(c)) {
        len += 1;
        i++;
      } else {
        len += 3;
        i++;
      }
    }
    return len;
  }

  /** Index of the first char {@code >= 0x80}, or {@code in.length()} if all are ASCII. */
  static int asciiPrefix(CharSequence in) {
    int n = in.length();
    int i = 0;
    while (i < n && in.charAt(i) < 0x80) {
      i++;
    }
    return i;
  }
}
