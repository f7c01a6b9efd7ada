package io.veza.routing.bench;

import io.veza.routing.RequestView;
import java.net.InetSocketAddress;

/**
 * A fixed, allocation-free {@link RequestView}: a method, a URI and at most one {@code Cookie} header, as a
 * gateway's zero-copy view over a parsed request would present them. Header names compare ASCII
 * case-insensitively without allocating.
 */
final class BenchRequest implements RequestView {

  private static final InetSocketAddress CLIENT = InetSocketAddress.createUnresolved("192.0.2.10", 50123);

  private final String method;
  private final String uri;
  private final String cookie;

  BenchRequest(String method, String uri, String cookie) {
    this.method = method;
    this.uri = uri;
    this.cookie = cookie;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public CharSequence uri() {
    return uri;
  }

  @Override
  public int headerCount(CharSequence name) {
    return cookie != null && isCookie(name) ? 1 : 0;
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    return cookie != null && index == 0 && isCookie(name) ? cookie : null;
  }

  @Override
  public InetSocketAddress clientAddress() {
    return CLIENT;
  }

  /** ASCII case-insensitive, as HTTP header names compare (Netty's {@code AsciiString.contentEqualsIgnoreCase}). */
  private static boolean isCookie(CharSequence name) {
    if (name.length() != 6) {
      return false;
    }
    String expected = "cookie";
    for (int i = 0; i < 6; i++) {
      char c = name.charAt(i);
      if (c != expected.charAt(i) && (c < 'A' || c > 'Z' || c + ('a' - 'A') != expected.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
