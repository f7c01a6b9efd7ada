package io.veza.routing.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

  /*
   * routing-api's copy reaches the bean reflectively: its test sources compile inside the io.veza.routing module,
   * which does not read java.management / jdk.management (routing-health's original imports them directly). The
   * method handle is exact-typed, so reading the counter does not box.
   */
  private static final MethodHandle ALLOCATED_BYTES = allocatedBytes();

  private AllocationMeter() {}

  private static MethodHandle allocatedBytes() {
    try {
      Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
      if (!type.isInstance(bean)) {
        throw new AssertionError("this JVM has no com.sun.management.ThreadMXBean: allocation cannot be measured");
      }
      if (!(boolean) type.getMethod("isThreadAllocatedMemorySupported").invoke(bean)) {
        throw new AssertionError("this JVM does not count allocated bytes per thread");
      }
      type.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
      return MethodHandles.publicLookup()
          .findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class)).bindTo(bean);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the per-thread allocation counter cannot be read", e);
    }
  }

  /**
   * Bytes allocated by the current thread since it started.
   *
   * @return the counter
   */
  public static long currentThreadAllocatedBytes() {
    try {
      return (long) ALLOCATED_BYTES.invokeExact();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
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
    long before = currentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      call.run();
    }
    return currentThreadAllocatedBytes() - before;
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
