package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

/**
 * The request path allocates nothing on its common paths (DESIGN principle 1; JMH with -prof gc is the benchmark,
 * this is the unit-level guard): route() for an undated cookie hit, a balanced and a hashed request; the request and
 * response phases when nothing changes; the cookie scanners on a header that stays unchanged; and forwarding the
 * {@code Cookie} header of a cookie hit under {@code indirect}, which allocates the forwarded header and nothing else.
 * Measured with the
 * per-thread allocation counter ({@link AllocationMeter}: 0 allocations in 65,536 calls after warm-up, with a
 * control that a copying call is caught).
 */
class RequestPathAllocationTest {
  static final String HEADER = "a=1; $Version=1; SERVERID=s1~x; flag; q=\"x;y,z\"; SERVERID=s2~y,\ttail=\"\\\"\"";

  static BackendPool apiPool() {
    return Pools.builder("api").cookie(CookiePersistence.insert("SERVERID").indirect().nocache().build())
        .server(ServerSpec.builder("a1", Pools.addr(1)).cookie("s1").build())
        .server(ServerSpec.builder("a2", Pools.addr(2)).cookie("s2").weight(2).build())
        .server(ServerSpec.builder("a3", Pools.addr(3)).cookie("s3").build()).build();
  }

  @Test
  void routeAllocatesNothingOnItsCommonPaths() {
    BackendPool api = apiPool();
    TestRequest hit = TestRequest.withCookie("lang=fr; SERVERID=s3; theme=dark");
    TestRequest plain = TestRequest.get("/api/v1/whoami");
    assertEquals(Reason.PERSISTED, api.route(hit).reason());
    AllocationMeter.assertAllocationFree("route, undated cookie hit", () -> api.route(hit));
    AllocationMeter.assertAllocationFree("route, balanced", () -> api.route(plain));
    BackendPool streams = Pools.builder("stream").balance(Balance.pathSegment(1))
        .server(ServerSpec.builder("st1", Pools.addr(1)).id(1).build())
        .server(ServerSpec.builder("st2", Pools.addr(2)).id(2).build()).build();
    TestRequest track = TestRequest.get("/hls/3f2504e0-4f89-41d3-9a0c-0305e82c3301/seg-1.ts");
    assertEquals(Reason.HASHED, streams.route(track).reason());
    AllocationMeter.assertAllocationFree("route, hashed track id", () -> streams.route(track));
  }

  @Test
  void phasesThatChangeNothingAllocateNothing() {
    BackendPool api = apiPool();
    TestRequest plain = TestRequest.get("/").header("Cookie", "lang=fr; theme=dark");
    RouteDecision pinned = api.route(TestRequest.withCookie("SERVERID=s1"));
    TestResponse response = TestResponse.ok().setCookie("session=abc; path=/; HttpOnly");
    assertSame(RequestEdits.NONE, api.editRequest(pinned, plain));
    assertSame(ResponseEdits.NONE, api.editResponse(pinned, response));
    String unchanged = "lang=fr; theme=dark";
    assertSame(unchanged, api.forwardCookieHeader(pinned, unchanged));
    AllocationMeter.assertAllocationFree("editRequest, nothing to edit", () -> api.editRequest(pinned, plain));
    AllocationMeter.assertAllocationFree("editResponse, nothing to edit", () -> api.editResponse(pinned, response));
    AllocationMeter.assertAllocationFree("forwardCookieHeader, unchanged",
        () -> api.forwardCookieHeader(pinned, unchanged));
  }

  /** Keeps measured results reachable, so that the JIT cannot drop the allocations being measured. */
  static volatile Object sink;

  @Test
  void aCookieHitAndItsForwardedHeaderAllocateOnlyThatHeader() {
    BackendPool api = apiPool();
    String header = "lang=fr; SERVERID=s3; theme=dark";
    TestRequest hit = TestRequest.withCookie(header);
    RouteDecision pinned = api.route(hit);
    assertEquals(Reason.PERSISTED, pinned.reason());
    String forwarded = "lang=fr; theme=dark";
    assertEquals(forwarded, api.forwardCookieHeader(pinned, header));
    char[] chars = forwarded.toCharArray();
    // what the forwarded header itself costs on this JVM (String + its array, whatever the object layout)
    long header1 = AllocationMeter.allocatedBy(() -> sink = new String(chars, 0, chars.length));
    long ours = AllocationMeter.allocatedBy(() -> sink = api.forwardCookieHeader(api.route(hit), header));
    assertTrue(header1 > AllocationMeter.BOUND_BYTES, "the control allocates: " + header1);
    assertTrue(ours <= header1 + AllocationMeter.BOUND_BYTES, () -> "route + forwardCookieHeader allocated " + ours
        + " bytes in " + AllocationMeter.CALLS + " calls, the forwarded headers alone " + header1);
    TestRequest plain = TestRequest.withCookie("lang=fr; theme=dark");
    AllocationMeter.assertAllocationFree("route + forwardCookieHeader, no persistence cookie",
        () -> sink = api.forwardCookieHeader(api.route(plain), "lang=fr; theme=dark"));
  }

  @Test
  void scannersAllocateNothingOnAnUnchangedHeader() {
    assertSame(HEADER, CookieHeaders.forwardRequestHeader(HEADER, "SERVERID", false, false));
    int[] sink = new int[1];
    AllocationMeter.assertAllocationFree("next() over all occurrences", () -> {
      for (long f = CookieHeaders.next(HEADER, CookieHeaders.START, "SERVERID"); f != CookieHeaders.NOT_FOUND;
          f = CookieHeaders.next(HEADER, CookieHeaders.valueEnd(f), "SERVERID")) {
        sink[0]++;
      }
    });
    AllocationMeter.assertAllocationFree("requestHeaderChanges",
        () -> sink[0] += CookieHeaders.requestHeaderChanges(HEADER, "SERVERID", false, false) ? 1 : 0);
    CookieStage stage = new CookieStage(CookiePersistence.insert("SERVERID").build());
    String setCookie = "other=1; path=/; HttpOnly";
    AllocationMeter.assertAllocationFree("isOurSetCookie", () -> sink[0] += stage.isOurSetCookie(setCookie) ? 1 : 0);
    AllocationMeter.assertAllocationFree("rewriteSetCookie, unchanged",
        () -> sink[0] += stage.rewriteSetCookie(setCookie, null, false).length());
    AllocationMeter.assertAllocates("control: a prefix-stripping rewrite",
        () -> sink[0] += CookieHeaders.forwardRequestHeader(HEADER, "SERVERID", true, false).length());
  }
}
