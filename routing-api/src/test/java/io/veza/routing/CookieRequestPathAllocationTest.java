package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request-path building blocks allocate nothing: measured with the per-thread allocation counter of
 * {@code com.sun.management.ThreadMXBean} (exact TLAB accounting, not timing). Warm-up first so that class
 * loading and the per-thread signing state are done. The bean is reached reflectively (tests run on the class
 * path; the module does not read java.management) through an exact-typed method handle, so reading the counter
 * itself does not box.
 *
 * <p>The counter also sees what HotSpot itself allocates on this thread: in the round where C2's code for these
 * methods first runs, the runtime allocates a few hundred bytes of {@code String}s while it links the new code
 * (JFR with {@code -XX:-UseTLAB} attributes them to bci -1 of the freshly compiled frame; {@code -Xint} shows 0
 * in every round). So each measured round must stay under one byte per call, which any per-call allocation (16
 * bytes at least) breaks, and the steady state must be reached: some round measures exactly 0.
 */
class CookieRequestPathAllocationTest {

  private static final int ROUNDS = 8;
  private static final int CALLS = 20_000;
  private static final CookieBinding.Eligibility UP = i -> i != 1;

  private static MethodHandle allocatedBytesCounter() {
    try {
      Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
      Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
      if (!type.isInstance(bean) || !(boolean) type.getMethod("isThreadAllocatedMemorySupported").invoke(bean)) {
        return null;
      }
      type.getMethod("setThreadAllocatedMemoryEnabled", boolean.class).invoke(bean, true);
      return MethodHandles.publicLookup()
          .findVirtual(type, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
          .bindTo(bean);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Test
  void matchingForwardingAndStaticSetCookieAllocateNothing() throws Throwable {
    MethodHandle counter = allocatedBytesCounter();
    assertNotNull(counter, "the per-thread allocation counter (HotSpot) is required to measure allocation");
    long tid = Thread.currentThread().getId();

    CookieBinding plain = CookieBinding.bind(
        CookiePersistence.insert("SERVERID").indirect().nocache().build(), List.of("s1", "s2", "s3"));
    CookieSigning signing = CookieSigning.hmacSha256("allocation-key-0123456789".getBytes());
    CookieBinding signed = CookieBinding.bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600)
        .signed(signing).build(), List.of("s1", "s2", "s3"));
    long now = 1_700_000_000L;
    String signedCookie = signed.setCookie(2, new CookieMatch().reset(), false, false, now);
    String header1 = "lang=fr; SERVERID=s3; theme=dark";
    String header2 = "a=1, " + signedCookie.substring(0, signedCookie.indexOf(';'));
    String setCookie = "session=abc; path=/; HttpOnly";
    CookieMatch m = new CookieMatch();

    long sink = 0;
    long[] allocatedPerRound = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      long before = (long) counter.invokeExact(tid);
      for (int i = 0; i < CALLS; i++) {
        plain.match(header1, UP, false, now, m.reset());
        sink += m.server();
        signed.match(header2, UP, false, now, m.reset());
        sink += m.server();
        sink += plain.setCookie(0, m, false, false, now).length();
        sink += signed.forwardedCookieHeader(header1).length();
        sink += plain.rewriteSetCookie(setCookie, 0, true).length();
        sink += plain.isOurSetCookie(setCookie) ? 1 : 0;
      }
      allocatedPerRound[round] = (long) counter.invokeExact(tid) - before;
    }
    String rounds = Arrays.toString(allocatedPerRound);
    // round 0 is the warm-up (class loading, per-thread signing state)
    for (int round = 1; round < ROUNDS; round++) {
      assertTrue(allocatedPerRound[round] < CALLS,
          "bytes allocated per round of " + CALLS + " request-path calls: " + rounds);
    }
    assertTrue(Arrays.stream(allocatedPerRound).skip(1).anyMatch(a -> a == 0),
        "no round of " + CALLS + " request-path calls allocated 0 bytes: " + rounds);
    // the loop did real work: ROUNDS x CALLS iterations of the same deterministic results
    assertEquals(expectedSink(plain, signed, header1, header2, setCookie, now), sink);
    assertSame(header1, signed.forwardedCookieHeader(header1));
  }

  private static long expectedSink(CookieBinding plain, CookieBinding signed, String h1, String h2, String sc,
      long now) {
    CookieMatch m = new CookieMatch();
    plain.match(h1, UP, false, now, m.reset());
    long one = m.server();
    signed.match(h2, UP, false, now, m.reset());
    one += m.server();
    one += plain.setCookie(0, m, false, false, now).length() + signed.forwardedCookieHeader(h1).length()
        + plain.rewriteSetCookie(sc, 0, true).length() + (plain.isOurSetCookie(sc) ? 1 : 0);
    return one * ROUNDS * CALLS;
  }
}
