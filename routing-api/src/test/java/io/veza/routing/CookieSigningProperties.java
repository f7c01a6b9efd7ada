package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Signed cookies: HMAC-SHA256 equal to javax.crypto, round trip, tamper, wrong key, rotation. */
class CookieSigningProperties {

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(100);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withChars("abcdefgh0123456789|-_!#%&").ofMinLength(1).ofMaxLength(300);
  }

  @Property(seed = "7100")
  void tagIsTruncatedJavaxCryptoHmacSha256(@ForAll("keys") byte[] key, @ForAll("values") String value)
      throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] full = mac.doFinal(("SERVERID=" + value).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, 16));
    assertEquals(expected, CookieSigning.hmacSha256(key).tag("SERVERID", value, 0, value.length()));
  }

  @Property(seed = "7100")
  void signedValuesVerify(@ForAll("keys") byte[] key, @ForAll("values") String value) {
    CookieSigning s = CookieSigning.hmacSha256(key);
    String signed = s.sign("SERVERID", value);
    int dot = signed.lastIndexOf('.');
    assertTrue(s.verify("SERVERID", signed, 0, dot, dot + 1, signed.length()));
    assertFalse(s.verify("OTHER", signed, 0, dot, dot + 1, signed.length()), "the name is covered");
  }

  @Property(seed = "7100")
  void anyTamperingFails(@ForAll("keys") byte[] key, @ForAll("values") String value,
      @ForAll @IntRange(min = 0, max = 400) int position, @ForAll char replacement) {
    CookieSigning s = CookieSigning.hmacSha256(key);
    String signed = s.sign("SERVERID", value);
    int p = position % signed.length();
    net.jqwik.api.Assume.that(signed.charAt(p) != replacement && signed.charAt(p) != '.');
    String t = signed.substring(0, p) + replacement + signed.substring(p + 1);
    int dot = t.lastIndexOf('.');
    assertFalse(dot >= 0 && s.verify("SERVERID", t, 0, dot, dot + 1, t.length()), t);
  }

  @Property(seed = "7100")
  void wrongKeyFailsAndPreviousKeyIsAccepted(@ForAll("keys") byte[] oldKey, @ForAll("keys") byte[] newKey,
      @ForAll("values") String value) {
    net.jqwik.api.Assume.that(!Arrays.equals(oldKey, newKey));
    CookieSigning old = CookieSigning.hmacSha256(oldKey);
    String signedOld = old.sign("SERVERID", value);
    int dot = signedOld.lastIndexOf('.');
    CookieSigning fresh = CookieSigning.hmacSha256(newKey);
    assertFalse(fresh.verify("SERVERID", signedOld, 0, dot, dot + 1, signedOld.length()), "stale key");
    CookieSigning rotating = fresh.withPreviousKey(oldKey);
    assertTrue(rotating.verify("SERVERID", signedOld, 0, dot, dot + 1, signedOld.length()), "previous key");
    String signedNew = rotating.sign("SERVERID", value);
    assertEquals(fresh.sign("SERVERID", value), signedNew, "new cookies use the current key");
  }

  @Property(seed = "7105")
  void signedInsertCookiesRoundTripThroughThePool(@ForAll("keys") byte[] key,
      @ForAll @IntRange(min = 0, max = 4) int server, @ForAll boolean dated) {
    net.jqwik.api.Assume.that(!Arrays.equals(key, new byte[32]));
    CookiePersistence.Builder b = CookiePersistence.insert("SERVERID").signed(CookieSigning.hmacSha256(key));
    if (dated) {
      b.maxIdleSeconds(600).maxLifeSeconds(3600);
    }
    BackendPool pool = ResponsePhaseTest.pool(b, "a", "b", "c", "d", "e");
    RouteDecision d = ResponsePhaseTest.balancedTo(pool, TestRequest.get("/"), "s" + server);
    String sc = pool.editResponse(d, TestResponse.ok()).setCookies().get(0);
    String cookie = sc.substring(0, sc.indexOf(';'));
    assertEquals("s" + server, Pools.id(pool.route(TestRequest.withCookie(cookie))));
    BackendPool otherKey = ResponsePhaseTest.pool(CookiePersistence.insert("SERVERID")
        .signed(CookieSigning.hmacSha256(new byte[32])), "a", "b", "c", "d", "e");
    assertEquals(RouteDecision.Reason.INVALID_COOKIE, otherKey.route(TestRequest.withCookie(cookie)).reason());
  }

  @Property(seed = "7100")
  void verificationNeverThrows(@ForAll @Size(max = 80) String s, @ForAll int a, @ForAll int b) {
    CookieSigning sig = CookieSigning.hmacSha256(new byte[16]);
    int from = Math.floorMod(a, s.length() + 1);
    int dot = from + Math.floorMod(b, s.length() + 1 - from);
    sig.verify("N", s, from, dot, Math.min(dot + 1, s.length()), s.length());
  }
}
