package io.veza.routing;

import java.net.InetSocketAddress;

/**
 * The part of an HTTP request that routing looks at. A gateway adapts its own request type to this view (a
 * Netty {@code HttpRequest}, a servlet request, an HTTP/2 header block...). Implementations may be mutable and
 * reused for every request on one thread; the pool reads the view only during the call that receives it.
 *
 * <p>Every method may return {@code null} or garbage: routing treats absent or malformed values as absent and
 * never throws because of them.
 */
public interface RequestView {
  /**
   * The request method ({@code "GET"}, {@code "POST"}...), or {@code null} if unknown.
   *
   * @return the method as received (compared case-sensitively, as HTTP methods are), or {@code null}
   */
  String method();

  /**
   * The request-target as received on the request line: origin form ({@code /path?query}), absolute form
   * ({@code http://host/path?query}), authority form ({@code host:port}) or {@code *}; {@code null} if unknown.
   *
   * @return the request-target, not decoded, or {@code null}
   */
  CharSequence uri();

  /**
   * How many times the header {@code name} occurs (names compare case-insensitively); 0 when absent.
   *
   * @param name the header name, for example {@code "Cookie"}
   * @return the number of occurrences, &gt;= 0
   */
  int headerCount(CharSequence name);

  /**
   * The value of the {@code index}-th occurrence (0-based, in request order) of header {@code name} (case
   * insensitive), or {@code null} if there is no such occurrence.
   *
   * @param name the header name, compared case-insensitively
   * @param index the 0-based occurrence, below {@link #headerCount(CharSequence)}
   * @return the header's value, or {@code null}
   */
  CharSequence header(CharSequence name, int index);

  /**
   * The client's address (for dynamic cookies and source stick tables), or {@code null} if unknown.
   *
   * @return the address of the client (or of the peer that connected to the gateway), or {@code null}
   */
  InetSocketAddress clientAddress();
}
