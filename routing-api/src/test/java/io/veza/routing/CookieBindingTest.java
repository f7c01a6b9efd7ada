package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Example tests for every cookie option against the exact strings HAProxy produces (expected values written from
 * HAProxy's src/http_ana.c: http_process_res_common insert path, http_manage_client_side_cookies,
 * http_manage_server_side_cookies).
 */
class CookieBindingTest {

  /** 1700000000 = 425000000 quanta of 4 s = "ZVPxA"; (1700000000 + 3) >> 2 is the same quantum. */
  private static final long NOW = 1_700_000_000L;

  private static final CookieBinding.Eligibility ALL_UP = i -> true;

  private static CookieBinding bind(CookiePersistence.Builder b, String... values) {
    return CookieBinding.bind(b.build(), Arrays.asList(values));
  }

  private static CookieMatch match(CookieBinding binding, CookieBinding.Eligibility e, boolean persist,
      long now, String... headers) {
    CookieMatch m = new CookieMatch().reset();
    for (String h : headers) {
      binding.match(h, e, persist, now, m);
    }
    return m;
  }

  private static CookieMatch match(CookieBinding binding, String... headers) {
    return match(binding, ALL_UP, false, NOW, headers);
  }

  // ------------------------------------------------------------------ Set-Cookie strings (insert)

  @Test
  void insertWritesNameValueAndPath() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1", "s2");
    assertEquals("SERVERID=s2; path=/", b.setCookie(1, match(b), false, false, NOW));
  }

  @Test
  void insertAttributesInHaproxyOrder() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").attr("SameSite=Lax").secure().httpOnly()
        .domain(".veza.io"), "s1");
    assertEquals("SERVERID=s1; path=/; domain=.veza.io; HttpOnly; Secure; SameSite=Lax",
        b.setCookie(0, match(b), false, false, NOW));
  }

  @Test
  void repeatedDomainsAndAttrsAreJoinedLikeCfgparse() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").domain(".veza.io").domain(".veza.fm")
        .attr("SameSite=None").attr("Partitioned").secure(), "s1");
    assertEquals("SERVERID=s1; path=/; domain=.veza.io; domain=.veza.fm; Secure; SameSite=None; Partitioned",
        b.setCookie(0, match(b), false, false, NOW));
  }

  @Test
  void serverWithoutCookieGetsHaproxyRemoval() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").httpOnly(), "s1", null);
    assertEquals("SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; HttpOnly",
        b.setCookie(1, match(b), false, false, NOW));
  }

  @Test
  void noDateSetCookieIsAPrecomputedConstant() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1");
    assertSame(b.setCookie(0, match(b), false, false, NOW), b.setCookie(0, match(b), false, false, NOW + 99));
  }

  @Test
  void insertIsNotResentToAClientHoldingAValidCookieForTheServer() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").indirect(), "s1", "s2");
    CookieMatch m = match(b, "SERVERID=s2");
    assertNull(b.setCookie(1, m, false, false, NOW));
    // routed elsewhere (e.g. redispatch): a new cookie
    assertEquals("SERVERID=s1; path=/", b.setCookie(0, m, false, false, NOW));
  }

  @Test
  void postonlyInsertsOnlyOnPost() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").postonly(), "s1");
    assertNull(b.setCookie(0, match(b), false, false, NOW));
    assertEquals("SERVERID=s1; path=/", b.setCookie(0, match(b), true, false, NOW));
  }

  @Test
  void nocacheIsSignalled() {
    assertTrue(bind(CookiePersistence.insert("SERVERID").nocache(), "s1").nocache());
    assertFalse(bind(CookiePersistence.insert("SERVERID"), "s1").nocache());
    assertEquals("private", CookieBinding.CACHE_CONTROL_PRIVATE);
  }

  @Test
  void preserveLeavesBackendCookieAndSkipsInsert() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").preserve(), "s1");
    String backend = "SERVERID=; Max-Age=0; path=/";
    assertTrue(b.isOurSetCookie(backend));
    assertSame(backend, b.rewriteSetCookie(backend, 0, false));
    assertNull(b.setCookie(0, match(b), false, true, NOW));
    assertEquals("SERVERID=s1; path=/", b.setCookie(0, match(b), false, false, NOW));
  }

  // ------------------------------------------------------------------ dates (maxidle / maxlife)

  @Test
  void maxidleAddsLastDate() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    assertEquals("SERVERID=s1|ZVPxA; path=/", b.setCookie(0, match(b), false, false, NOW));
  }

  @Test
  void maxlifeAddsLastAndFirstDate() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxLifeSeconds(86400), "s1");
    assertEquals("SERVERID=s1|ZVPxA|ZVPxA; path=/", b.setCookie(0, match(b), false, false, NOW));
  }

  @Test
  void lastDateRoundsUpToTheNextQuantum() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    // (1700000001 + 3) >> 2 = 425000001 = "ZVPxB"
    assertEquals("SERVERID=s1|ZVPxB; path=/", b.setCookie(0, match(b), false, false, NOW + 1));
  }

  @Test
  void reissueKeepsTheFirstDateAndRefreshesTheLast() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600).maxLifeSeconds(86400), "s1");
    // issued at NOW ("ZVPxA"), seen again 100 s later: LAST < now -> refresh, FIRST kept.
    CookieMatch m = match(b, ALL_UP, false, NOW + 100, "SERVERID=s1|ZVPxA|ZVPxA");
    assertEquals(CookieMatch.VALID, m.status());
    assertEquals(NOW, m.firstDateSeconds());
    // (1700000100 + 3) >> 2 = 425000025 = "ZVPxZ"
    assertEquals("SERVERID=s1|ZVPxZ|ZVPxA; path=/", b.setCookie(0, m, false, false, NOW + 100));
  }

  @Test
  void noRefreshWhileLastDateIsNotInThePast() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    CookieMatch m = match(b, ALL_UP, false, NOW, "SERVERID=s1|ZVPxA");
    assertNull(b.setCookie(0, m, false, false, NOW));
  }

  @Test
  void cookieWithoutDatesIsAcceptedThenRefreshed() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600).maxLifeSeconds(7200), "s1");
    CookieMatch m = match(b, "SERVERID=s1");
    assertEquals(CookieMatch.VALID, m.status());
    assertEquals(0, m.server());
    assertEquals("SERVERID=s1|ZVPxA|ZVPxA; path=/", b.setCookie(0, m, false, false, NOW));
  }

  @Test
  void maxidleExpiresAnIdleCookie() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    String issued = "SERVERID=s1|" + CookieDates.encode(NOW);
    assertEquals(CookieMatch.VALID, match(b, ALL_UP, false, NOW + 3600, issued).status());
    CookieMatch m = match(b, ALL_UP, false, NOW + 3601, issued);
    assertEquals(CookieMatch.EXPIRED, m.status());
    assertEquals(-1, m.server());
    assertEquals("SERVERID=s1|" + CookieDates.encode(NOW + 3601) + "; path=/",
        b.setCookie(0, m, false, false, NOW + 3601));
  }

  @Test
  void datesMoreThanADayAheadAreInvalid() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    assertEquals(CookieMatch.VALID,
        match(b, ALL_UP, false, NOW, "SERVERID=s1|" + CookieDates.encode(NOW + 86400)).status());
    assertEquals(CookieMatch.EXPIRED,
        match(b, ALL_UP, false, NOW, "SERVERID=s1|" + CookieDates.encode(NOW + 86408)).status());
  }

  @Test
  void maxlifeExpiresAnOldCookieBeforeMaxidleIsChecked() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(60).maxLifeSeconds(3600), "s1");
    String c = "SERVERID=s1|" + CookieDates.encode(NOW + 4000) + "|" + CookieDates.encode(NOW);
    CookieMatch m = match(b, ALL_UP, false, NOW + 4000, c);
    assertEquals(CookieMatch.OLD, m.status());
    assertEquals(0, m.firstDate);
    assertEquals(0, m.lastDate);
  }

  @Test
  void invalidDateCharactersAreIgnoredLikeB64tos30() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").maxIdleSeconds(3600), "s1");
    CookieMatch m = match(b, "SERVERID=s1|ZV=xA");
    assertEquals(CookieMatch.VALID, m.status());
    assertEquals(0, m.lastDate);
  }

  // ------------------------------------------------------------------ request parsing

  @Test
  void requestParsingFollowsHaproxyGrammar() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1", "s2");
    assertEquals(1, match(b, "a=1; SERVERID=s2; b=2").server());
    assertEquals(1, match(b, "a=1,SERVERID = \ts2 ,b=2").server());
    assertEquals(1, match(b, "$Version=1; SERVERID=s2; $Path=/").server());
    assertEquals(-1, match(b, "serverid=s2").server(), "names are case-sensitive");
    assertEquals(CookieMatch.NONE, match(b, "serverid=s2").status());
    assertEquals(CookieMatch.INVALID, match(b, "SERVERID=\"s2\"").status(), "quotes are part of the value");
    assertEquals(CookieMatch.INVALID, match(b, "SERVERID=").status(), "empty values are invalid");
    assertEquals(CookieMatch.INVALID, match(b, "SERVERID=s3").status());
    assertEquals(-1, match(b, "SERVERID; s2").server(), "a cookie without '=' is skipped");
    assertEquals(1, match(b, "x=\"a;SERVERID=s1\"; SERVERID=s2").server(), "quoted ';' does not split");
  }

  @Test
  void firstOccurrenceDesignatingAUsableServerWins() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1", "s2");
    CookieMatch m = match(b, "SERVERID=s1; SERVERID=s2");
    assertEquals(0, m.server());
    assertEquals(CookieMatch.UNUSED, m.status(), "HAProxy marks later occurrences TX_CK_UNUSED");
    assertEquals(1, match(b, "SERVERID=bogus", "SERVERID=s2").server(), "headers are read in order");
  }

  @Test
  void downServerFallsBackUnlessPersist() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1", "s2");
    CookieBinding.Eligibility s1Down = i -> i != 0;
    CookieMatch m = match(b, s1Down, false, NOW, "SERVERID=s1");
    assertEquals(CookieMatch.DOWN, m.status());
    assertEquals(-1, m.server());
    assertEquals("SERVERID=s2; path=/", b.setCookie(1, m, false, false, NOW));
    CookieMatch persisted = match(b, s1Down, true, NOW, "SERVERID=s1");
    assertEquals(CookieMatch.DOWN, persisted.status());
    assertEquals(0, persisted.server());
  }

  @Test
  void sharedCookieValueGoesToTheFirstUsableServer() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "web", "web", "other");
    assertEquals(1, match(b, i -> i != 0, false, NOW, "SERVERID=web").server());
  }

  // ------------------------------------------------------------------ request header forwarding

  @Test
  void insertIndirectRemovesOurCookieFromTheRequest() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").indirect(), "s1");
    assertEquals("a=1; b=2", b.forwardedCookieHeader("a=1; SERVERID=s1; b=2"));
    assertEquals("a=1", b.forwardedCookieHeader("a=1; SERVERID=s1"));
    assertEquals("b=2", b.forwardedCookieHeader("SERVERID=s1; b=2"));
    assertNull(b.forwardedCookieHeader("SERVERID=s1"), "nothing left: remove the header");
    assertNull(b.forwardedCookieHeader("SERVERID=s1; $Path=/"), "its $attributes go with it");
    String untouched = "a=1; b=2";
    assertSame(untouched, b.forwardedCookieHeader(untouched));
  }

  @Test
  void insertWithoutIndirectForwardsTheCookie() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1");
    String h = "a=1; SERVERID=s1";
    assertSame(h, b.forwardedCookieHeader(h));
  }

  @Test
  void spacesAroundEqualsAreRemovedWhenForwarding() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1");
    assertEquals("a=1; b=2", b.forwardedCookieHeader("a = 1; b= 2"));
  }

  @Test
  void prefixModeStripsAndAddsTheServerPrefix() {
    CookieBinding b = bind(CookiePersistence.prefix("JSESSIONID"), "s1", "s2");
    CookieMatch m = match(b, "JSESSIONID=s2~0123abc");
    assertEquals(1, m.server());
    assertEquals("JSESSIONID=0123abc; lang=fr", b.forwardedCookieHeader("JSESSIONID=s2~0123abc; lang=fr"));
    assertEquals("JSESSIONID=s2~0123abc; path=/; HttpOnly",
        b.rewriteSetCookie("JSESSIONID=0123abc; path=/; HttpOnly", 1, true));
    assertSame("other=1", b.rewriteSetCookie("other=1", 1, true));
  }

  @Test
  void rewriteModeReplacesTheBackendValue() {
    CookieBinding b = bind(CookiePersistence.rewrite("SERVERID"), "s1", "s2");
    assertEquals("SERVERID=s2; path=/", b.rewriteSetCookie("SERVERID=backend-set; path=/", 1, false));
    assertEquals("SERVERID=s2; path=/", b.rewriteSetCookie("SERVERID = backend-set; path=/", 1, false));
    assertEquals(1, match(b, "SERVERID=s2").server());
  }

  @Test
  void insertModeDeletesTheBackendsOwnCookie() {
    CookieBinding b = bind(CookiePersistence.insert("SERVERID"), "s1");
    assertNull(b.rewriteSetCookie("SERVERID=x; path=/", 0, false));
    String other = "session=abc; path=/";
    assertSame(other, b.rewriteSetCookie(other, 0, false));
  }

  @Test
  void passiveIndirectDeletesTheBackendCookieOnDirectRequestsOnly() {
    CookieBinding b = bind(CookiePersistence.passive("SERVERID").indirect(), "s1");
    String h = "SERVERID=s1; path=/";
    assertNull(b.rewriteSetCookie(h, 0, true));
    assertSame(h, b.rewriteSetCookie(h, 0, false));
    assertNull(b.setCookie(0, match(b), false, false, NOW), "passive mode never inserts");
  }

  // ------------------------------------------------------------------ dynamic & signed

  @Test
  void dynamicValuesAreUsedForServersWithoutAnExplicitCookie() throws Exception {
    CookiePersistence p = CookiePersistence.insert("SERVERID").dynamic().dynamicKey("veza-secret").build();
    java.net.InetAddress a = java.net.InetAddress.getByName("10.0.0.7");
    String dyn = p.serverCookie(null, a, 8080);
    assertEquals(16, dyn.length());
    assertTrue(dyn.matches("[0-9a-f]{16}"));
    assertEquals("fixed", p.serverCookie("fixed", a, 8080), "an explicit cookie wins (SRV_F_COOKIESET)");
    CookieBinding b = CookieBinding.bind(p, List.of(dyn));
    assertEquals("SERVERID=" + dyn + "; path=/", b.setCookie(0, match(b), false, false, NOW));
    assertEquals(0, match(b, "SERVERID=" + dyn).server());
  }

  @Test
  void signedInsertRoundTripsAndRejectsForgery() {
    CookieSigning s = CookieSigning.hmacSha256("0123456789abcdef0123".getBytes());
    CookieBinding b = bind(CookiePersistence.insert("SERVERID").signed(s), "s1", "s2");
    String sc = b.setCookie(1, match(b), false, false, NOW);
    String value = sc.substring("SERVERID=".length(), sc.indexOf(';'));
    assertTrue(value.startsWith("s2."));
    assertEquals(1, match(b, "SERVERID=" + value).server());
    CookieMatch forged = match(b, "SERVERID=s2");
    assertEquals(CookieMatch.INVALID, forged.status());
    assertEquals("SERVERID=" + value + "; path=/", b.setCookie(1, forged, false, false, NOW));
  }
}
