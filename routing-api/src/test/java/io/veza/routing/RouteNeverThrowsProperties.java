package io.veza.routing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class RouteNeverThrowsProperties {

  /** A view whose every answer is generated, including nulls and out-of-range occurrences. */
  record ArbitraryView(String method, String uri, List<String> cookies, List<String> headers) implements RequestView {
    @Override
    public int headerCount(CharSequence name) {
      return "cookie".equalsIgnoreCase(name.toString()) ? cookies.size() + 1 : headers.size();
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      List<String> l = "cookie".equalsIgnoreCase(name.toString()) ? cookies : headers;
      return index < l.size() ? l.get(index) : null; // one more occurrence than values: null
    }

    @Override
    public InetSocketAddress clientAddress() {
      return null;
    }
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().withChars("/?&=;,|~\"% \tSERVIDabc0123:").ofMaxLength(60),
        Arbitraries.just(null));
  }

  @Provide
  Arbitrary<List<String>> texts() {
    return text().list().ofMaxSize(4);
  }

  static final List<BackendPool> POOLS = List.of(
      pool(Balance.roundRobin(), CookiePersistence.insert("SERVERID").indirect().nocache().build()),
      pool(Balance.uri().whole().len(7).depth(2), CookiePersistence.prefix("JSESSIONID").build()),
      pool(Balance.uri().pathOnly(), CookiePersistence.insert("S").maxIdleSeconds(60).maxLifeSeconds(3600).build()),
      pool(Balance.header("X-User"), CookiePersistence.rewrite("SRV").build()),
      pool(Balance.queryParam("u"), CookiePersistence.passive("SERVERID").build()),
      pool(Balance.key(r -> r.method().substring(1)), CookiePersistence.insert("SERVERID").postonly().build()));

  private static BackendPool pool(Balance balance, CookiePersistence cookie) {
    BackendPool.Builder b = BackendPool.builder("fuzz").balance(balance).cookie(cookie).redispatch(true)
        .stickOn(r -> r.header("X-Token", 0), 100, java.time.Duration.ofMinutes(1));
    for (int i = 0; i < 4; i++) {
      int k = i;
      b.server("s" + i, Pools.addr(i), s -> s.cookie("c" + k).backup(k == 3));
    }
    BackendPool p = b.build();
    p.health().recordCheck(1, false);
    return p;
  }

  @Property(tries = 2000)
  void routeAndRetryNeverThrow(@ForAll("text") String method, @ForAll("text") String uri,
                               @ForAll("texts") List<String> cookies, @ForAll("texts") List<String> headers) {
    RequestView view = new ArrayableView(method, uri, cookies, headers);
    for (BackendPool pool : POOLS) {
      RouteDecision d = pool.route(view);
      assertNotNull(d);
      assertTrue(d.server() != null, "servers are usable, so never NO_SERVER");
      RouteDecision r = pool.retry(view, d);
      assertNotNull(r.server());
      d.requestCookieHeaders(view);
      pool.rewriteResponseSetCookie(d, uri == null ? "x=y" : uri);
    }
  }

  /** Wraps the record so that null lists do not occur and the view itself is total. */
  static final class ArrayableView implements RequestView {
    private final ArbitraryView v;

    ArrayableView(String method, String uri, List<String> cookies, List<String> headers) {
      this.v = new ArbitraryView(method, uri, cookies, headers);
    }

    @Override
    public String method() {
      return v.method();
    }

    @Override
    public CharSequence uri() {
      return v.uri();
    }

    @Override
    public int headerCount(CharSequence name) {
      return v.headerCount(name);
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      return v.header(name, index);
    }

    @Override
    public InetSocketAddress clientAddress() {
      return null;
    }
  }

  @Property(tries = 50)
  void aNullViewIsBalanced(@ForAll boolean retry) {
    for (BackendPool pool : POOLS) {
      RouteDecision d = retry ? pool.retry(null, null) : pool.route(null);
      assertNotNull(d.server());
    }
  }
}
