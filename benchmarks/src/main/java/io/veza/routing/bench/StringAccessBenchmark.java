package io.veza.routing.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What it costs to get the UTF-8 bytes of a 36-character ASCII {@code String} (a track id) into a reusable
 * {@code byte[]} with public JDK APIs, without allocating: the step that separates {@code TrackIdBenchmark.veza}
 * (a {@code String}) from {@code vezaBytes} (bytes), and why issue 12's 5x-Guava goal is met for bytes and missed for
 * a {@code String}. Every method but {@code getBytesUtf8} writes into the same scratch arrays; each is exact for every
 * String unless its name says it checks nothing.
 *
 * <ul>
 *   <li>{@code checkThenCopy}: what {@code Utf8KeyHasher} does: one {@code charAt} pass ORs the chars, then
 *       {@code getBytes(int, int, byte[], int)} copies their low bytes;</li>
 *   <li>{@code onePassStore}: one {@code charAt} pass that stores each byte and ORs the chars;</li>
 *   <li>{@code getCharsThenCompress}: {@code getChars} (an intrinsic copy), then a loop over the {@code char[]};</li>
 *   <li>{@code encoderAscii}, {@code encoderUtf8}: {@code getChars}, then a reused {@code CharsetEncoder} between
 *       reused buffers;</li>
 *   <li>{@code getBytesUtf8}: {@code String.getBytes(UTF_8)}: vectorised, but allocates the array;</li>
 *   <li>{@code orOnly}, {@code copyOnly}, {@code getCharsOnly}: a check or a copy alone, so exact for nothing: the
 *       floors the exact ones are made of;</li>
 *   <li>{@code segmentSetString} (JDK 22+; on an older JDK its setup fails and the others run): the one public API
 *       that reaches the JDK's vectorised ASCII test ({@code String.bytesCompatible}, JDK 25):
 *       {@code MemorySegment.ofArray(bytes).setString(0, s, UTF_8)} copies an ASCII {@code String}'s bytes without
 *       allocating, then a pass over the copied bytes 8 at a time proves it was ASCII (a non-ASCII char puts a lead
 *       byte, which is negative, at its own index; such a string is encoded by {@code getBytes}, which
 *       allocates). Called through a {@code MethodHandle}, as a release-17 build must, constant-folded by the JIT.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class StringAccessBenchmark {

  private String[] ids;
  private final byte[] bytes = new byte[256];
  private final char[] chars = new char[256];
  private final CharBuffer charBuffer = CharBuffer.wrap(chars);
  private final ByteBuffer byteBuffer = ByteBuffer.wrap(bytes);
  private final CharsetEncoder ascii = StandardCharsets.US_ASCII.newEncoder();
  private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
  private int i;

  @Setup
  public void setup() {
    ids = Keys.trackIds(0x5eed_0002L);
    for (String id : ids) {
      if (checkThenCopy(id) != id.length() || onePassStore(id) != id.length() || getCharsThenCompress(id) != id.length()
          || encode(ascii, id) != id.length() || encode(utf8, id) != id.length()) {
        throw new IllegalStateException("a variant disagrees on " + id);
      }
    }
    if (checkThenCopy("é" + ids[0]) != -1 || onePassStore("é" + ids[0]) != -1 || encode(ascii, "é" + ids[0]) != -1) {
      throw new IllegalStateException("a variant accepts a non-ASCII string");
    }
  }

  private String next() {
    return ids[i++ & Keys.MASK];
  }

  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): exact for ASCII, which the pass before checks
  private int checkThenCopy(String s) {
    int n = s.length();
    int seen = 0;
    for (int k = 0; k < n; k++) {
      seen |= s.charAt(k);
    }
    if (seen >= 0x80) {
      return -1;
    }
    s.getBytes(0, n, bytes, 0);
    return n;
  }

  private int onePassStore(String s) {
    int n = s.length();
    byte[] b = bytes;
    int seen = 0;
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      b[k] = (byte) c;
      seen |= c;
    }
    return seen >= 0x80 ? -1 : n;
  }

  private int getCharsThenCompress(String s) {
    int n = s.length();
    s.getChars(0, n, chars, 0);
    char[] c = chars;
    byte[] b = bytes;
    int seen = 0;
    for (int k = 0; k < n; k++) {
      char x = c[k];
      b[k] = (byte) x;
      seen |= x;
    }
    return seen >= 0x80 ? -1 : n;
  }

  /** The encoded length, or -1 when the encoder stops on an unmappable char. */
  private int encode(CharsetEncoder encoder, String s) {
    int n = s.length();
    s.getChars(0, n, chars, 0);
    charBuffer.clear().limit(n);
    byteBuffer.clear();
    encoder.reset();
    CoderResult r = encoder.encode(charBuffer, byteBuffer, true);
    return r.isUnderflow() && !charBuffer.hasRemaining() ? byteBuffer.position() : -1;
  }

  @Benchmark
  public int checkThenCopy() {
    return checkThenCopy(next());
  }

  @Benchmark
  public int onePassStore() {
    return onePassStore(next());
  }

  @Benchmark
  public int getCharsThenCompress() {
    return getCharsThenCompress(next());
  }

  @Benchmark
  public int encoderAscii() {
    return encode(ascii, next());
  }

  @Benchmark
  public int encoderUtf8() {
    return encode(utf8, next());
  }

  @Benchmark
  public byte[] getBytesUtf8() {
    return next().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public int orOnly() {
    String s = next();
    int seen = 0;
    for (int k = 0; k < s.length(); k++) {
      seen |= s.charAt(k);
    }
    return seen;
  }

  @Benchmark
  @SuppressWarnings("deprecation") // measures the bare copy
  public byte copyOnly() {
    String s = next();
    s.getBytes(0, s.length(), bytes, 0);
    return bytes[5];
  }

  @Benchmark
  public char getCharsOnly() {
    String s = next();
    s.getChars(0, s.length(), chars, 0);
    return chars[5];
  }

  @Benchmark
  public int segmentSetString(Segment segment) throws Throwable {
    return segment.copy(next());
  }

  /** {@code MemorySegment.setString} over a reused array, looked up at run time (JDK 22+). */
  @State(Scope.Thread)
  public static class Segment {
    private static final MethodHandle OF_ARRAY;
    private static final MethodHandle SET_STRING;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
      MethodHandle ofArray = null;
      MethodHandle setString = null;
      try {
        Class<?> type = Class.forName("java.lang.foreign.MemorySegment");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        ofArray = lookup.findStatic(type, "ofArray", MethodType.methodType(type, byte[].class))
            .asType(MethodType.methodType(Object.class, byte[].class));
        setString = lookup.findVirtual(type, "setString",
                MethodType.methodType(void.class, long.class, String.class, Charset.class))
            .asType(MethodType.methodType(void.class, Object.class, long.class, String.class, Charset.class));
      } catch (ReflectiveOperationException e) {
        // before JDK 22: setup() says so
      }
      OF_ARRAY = ofArray;
      SET_STRING = setString;
    }

    /** Room for the UTF-8 of a 256-char key and the terminator setString appends. */
    private final byte[] bytes = new byte[3 * 256 + 1];
    private Object segment;

    @Setup
    public void setup() throws Throwable {
      if (SET_STRING == null) {
        throw new UnsupportedOperationException("segmentSetString needs JDK 22+ (java.lang.foreign.MemorySegment)");
      }
      segment = (Object) OF_ARRAY.invokeExact(bytes);
      for (String id : Keys.trackIds(0x5eed_0002L)) {
        if (copy(id) != id.length()
            || !java.util.Arrays.equals(bytes, 0, id.length(), id.getBytes(StandardCharsets.US_ASCII), 0, id.length())) {
          throw new IllegalStateException("setString disagrees on " + id);
        }
        if (copy("\u00e9" + id) != -1 || copy(id + "\u0141") != -1) {
          throw new IllegalStateException("setString accepts a non-ASCII string");
        }
      }
    }

    /** The length of {@code s} if it is ASCII, its bytes copied to {@link #bytes}; else -1. */
    int copy(String s) throws Throwable {
      SET_STRING.invokeExact(segment, 0L, s, StandardCharsets.UTF_8);
      int n = s.length();
      long seen = 0;
      int k = 0;
      for (; k + 8 <= n; k += 8) {
        seen |= (long) LONGS.get(bytes, k);
      }
      for (; k < n; k++) {
        seen |= bytes[k];
      }
      return (seen & 0x8080808080808080L) != 0 ? -1 : n; // a negative tail byte sign-extends into bit 7
    }
  }
}
