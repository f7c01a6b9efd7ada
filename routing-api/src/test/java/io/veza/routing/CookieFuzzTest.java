package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.veza.routing.RouteDecision.Reason;
import io.veza.routing.health.OperationalState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz targets for the cookie parser and the value / date / signature decoding, through the pool. In a normal
 * {@code mvn verify} each target runs its corpus ({@code src/test/resources/io/veza/routing/CookieFuzzTestInputs/
 * <method>/}) as a regression test; {@code JAZZER_FUZZ=1} turns on coverage-guided fuzzing.
 *
 * <p>Inputs are read as ISO-8859-1 text so the corpus stays human-readable; {@code '\n'} separates repeated
 * {@code Cookie} headers.
 */
class CookieFuzzTest {

  static final CookieSigning SIGNING =
      CookieSigning.hmacSha256("fuzz-key-0123456789".getBytes(StandardCharsets.US_ASCII))
          .withPreviousKey("fuzz-old-key-0123456".getBytes(StandardCharsets.US_ASCII));
  /** Server cookie values: a shared value, a server without one, a dotted one. */
  static final String[] VALUES = {"s1", "s2", null, "s1", "web.3"};

  static final List<CookiePersistence> CONFIGS = List.of(
      CookiePersistence.insert("SERVERID").indirect().nocache().build(),
      CookiePersistence.insert("SERVERID").indirect().maxIdleSeconds(600).maxLifeSeconds(3600).signed(SIGNING)
          .build(),
      CookiePersistence.insert("SERVERID").maxLifeSeconds(60).build(),
      CookiePersistence.prefix("SERVERID").signed(SIGNING).build(),
      CookiePersistence.prefix("SERVERID").indirect().preserve().build(),
      CookiePersistence.rewrite("SERVERID").build(),
      CookiePersistence.passive("SERVERID").indirect().build());

  /** One pool per configuration: servers s0..s4 with {@link #VALUES}; s1 is DOWN; with and without persist. */
  static final List<BackendPool> POOLS = pools();

  private static List<BackendPool> pools() {
    List<BackendPool> out = new ArrayList<>();
    for (CookiePersistence c : CONFIGS) {
      for (boolean persist : new boolean[] {false, true}) {
        BackendPool.Builder b = Pools.builder("fuzz").cookie(c).persist(persist);
        for (int i = 0; i < VALUES.length; i++) {
          String v = VALUES[i];
          b.server("s" + i, Pools.addr(i), s -> s.cookie(v));
        }
        BackendPool pool = b.build();
        pool.setHealth("s1", OperationalState.DOWN);
        out.add(pool);
      }
    }
    return List.copyOf(out);
  }

  static boolean persist(BackendPool pool) {
    return POOLS.indexOf(pool) % 2 == 1;
  }

  @FuzzTest(maxDuration = "30s")
  void cookieHeaders(byte[] data) {
    String[] headers = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
    TestRequest request = TestRequest.get("/");
    for (String h : headers) {
      request.header("Cookie", h);
    }
    for (BackendPool pool : POOLS) {
      RouteDecision d = pool.route(request);
      assertTrue(d.server() != null, d::toString);
      if (d.reason() == Reason.PERSISTED) {
        assertTrue(persist(pool) || !d.server().id().equals("s1"), "a DOWN server is only assigned with persist");
      } else {
        assertTrue(!d.server().id().equals("s1"), "a DOWN server gets no balanced traffic");
      }
      CookiePersistence c = pool.cookie().orElseThrow();
      boolean deletes = c.mode() == CookiePersistence.Mode.INSERT && c.indirect();
      for (String h : headers) {
        CharSequence fwd = pool.forwardCookieHeader(d, h);
        if (fwd == null) {
          continue;
        }
        String f = fwd.toString();
        assertTrue(f.indexOf('\r') < 0 && f.indexOf('\n') < 0 && f.indexOf('\0') < 0, f);
        if (deletes) {
          assertEquals(CookieHeaders.NOT_FOUND, CookieHeaders.next(f, CookieHeaders.START, "SERVERID"), f);
        }
        if (!f.equals(h) && c.mode() != CookiePersistence.Mode.PREFIX) {
          // forwarding is idempotent: a rewritten header needs no further change
          assertEquals(f, String.valueOf(pool.forwardCookieHeader(d, f)), f);
        }
      }
      RequestEdits edits = pool.editRequest(d, request);
      for (String f : edits.cookieHeaders()) {
        assertTrue(f.indexOf('\r') < 0 && f.indexOf('\n') < 0 && f.indexOf('\0') < 0, f);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void setCookieDatesAndSignatures(byte[] data) {
    String s = new String(data, StandardCharsets.ISO_8859_1);
    for (BackendPool pool : POOLS) {
      CookieStage stage = new CookieStage(pool.cookie().orElseThrow());
      List<Server> servers = new ArrayList<>(pool.servers());
      servers.add(null);
      for (Server server : servers) {
        String out = stage.rewriteSetCookie(s, server, (data.length & 1) == 0);
        if (out != null && out != s) {
          assertTrue(out.startsWith(s.substring(0, Math.min(s.length(), out.indexOf('=')))), out);
        }
      }
      stage.isOurSetCookie(s);
      RouteDecision d = pool.route(TestRequest.get("/"));
      ResponseEdits edits = pool.editResponse(d, TestResponse.ok().setCookie(s));
      assertTrue(edits.setCookies().size() <= 2, edits::toString);
    }
    if (s.length() >= CookieDates.LENGTH) {
      int v = CookieDates.b64tos30(s, 0);
      if (v >= 0) {
        char[] back = new char[CookieDates.LENGTH];
        CookieDates.s30tob64(v, back, 0);
        assertEquals(s.substring(0, CookieDates.LENGTH), new String(back));
      }
    }
    int dot = s.lastIndexOf('.');
    if (dot >= 0) {
      boolean ok = SIGNING.verify("SERVERID", s, 0, dot, dot + 1, s.length());
      if (ok) {
        assertEquals(SIGNING.tag("SERVERID", s, 0, dot), s.substring(dot + 1));
      }
    }
    String signed = SIGNING.sign("SERVERID", s.replace('\u0100', 'x'));
    int d = signed.lastIndexOf('.');
    assertTrue(SIGNING.verify("SERVERID", signed, 0, d, d + 1, signed.length()));
  }
}
