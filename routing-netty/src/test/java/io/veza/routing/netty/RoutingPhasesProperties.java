package io.veza.routing.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.veza.routing.BackendPool;
import io.veza.routing.Balance;
import io.veza.routing.CookiePersistence;
import io.veza.routing.RouteDecision;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The request phase with {@code indirect}: whatever a client sends, no common backend cookie decoder finds the
 * persistence cookie in what is forwarded, and conforming headers are forwarded untouched.
 */
class RoutingPhasesProperties {
  private static final BackendPool POOL = BackendPool.builder("api")
      .server("api-1", new InetSocketAddress("127.0.0.1", 1), s -> s.cookie("api1"))
      .server("api-2", new InetSocketAddress("127.0.0.1", 2), s -> s.cookie("api2"))
      .balance(Balance.roundRobin())
      .cookie(CookiePersistence.parse("cookie SERVERID insert indirect nocache").build())
      .build();

  @AfterContainer
  static void close() {
    POOL.close();
  }

  @Provide
  Arbitrary<String> hostileCookieHeaders() {
    return Arbitraries.of("q", "SERVERID", "=", "\"", ";", ",", " ", "\t", "\\", "\u000b", "\f", "api1", "$", "x",
        "$Path=/", "=api1", "SERVERID=api1", "; SERVERID=api1", "\"x; ", "a=b").list().ofMaxSize(12)
        .map(l -> String.join("", l));
  }

  /** What the backend sees: the forwarded Cookie headers after the request phase. */
  private static List<String> forwarded(String... cookieHeaders) {
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (String h : cookieHeaders) {
      headers.add("Cookie", h);
    }
    DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/x", headers);
    NettyRequestView view = new NettyRequestView().reset(request, null, null);
    RouteDecision d = POOL.route(view);
    RoutingPhases.applyRequestPhase(POOL, d, view, headers);
    return headers.getAll("Cookie");
  }

  @Property(seed = "15", tries = 3000)
  void noDecoderFindsThePersistenceCookieInWhatIsForwarded(@ForAll("hostileCookieHeaders") String header) {
    for (String h : forwarded(header)) {
      for (ServerCookieDecoder decoder : List.of(ServerCookieDecoder.LAX, ServerCookieDecoder.STRICT)) {
        for (Cookie c : decoder.decodeAll(h)) {
          assertFalse(c.name().strip().equals("SERVERID"), header + " -> " + h);
        }
      }
      // naive decoders: split on ';' or ',' (servlet containers), on whitespace too (Python's SimpleCookie)
      for (String pair : h.split("[;,\\s\\u000b\\f]+")) {
        assertFalse(pair.strip().startsWith("SERVERID="), header + " -> " + h);
      }
      try {
        for (HttpCookie c : HttpCookie.parse("Set-Cookie2:" + h)) {
          assertFalse(c.getName().equals("SERVERID"), header + " -> " + h);
        }
      } catch (IllegalArgumentException rejected) {
        // the JDK parser refuses it: it finds no cookie at all
      }
    }
  }

  @Provide
  Arbitrary<String> conformingHeaders() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019_-.!").ofMinLength(1).ofMaxLength(6)
        .filter(n -> !n.equals("SERVERID"));
    Arbitrary<String> value = Arbitraries.strings().withChars("abc019=/+:-_.").ofMaxLength(8)
        .map(v -> v.length() % 3 == 0 ? "\"" + v + "\"" : v);
    return Arbitraries.entries(name, value).list().ofMinSize(1).ofMaxSize(5)
        .map(l -> {
          List<String> pairs = new ArrayList<>();
          l.forEach(e -> pairs.add(e.getKey() + "=" + e.getValue()));
          return String.join("; ", pairs);
        });
  }

  @Property(seed = "15")
  void aConformingHeaderIsForwardedAsTheSameInstance(@ForAll("conformingHeaders") String header) {
    assertSame(header, RoutingPhases.unambiguousCookieHeader(header));
    assertEquals(List.of(header), forwarded(header));
  }

  @Example
  void ambiguousPairsAreDroppedAndTheRestKept() {
    assertEquals("a=1; b=2", RoutingPhases.unambiguousCookieHeader("a=1, q=\"x; SERVERID=api1\"; b=2"));
    assertEquals("a=1; b=2", RoutingPhases.unambiguousCookieHeader("a=1,b=2"));
    assertEquals("a=1", RoutingPhases.unambiguousCookieHeader("a=1; q=\"x; SERVERID=api1"));
    assertNull(RoutingPhases.unambiguousCookieHeader("q=\"x; SERVERID=api1"));
    assertNull(RoutingPhases.unambiguousCookieHeader("q=x SERVERID=api1"));
    assertEquals("flag; a=1", RoutingPhases.unambiguousCookieHeader("flag; a=1"));
    assertEquals(List.of("a=1"), forwarded("a=1; SERVERID=api1"));
    assertEquals(List.of(), forwarded("q=\"x; SERVERID=api1"));
  }
}
