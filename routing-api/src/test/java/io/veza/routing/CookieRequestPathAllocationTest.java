package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request-path building blocks allocate nothing: measured with the per-thread allocation counter of
 * {@code com.sun.management.ThreadMXBean} (exact TLAB accounting, not timing). Warm-up first so that class
 * loading and the per-thread signing state are done. The bean is reached reflectively (tests run on the class
 * path; the module does not read java.management) through an exact-typed method handle, so reading the counter
 * itself does not box.
 */
class CookieRequestPathAllocationTest {

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
    for (int round = 0; round < 2; round++) {
      long before = (long) counter.invokeExact(tid);
      for (int i = 0; i < 20_000; i++) {
        plain.match(header1, UP, false, now, m.reset());
        sink += m.server();
        signed.match(header2, UP, false, now, m.reset());
        sink += m.server();
        sink += plain.setCookie(0, m, false, false, now).length();
        sink += signed.forwardedCookieHeader(header1).length();
        sink += plain.rewriteSetCookie(setCookie, 0, true).length();
        sink += plain.isOurSetCookie(setCookie) ? 1 : 0;
      }
      long allocated = (long) counter.invokeExact(tid) - before;
      if (round == 1) {
        assertEquals(0, allocated, "bytes allocated by 20000 request-path calls");
      }
    }
    // the loop did real work: 2 rounds x 20000 iterations of the same deterministic results
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
    return one * 40_000L;
  }
}
