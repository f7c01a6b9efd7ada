package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The cookie scanners allocate nothing on the paths that leave a header unchanged, measured as in the benchmarks'
 * {@code AllocationFreeTest}: this thread's allocation counter ({@code com.sun.management.ThreadMXBean}, exact to
 * the byte) over {@value #CALLS} calls after warm-up. Any per-call allocation costs at least 16 bytes, i.e. at
 * least 1.6 MB over the run; the 4 KB bound only leaves room for the counter's constant bookkeeping.
 *
 * <p>The counter is read reflectively: test sources compile inside the {@code io.veza.routing} module, which does
 * not read {@code jdk.management}, while the tests run on the class path where the JDK's management classes are
 * reachable. The two reflective reads around the measured loop cost a constant few dozen bytes.
 */
class CookieAllocationTest {

  static final int CALLS = 100_000;
  static final long BOUND = 4096;
  static final int MEASUREMENTS = 3;

  private static final Object THREADS;
  private static final Method ALLOCATED_BYTES;

  static {
    try {
      THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      ALLOCATED_BYTES = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
      currentThreadAllocatedBytes(); // the first reflective call sets up its accessor
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static long currentThreadAllocatedBytes() {
    try {
      return (Long) ALLOCATED_BYTES.invoke(THREADS);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static final String NAME = "SERVERID";
  /** Several cookies, a quoted value with delimiters, a $attribute, a valueless cookie; already normalized. */
  private static final String HEADER =
      "a=1; $Version=1; SERVERID=s1~x; flag; q=\"x;y,z\"; SERVERID=s2~y,\ttail=\"\\\"\"";
  private static final String SET_COOKIE = "other=1; path=/; HttpOnly";

  static long allocatedBy(IntSupplier call) {
    int sink = 0;
    for (int i = 0; i < 10_000; i++) {
      sink += call.getAsInt();
    }
    long before = currentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      sink += call.getAsInt();
    }
    long allocated = currentThreadAllocatedBytes() - before;
    if (sink == 42) {
      System.out.print(""); // keeps the calls observable
    }
    return allocated;
  }

  /**
   * Up to {@value #MEASUREMENTS} measurements, passing on the first within {@link #BOUND}. A measurement may
   * include a one-off allocation by HotSpot itself (a few hundred bytes of Strings on this thread while it links
   * newly compiled code); a per-call allocation is at least 16 bytes x {@value #CALLS} in every measurement.
   */
  static void assertAllocationFree(String what, IntSupplier call) {
    long[] measured = new long[MEASUREMENTS];
    for (int m = 0; m < MEASUREMENTS; m++) {
      measured[m] = allocatedBy(call);
      if (measured[m] <= BOUND) {
        return;
      }
    }
    fail(what + " allocated " + java.util.Arrays.toString(measured) + " bytes in " + MEASUREMENTS
        + " measurements of " + CALLS + " calls");
  }

  @Test
  void scanningAHeaderThatStaysUnchangedDoesNotAllocate() {
    assertEquals(2, occurrences(HEADER), "the fixture has two SERVERID cookies");
    assertSame(HEADER, CookieHeaders.forwardRequestHeader(HEADER, NAME, false, false));
    assertAllocationFree("next() over all occurrences", () -> occurrences(HEADER));
    assertAllocationFree("requestHeaderChanges", () -> CookieHeaders.requestHeaderChanges(HEADER, NAME, false, false)
        ? 1 : 0);
    assertAllocationFree("forwardRequestHeader, unchanged",
        () -> CookieHeaders.forwardRequestHeader(HEADER, NAME, false, false).length());
  }

  @Test
  void setCookieScansThatChangeNothingDoNotAllocate() {
    for (CookieBinding b : CookieFuzzTest.BINDINGS) {
      assertSame(SET_COOKIE, b.rewriteSetCookie(SET_COOKIE, 0, false));
      assertAllocationFree("isOurSetCookie, " + b.config(), () -> b.isOurSetCookie(SET_COOKIE) ? 1 : 0);
      assertAllocationFree("rewriteSetCookie, unchanged, " + b.config(),
          () -> b.rewriteSetCookie(SET_COOKIE, 0, false).length());
    }
  }

  @Test
  void aRewriteThatChangesTheHeaderIsCaughtAllocating() {
    assertNotSame(HEADER, CookieHeaders.forwardRequestHeader(HEADER, NAME, true, false));
    long allocated = allocatedBy(() -> CookieHeaders.forwardRequestHeader(HEADER, NAME, true, false).length());
    assertTrue(allocated > BOUND, () -> "a prefix-stripping rewrite allocated only " + allocated + " bytes");
  }

  private static int occurrences(String h) {
    int n = 0;
    for (long f = CookieHeaders.next(h, CookieHeaders.START, NAME); f != CookieHeaders.NOT_FOUND;
        f = CookieHeaders.next(h, CookieHeaders.valueEnd(f), NAME)) {
      n++;
    }
    return n;
  }
}
