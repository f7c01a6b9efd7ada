package io.veza.routing.hash;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A 64-bit hash of routing keys (track ids, session ids, ...), defined over bytes.
 *
 * <p>Every method hashes a byte sequence with the algorithm the instance was created for (see
 * {@link KeyHashers}), so the result can be recomputed by any other implementation of that algorithm, in any
 * language:
 * <ul>
 *   <li>{@link #hash(CharSequence)} hashes the UTF-8 encoding of the characters: exactly the bytes of
 *       {@code key.toString().getBytes(StandardCharsets.UTF_8)} (an unpaired surrogate becomes {@code '?'}),
 *       with no length prefix and no terminator. It does not allocate;</li>
 *   <li>{@link #hash(CharSequence, int, int)} hashes the UTF-8 encoding of a char range, exactly as
 *       {@code hash(key.subSequence(from, to))} would, without creating the subsequence;</li>
 *   <li>{@link #hash(byte[])}, {@link #hash(byte[], int, int)} and {@link #hash(ByteBuffer)} hash the bytes as
 *       given.</li>
 * </ul>
 * So {@code hash("abc") == hash("abc".getBytes(UTF_8))} for every string.
 *
 * <p><b>Speed.</b> An ASCII {@code String} key of 17 to 256 chars is checked in one pass, bulk-copied into a
 * per-thread scratch array and hashed there as bytes; other character sequences are
 * encoded to UTF-8 on the fly. Either way nothing is allocated per call; the scratch array (about 300 bytes)
 * is allocated on a thread's first call, so with virtual threads every new virtual thread pays it once.
 *
 * <p><b>Thread-safety:</b> implementations are immutable; every method is safe to call from any number of
 * threads and allocates nothing after the calling thread's first call. A {@code null} key is a programming error and throws
 * {@link NullPointerException}.
 */
public interface KeyHasher {

  /**
   * Hashes the UTF-8 encoding of {@code key} (same bytes as {@code String.getBytes(UTF_8)}, unpaired surrogates
   * encoded as {@code '?'}), without allocating. ASCII-only keys take a fast path.
   *
   * @param key the characters to hash
   * @return the 64-bit hash
   */
  long hash(CharSequence key);

  /**
   * Hashes the UTF-8 encoding of chars {@code from} (inclusive) to {@code to} (exclusive) of {@code key}: the same
   * value as {@code hash(key.subSequence(from, to))}, including at the range's ends (a surrogate pair cut by the
   * range is an unpaired surrogate, {@code '?'}), without allocating. For hashing a URI prefix, a path segment or a
   * query parameter value in place.
   *
   * @param key the characters
   * @param from index of the first char
   * @param to index after the last char
   * @return the 64-bit hash
   * @throws IndexOutOfBoundsException if {@code from < 0}, {@code to > key.length()} or {@code from > to}
   */
  long hash(CharSequence key, int from, int to);

  /**
   * Hashes chars {@code from} to {@code end} of {@code key}, where {@code end} is the index of the first
   * {@code stop} char at or after {@code from} and before {@code to}, or {@code to} when there is none: the same value
   * as {@code hash(key, from, end)}. For a key that ends at a delimiter, such as a request-target up to its
   * {@code '?'}: an ASCII {@code String} is searched and checked in the one pass that precedes its bulk copy, instead
   * of a search and then a second pass.
   *
   * @param key the characters
   * @param from index of the first char
   * @param to index after the last char that may be hashed
   * @param stop the char that ends the key
   * @return the 64-bit hash
   * @throws IndexOutOfBoundsException if {@code from < 0}, {@code to > key.length()} or {@code from > to}
   */
  default long hashUntil(CharSequence key, int from, int to, char stop) {
    Objects.checkFromToIndex(from, to, key.length());
    int end = from;
    while (end < to && key.charAt(end) != stop) {
      end++;
    }
    return hash(key, from, end);
  }

  /**
   * Hashes all bytes of {@code key}.
   *
   * @param key the bytes to hash
   * @return the 64-bit hash
   */
  long hash(byte[] key);

  /**
   * Hashes {@code length} bytes of {@code key} starting at {@code offset}.
   *
   * @param key the bytes
   * @param offset index of the first byte
   * @param length number of bytes
   * @return the 64-bit hash
   * @throws IndexOutOfBoundsException if the range is not inside {@code key}
   */
  long hash(byte[] key, int offset, int length);

  /**
   * Hashes the remaining bytes of {@code key}, from its position to its limit, without moving the position and
   * independent of the buffer's byte order. Heap, direct and read-only buffers are supported.
   *
   * @param key the bytes
   * @return the 64-bit hash
   */
  long hash(ByteBuffer key);
}
