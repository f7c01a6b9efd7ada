package io.veza.routing.bench.compare;

/** Analytic sizes for a 64-bit HotSpot JVM with compressed oops (the default below 32 GB heaps). */
final class Sizes {
  static final int ARRAY_HEADER = 16;
  static final int OBJECT_HEADER = 12;

  private Sizes() {}

  static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  static long array(int length, int elementBytes) {
    return align(ARRAY_HEADER + (long) length * elementBytes);
  }

  static long object(int referenceFields, int intFields, int longFields) {
    return align(OBJECT_HEADER + 4L * referenceFields + 4L * intFields + 8L * longFields);
  }
}
