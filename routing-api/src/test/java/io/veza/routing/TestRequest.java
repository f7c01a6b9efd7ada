package io.veza.routing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain {@link RequestView} for tests: a method, a request-target and headers in order (names compare
 * case-insensitively). Mutable ({@link #uri(CharSequence)}) so that loops over many keys can reuse one instance.
 */
final class TestRequest implements RequestView {
  private final String method;
  private CharSequence uri;
  private final List<String[]> headers = new ArrayList<>();
  private InetSocketAddress client;

  TestRequest(String method, CharSequence uri) {
    this.method = method;
    this.uri = uri;
  }

  static TestRequest get(CharSequence uri) {
    return new TestRequest("GET", uri);
  }

  static TestRequest post(CharSequence uri) {
    return new TestRequest("POST", uri);
  }

  /** A GET carrying one {@code Cookie} header. */
  static TestRequest withCookie(String cookieHeader) {
    return get("/").header("Cookie", cookieHeader);
  }

  TestRequest header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  TestRequest uri(CharSequence newUri) {
    this.uri = newUri;
    return this;
  }

  TestRequest client(InetSocketAddress address) {
    this.client = address;
    return this;
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
    int n = 0;
    for (int k = 0; k < headers.size(); k++) { // indexed: no iterator, so a measured route allocates nothing here
      String[] h = headers.get(k);
      if (h[0].contentEquals(name) || h[0].equalsIgnoreCase(name.toString())) {
        n++;
      }
    }
    return n;
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    int n = 0;
    for (int k = 0; k < headers.size(); k++) { // indexed: no iterator, so a measured route allocates nothing here
      String[] h = headers.get(k);
      if ((h[0].contentEquals(name) || h[0].equalsIgnoreCase(name.toString())) && n++ == index) {
        return h[1];
      }
    }
    return null;
  }

  @Override
  public InetSocketAddress clientAddress() {
    return client;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(method).append(' ').append(uri);
    for (String[] h : headers) {
      sb.append(" | ").append(h[0]).append(": ").append(h[1]);
    }
    return sb.toString();
  }
}
