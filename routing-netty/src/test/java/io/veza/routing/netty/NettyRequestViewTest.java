package io.veza.routing.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RequestEdits;
import io.veza.routing.RouteDecision;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The view indexes each header name once per request, so reading every occurrence is linear, not quadratic. */
class NettyRequestViewTest {

  /** Netty's default headers, counting the per-name walks the view asks for. */
  static final class CountingHeaders extends DefaultHttpHeaders {
    final AtomicInteger walks = new AtomicInteger();

    @Override
    public Iterator<CharSequence> valueCharSequenceIterator(CharSequence name) {
      walks.incrementAndGet();
      return super.valueCharSequenceIterator(name);
    }
  }

  @Test
  void tenThousandCookieHeadersAreWalkedOnceForTheWholeRequestPhase() {
    CountingHeaders headers = new CountingHeaders();
    for (int i = 0; i < 10_000; i++) {
      headers.add("Cookie", "c" + i + "=v" + i);
    }
    headers.add("Cookie", "SERVERID=api2");
    headers.add("Host", "gw");
    DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/x", headers);
    NettyRequestView view = new NettyRequestView().reset(request, null, new InetSocketAddress("127.0.0.1", 1));
    try (BackendPool pool = BackendPool.builder("api")
        .server("api-1", new InetSocketAddress("127.0.0.1", 1), s -> s.cookie("api1"))
        .server("api-2", new InetSocketAddress("127.0.0.1", 2), s -> s.cookie("api2"))
        .balance(Balance.roundRobin())
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
        .maxCookieHeaders(20_000)
        .maxCookieBytes(1 << 20)
        .build()) {
      RouteDecision d = pool.route(view);
      RequestEdits edits = pool.editRequest(d, view);
      assertEquals("api-2", d.server().id());
      assertTrue(edits.replacesCookies());
      assertEquals(10_000, edits.cookieHeaders().size(), "SERVERID removed (indirect)");
      for (int i = 0; i < 10_001; i++) {
        view.header("Cookie", i);
      }
      assertEquals(10_001, view.headerCount("cookie"));
      assertEquals(1, headers.walks.get(), "one walk over the Cookie values for route, editRequest and 10,001 reads");
    }
  }

  /**
   * Occurrences are read in message order, although DefaultHttpHeaders walks a name's values newest first: the first
   * persistence cookie wins, the backend's Set-Cookie headers keep their order (found side by side with HAProxy,
   * integration-tests/haproxy-interop, cases "SERVERID in two headers" and "backend cookies pass, ours last").
   */
  @Test
  void occurrencesAreReadInMessageOrder() {
    DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    request.headers().add("Cookie", "SERVERID=api2").add("Host", "gw").add("cookie", "a=1; SERVERID=api1")
        .add("Cookie", "b=2");
    NettyRequestView view = new NettyRequestView().reset(request, null, new InetSocketAddress("127.0.0.1", 1));
    assertEquals(3, view.headerCount("Cookie"));
    assertEquals("SERVERID=api2", view.header("Cookie", 0).toString());
    assertEquals("a=1; SERVERID=api1", view.header("Cookie", 1).toString());
    assertEquals("b=2", view.header("Cookie", 2).toString());
    try (BackendPool pool = BackendPool.builder("api")
        .server("api-1", new InetSocketAddress("127.0.0.1", 1), s -> s.cookie("api1"))
        .server("api-2", new InetSocketAddress("127.0.0.1", 2), s -> s.cookie("api2"))
        .cookie(CookiePersistence.parse("cookie SERVERID insert indirect").build())
        .build()) {
      RouteDecision d = pool.route(view);
      assertEquals("api-2", d.server().id(), "the first occurrence wins");
      assertEquals(java.util.List.of("a=1", "b=2"), pool.editRequest(d, view).cookieHeaders());
    }
    io.netty.handler.codec.http.DefaultHttpResponse response = new io.netty.handler.codec.http.DefaultHttpResponse(
        HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK);
    response.headers().add("Set-Cookie", "one=1").add("Cache-Control", "no-store").add("Set-Cookie", "two=2")
        .add("cache-control", "public");
    NettyResponseView rv = new NettyResponseView().reset(response);
    assertEquals("one=1", rv.header("Set-Cookie", 0).toString());
    assertEquals("two=2", rv.header("Set-Cookie", 1).toString());
    assertEquals("no-store", rv.header("Cache-Control", 0).toString());
    assertEquals("public", rv.header("Cache-Control", 1).toString());
  }

  @Test
  void eachRequestIsIndexedAfreshAndValuesAreNettysOwnStrings() {
    NettyRequestView view = new NettyRequestView();
    DefaultHttpRequest a = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a");
    String value = new String("x=1");
    a.headers().add("Cookie", value).add("X-A", "1").add("X-B", "2").add("X-C", "3").add("X-D", "4").add("X-E", "5");
    view.reset(a, "/normalised", null);
    assertSame(value, view.header("cookie", 0));
    assertEquals("/normalised", view.uri());
    assertEquals("GET", view.method());
    for (String n : new String[] {"X-A", "X-B", "X-C", "X-D", "X-E", "X-A"}) { // more names than slots
      assertEquals(1, view.headerCount(n), n);
    }
    assertNull(view.header("Cookie", 1));
    assertNull(view.header("Cookie", -1));
    DefaultHttpRequest b = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/b");
    view.reset(b, null, null);
    assertEquals(0, view.headerCount("Cookie"));
    assertEquals("/b", view.uri());
    b.headers().add("Cookie", "late=1");
    assertEquals(0, view.headerCount("Cookie"), "indexed already");
    view.invalidate();
    assertEquals(1, view.headerCount("Cookie"));
  }
}
