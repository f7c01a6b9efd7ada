package io.veza.routing.health.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Objects;

/**
 * Measures what a call allocates on the calling thread with HotSpot's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, exact to the byte for this thread, no
 * timing involved).
 *
 * <p>How {@link #assertAllocationFree} decides, and why:
 * <ul>
 *   <li>Each measurement runs the call {@value #WARMUP_CALLS} times (class loading, JIT) and then reads the counter
 *       around {@value #CALLS} calls.
 *   <li>Any allocation is at least {@value #MIN_OBJECT_BYTES} bytes (HotSpot aligns every object to 8 bytes), so a
 *       call that allocates once every {@value #DETECTED_EVERY_CALLS} calls or more often adds at least
 *       {@code CALLS / DETECTED_EVERY_CALLS * MIN_OBJECT_BYTES} = {@value #BOUND_BYTES} bytes to every measurement.
 *   <li>HotSpot itself may allocate on the measured thread: while it links freshly compiled code it creates a few
 *       hundred bytes of {@code String}s attributed to the calling thread (456 to 520 bytes per event were recorded
 *       with JFR; {@code -Xint} shows none). A measurement that saw such events exceeds the bound only if they add
 *       up to more than {@value #BOUND_BYTES} bytes, and they do not repeat, so the meter takes up to
 *       {@value #MEASUREMENTS} measurements and passes on the first within the bound. A real per-call allocation
 *       fails all of them.
 * </ul>
 * Allocation-free claims are therefore checked to "less than one allocation every {@value #DETECTED_EVERY_CALLS}
 * calls"; {@link #assertAllocates} is the control that a measured call that does allocate is caught.
 *
 * <p>The counter must be supported and enabled (it is by default on HotSpot); otherwise the meter fails rather
 * than letting a test pass without measuring.
 */
public final class AllocationMeter {
  /** Calls before each measurement. */
  public static final int WARMUP_CALLS = 10_000;
  /** Calls measured in one measurement. */
  public static final int CALLS = 65_536;
  /** The smallest allocation HotSpot can make on the heap, in bytes (its object alignment). */
  public static final long MIN_OBJECT_BYTES = 8;
  /** The rarest per-call allocation rate that must fail: one allocation in this many calls. */
  public static final int DETECTED_EVERY_CALLS = 128;
  /** Largest allocation tolerated in one measurement: {@code CALLS / DETECTED_EVERY_CALLS * MIN_OBJECT_BYTES}. */
  public static final long BOUND_BYTES = CALLS / DETECTED_EVERY_CALLS * MIN_OBJECT_BYTES;
  /** Measurements taken before a call is declared allocating. */
  public static final int MEASUREMENTS = 3;

  private static final com.sun.management.ThreadMXBean THREADS = threads();

  private AllocationMeter() {}

  private static com.sun.management.ThreadMXBean threads() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)) {
      throw new AssertionError("this JVM has no com.sun.management.ThreadMXBean: allocation cannot be measured");
    }
    if (!bean.isThreadAllocatedMemorySupported()) {
      throw new AssertionError("this JVM does not count allocated bytes per thread");
    }
    bean.setThreadAllocatedMemoryEnabled(true);
    return bean;
  }

  /**
   * Bytes allocated by the current thread since it started.
   *
   * @return the counter
   */
  public static long currentThreadAllocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Runs {@code call} {@value #WARMUP_CALLS} times, then measures {@value #CALLS} calls.
   *
   * @param call the call to measure
   * @return bytes this thread allocated during the measured calls
   */
  public static long allocatedBy(Runnable call) {
    Objects.requireNonNull(call, "call");
    for (int i = 0; i < WARMUP_CALLS; i++) {
      call.run();
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      call.run();
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  /**
   * Asserts that {@code call} does not allocate: up to {@value #MEASUREMENTS} measurements, passing on the first
   * within {@value #BOUND_BYTES} bytes.
   *
   * @param what the call, for the failure message
   * @param call the call
   * @throws AssertionError if every measurement exceeded the bound
   */
  public static void assertAllocationFree(String what, Runnable call) {
    long[] measured = new long[MEASUREMENTS];
    for (int m = 0; m < MEASUREMENTS; m++) {
      measured[m] = allocatedBy(call);
      if (measured[m] <= BOUND_BYTES) {
        return;
      }
    }
    throw new AssertionError(what + " allocated " + Arrays.toString(measured) + " bytes in " + MEASUREMENTS
        + " measurements of " + CALLS + " calls (bound " + BOUND_BYTES + " bytes per measurement)");
  }

  /**
   * The control of {@link #assertAllocationFree}: asserts that one measurement of {@code call} exceeds the bound.
   *
   * @param what the call, for the failure message
   * @param call a call that allocates
   * @return the bytes measured
   * @throws AssertionError if it stayed within the bound
   */
  public static long assertAllocates(String what, Runnable call) {
    long allocated = allocatedBy(call);
    if (allocated <= BOUND_BYTES) {
      throw new AssertionError(what + " allocated only " + allocated + " bytes in " + CALLS + " calls");
    }
    return allocated;
  }
}
