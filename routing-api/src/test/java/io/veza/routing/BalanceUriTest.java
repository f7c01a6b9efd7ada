package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Key extraction against HAProxy's documented behaviour ({@code get_server_uh}, {@code get_server_ph}, hdr). */
class BalanceUriTest {

  private static String key(Balance b, String source) {
    long r = b.keyRange(source);
    return r == Balance.NO_KEY ? null : source.substring(Balance.from(r), Balance.to(r));
  }

  @Test
  void uriDefaultHashesThePartBeforeTheQuestionMark() {
    assertEquals("/a/b/c.ts", key(Balance.uri(), "/a/b/c.ts?x=1&y=2"));
    assertEquals("/a/b/c.ts", key(Balance.uri(), "/a/b/c.ts"));
    assertEquals("", key(Balance.uri(), "?only=query"));
  }

  @Test
  void wholeIncludesTheQuery() {
    assertEquals("/a/b?x=1", key(Balance.uri().whole(), "/a/b?x=1"));
  }

  @Test
  void lenLimitsTheCharactersConsidered() {
    assertEquals("/abc", key(Balance.uri().len(4), "/abcdef?q"));
    assertEquals("/ab", key(Balance.uri().len(10), "/ab?cdefgh"), "'?' still ends the key before len");
    assertEquals("/ab?cdefgh", key(Balance.uri().whole().len(10), "/ab?cdefghij"));
  }

  @Test
  void depthCountsSlashesAndStopsBeforeTheNextOne() {
    assertEquals("/a/b", key(Balance.uri().depth(2), "/a/b/c/d"));
    assertEquals("/a", key(Balance.uri().depth(1), "/a/b/c/d"));
    assertEquals("/a/b", key(Balance.uri().depth(5), "/a/b"));
    assertEquals("/a/b", key(Balance.uri().depth(3), "/a/b?c/d/e"), "'?' ends the key first");
    assertEquals("/a/b?c", key(Balance.uri().whole().depth(2), "/a/b?c/d/e"), "with whole, slashes in the query count");
  }

  @Test
  void lenAndDepthStopAtWhicheverComesFirst() {
    assertEquals("/aa", key(Balance.uri().len(3).depth(2), "/aa/bb/cc"));
    assertEquals("/aa/bb", key(Balance.uri().len(20).depth(2), "/aa/bb/cc"));
  }

  @Test
  void absoluteUrisKeepTheirAuthorityUnlessPathOnly() {
    assertEquals("http://h.example/a", key(Balance.uri(), "http://h.example/a?q"));
    assertEquals("http:/", key(Balance.uri().depth(1), "http://h.example/a"), "the scheme's slashes count for depth");
    assertEquals("/a", key(Balance.uri().pathOnly(), "http://h.example/a?q"));
    assertEquals("/a/b", key(Balance.uri().pathOnly().depth(2), "https://h:8443/a/b/c"));
    assertEquals("/a/b", key(Balance.uri().pathOnly(), "/a/b"));
    assertEquals("", key(Balance.uri().pathOnly(), "http://h.example"));
    assertEquals("", key(Balance.uri().pathOnly(), "h.example:443"), "authority form has no path");
    assertEquals("", key(Balance.uri().pathOnly(), "*"));
  }

  @Test
  void urlParamTakesTheValueUpToTheNextAmpersand() {
    Balance b = Balance.queryParam("user");
    assertEquals("42", key(b, "/p?a=1&user=42&z=3"));
    assertEquals("42", key(b, "/p?user=42"));
    assertEquals("", key(b, "/p?user=&z=3"), "an empty value is hashed as empty");
    assertNull(key(b, "/p?xuser=42"), "names match whole parameters");
    assertNull(key(b, "/p?User=42"), "names are case-sensitive");
    assertNull(key(b, "/p?user"));
    assertNull(key(b, "/p/user=42"), "only after '?'");
  }

  @Test
  void headerTakesTheFirstCommaSeparatedValueTrimmed() {
    Balance b = Balance.header("X-User");
    assertEquals("alice", key(b, "  alice , bob"));
    assertEquals("", key(b, "   "));
    assertEquals("alice", b.keySource(TestRequest.get("/").header("x-user", "alice").header("X-User", "bob")));
    assertNull(b.keySource(TestRequest.get("/")));
  }

  @Test
  void pathSegmentExtractsTheTrackId() {
    Balance b = Balance.pathSegment(1);
    assertEquals("3f2a-track", key(b, "/hls/3f2a-track/seg-001.ts"));
    assertEquals("3f2a-track", key(b, "/hls/3f2a-track?token=x"));
    assertEquals("3f2a-track", key(b, "http://cdn/hls/3f2a-track/x"));
    assertNull(key(b, "/hls"));
    assertNull(key(b, "/hls//x"), "an empty segment is no key");
    assertEquals("hls", key(Balance.pathSegment(0), "/hls/x"));
  }

  @Test
  void theHashedKeyRangeEqualsHashingTheExtractedKey() {
    var h = io.veza.routing.hash.KeyHashers.xxh3(7);
    Balance b = Balance.pathSegment(1);
    for (String s : new String[] {"/hls/3f2a-track/seg.ts", "/hls/\u00e9t\u00e9/seg.ts", "/hls/x"}) {
      long r = b.keyRange(s);
      assertEquals(h.hash(key(b, s)), h.hash(s, Balance.from(r), Balance.to(r)));
    }
  }

  @Test
  void invalidOptionsAreRefusedNamingFieldAndValue() {
    assertEquals("uri len must be > 0, was 0",
        assertThrows(IllegalArgumentException.class, () -> Balance.uri().len(0)).getMessage());
    assertEquals("uri depth must be > 0, was -1",
        assertThrows(IllegalArgumentException.class, () -> Balance.uri().depth(-1)).getMessage());
    assertEquals("whole applies to balance uri only, not to roundrobin",
        assertThrows(IllegalStateException.class, () -> Balance.roundRobin().whole()).getMessage());
    assertEquals("header name must be a token (RFC 9110), was \"X User\"",
        assertThrows(IllegalArgumentException.class, () -> Balance.header("X User")).getMessage());
    assertEquals("uri path-only whole len 10 depth 2", Balance.uri().pathOnly().whole().len(10).depth(2).toString());
  }
}
