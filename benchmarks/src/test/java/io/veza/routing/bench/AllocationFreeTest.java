package io.veza.routing.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.veza.routing.BackendPool;
import io.veza.routing.hash.JumpHash;
import io.veza.routing.hash.JumpSelector;
import io.veza.routing.hash.KeyHasher;
import io.veza.routing.hash.KeyHashers;
import io.veza.routing.health.AdminState;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.CheckResult;
import io.veza.routing.health.HealthTracker;
import io.veza.routing.health.TrackedServer;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.ServerStatus;
import java.lang.management.ManagementFactory;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The routing paths the JMH suite measures allocate nothing, checked without timing: the current thread's
 * allocation counter ({@code com.sun.management.ThreadMXBean}, exact to the byte for this thread) over
 * {@value #CALLS} calls, after warm-up calls. Any per-call allocation costs at least 16 bytes (the smallest
 * object), i.e. at least 3.2 MB over the run; the bound of 4 KB leaves room only for constant noise (the
 * counter's own bookkeeping), so it fails for any allocation on the path, even one every 100 calls. Forwarding the
 * {@code Cookie} header of a cookie hit ({@code indirect}) must allocate the forwarded header and nothing more.
 */
class AllocationFreeTest {

  static final int CALLS = 200_000;
  static final long BOUND = 4096;
  static final int MEASUREMENTS = 3;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static long allocatedBy(IntSupplier call) {
    int sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += call.getAsInt();
    }
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      sink += call.getAsInt();
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
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

  private final long[] keys = Keys.randomLongs(1);
  private final String[] ids = Keys.trackIds(2);
  private int i;

  @Test
  void jumpHashDoesNotAllocate() {
    for (int n : new int[] {10, 1000, 100_000}) {
      assertAllocationFree("JumpHash.bucket n=" + n, () -> JumpHash.bucket(keys[i++ & Keys.MASK], n));
    }
  }

  @Test
  void trackIdToServerDoesNotAllocate() {
    KeyHasher xxh3 = KeyHashers.xxh3();
    for (int n : new int[] {10, 100, 1000}) {
      assertAllocationFree("xxh3 + JumpHash n=" + n,
          () -> JumpHash.bucket(xxh3.hash(ids[i++ & Keys.MASK]), n));
    }
  }

  /** {@code hashUntil} on every path: the one-pass copy, a short key, a non-ASCII key, a non-String sequence. */
  @Test
  void keyUntilStopDoesNotAllocate() {
    KeyHasher xxh3 = KeyHashers.xxh3();
    String[] uris = new String[ids.length];
    for (int k = 0; k < ids.length; k++) {
      uris[k] = (k % 4 == 0 ? "/t/" + k + "?a=" : k % 4 == 1 ? "/tracks/\u00e9" : "/tracks/") + ids[k] + "/m.m3u8?x=1";
    }
    StringBuilder builder = new StringBuilder("/tracks/").append(ids[0]).append("?session=1");
    assertAllocationFree("hashUntil '?'", () -> {
      String u = uris[i++ & Keys.MASK];
      return (int) xxh3.hashUntil(u, 0, u.length(), '?');
    });
    assertAllocationFree("hashUntil '?' of a StringBuilder", () -> (int) xxh3.hashUntil(builder, 0, builder.length(), '?'));
  }

  @Test
  void selectionWithServersDownDoesNotAllocate() {
    for (int downPercent : new int[] {0, 1, 10, 50, 90}) {
      JumpSelector selector = SelectorBenchmark.selector(100, downPercent, 3);
      assertAllocationFree("JumpSelector.select downPercent=" + downPercent,
          () -> selector.select(keys[i++ & Keys.MASK]));
    }
  }

  @Test
  void routeDoesNotAllocateOnItsCommonPaths() {
    RouteBenchmark b = new RouteBenchmark();
    b.n = 10;
    b.setup(); // also checks that each request takes the path it names
    try {
      assertAllocationFree("route cookie hit", () -> b.cookieHit().server().slot());
      assertAllocationFree("route cookie for a DOWN server", () -> b.cookieForDownServer().server().slot());
      assertAllocationFree("route without cookie (round robin)", () -> b.noCookie().server().slot());
      RouteBenchmark.Cursor cursor = new RouteBenchmark.Cursor();
      assertAllocationFree("route hashed URI", () -> b.hashedUri(cursor).server().slot());
    } finally {
      b.tearDown();
    }
  }

  /** Keeps measured results reachable, so that the JIT cannot drop the allocations being measured. */
  static volatile Object sink;

  @Test
  void aCookieHitWithItsForwardedHeaderAllocatesOnlyThatHeader() {
    RouteBenchmark b = new RouteBenchmark();
    b.n = 10;
    b.setup(); // checks the forwarded value
    try {
      char[] forwarded = RouteBenchmark.FORWARDED.toCharArray();
      // the forwarded header itself on this JVM (String + its array, whatever the object layout)
      long header = allocatedBy(() -> {
        String s = new String(forwarded, 0, forwarded.length);
        sink = s;
        return s.length();
      });
      assertTrue(header > BOUND, () -> "the control allocates: " + header);
      long[] ours = new long[MEASUREMENTS];
      for (int m = 0; m < MEASUREMENTS; m++) {
        ours[m] = allocatedBy(() -> {
          CharSequence fwd = b.api.forwardCookieHeader(b.api.route(b.cookieHit), RouteBenchmark.COOKIE_HIT);
          sink = fwd;
          return fwd.length();
        });
        if (ours[m] <= header + BOUND) {
          return;
        }
      }
      fail("route + forwardCookieHeader allocated " + java.util.Arrays.toString(ours) + " bytes in " + CALLS
          + " calls; the forwarded headers alone " + header);
    } finally {
      b.tearDown();
    }
  }

  @Test
  void aPerRequestObservationThatChangesNothingDoesNotAllocate() {
    HealthBenchmark b = new HealthBenchmark();
    b.n = 10;
    b.setup();
    try {
      assertAllocationFree("observeHttpStatus(200) at full health", () -> {
        b.observe200();
        return 0;
      });
    } finally {
      b.tearDown();
    }
  }

  @Test
  void healthInputsThatCauseNoTransitionDoNotAllocate() {
    HealthBenchmark b = new HealthBenchmark();
    b.n = 10;
    b.setup(); // servers 1 and 2 UP at full health, checked
    try {
      assertAllocationFree("recordCheck(passed) at full health", () -> {
        b.checkPassed();
        return 0;
      });
      assertAllocationFree("observeHttpStatus 503/200 alternation below error-limit", () -> {
        b.observe503Then200();
        return 0;
      });
    } finally {
      b.tearDown();
    }
  }

  @Test
  void healthInputsOnDownOrIgnoringServersDoNotAllocate() {
    BackendPool pool = Pools.api(10); // rise 2, fall 3, observe layer7, servers start UP at h = rise
    TrackedServer one = pool.server("api1").orElseThrow().health();
    TrackedServer three = pool.server("api3").orElseThrow().health();
    TrackedServer four = pool.server("api4").orElseThrow().health();
    CheckResult passed = CheckResult.of(true);
    CheckResult failed = CheckResult.of(false);
    try {
      three.recordCheck(failed); // from h = rise one failure: DOWN at h = 0
      ServerStatus down = three.status();
      assertTrue(!down.up() && down.health() == 0, () -> "server 3 should be DOWN at h = 0, is " + down);
      assertAllocationFree("recordCheck(failed) at h = 0 on a DOWN server", () -> {
        three.recordCheck(failed);
        return 0;
      });
      assertAllocationFree("observeHttpStatus(200) on a DOWN server", () -> {
        three.observeHttpStatus(200);
        return 0;
      });
      assertAllocationFree("observeConnect(true) with observe layer7 (not counted)", () -> {
        one.observeConnect(true);
        return 0;
      });
      pool.setAdminState("api4", AdminState.MAINT);
      assertAllocationFree("recordCheck and 503/200 below error-limit on a server in MAINT", () -> {
        four.recordCheck((i & 1) == 0 ? passed : failed);
        four.observeHttpStatus((i++ & 2) == 0 ? 503 : 200);
        return 0;
      });
    } finally {
      pool.close();
    }
  }

  @Test
  void observeConnectTrueWithLayer4DoesNotAllocate() {
    HealthTracker t = HealthTracker.builder().build();
    TrackedServer a = t.add("a", 1, HealthPolicy.builder().observe(ObserveMode.LAYER4).build());
    TrackedServer b = t.add("b", 1, HealthPolicy.builder().observe(ObserveMode.LAYER4).build());
    assertAllocationFree("observeConnect(true) with observe layer4, no errors", () -> {
      a.observeConnect(true);
      return 0;
    });
    assertAllocationFree("observeConnect false/true alternation below error-limit, layer4", () -> {
      b.observeConnect((i++ & 1) == 0);
      return 0;
    });
    ServerStatus s = b.status();
    assertTrue(s.up() && s.consecutiveErrors() <= 1, () -> "alternation must stay below error-limit, is " + s);
  }

  /** The check itself can fail: an allocating call is caught. */
  @Test
  void anAllocatingCallIsCaught() {
    long allocated = allocatedBy(() -> ids[i++ & Keys.MASK].getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertTrue(allocated > BOUND, () -> "String.getBytes allocated only " + allocated + " bytes");
  }
}
