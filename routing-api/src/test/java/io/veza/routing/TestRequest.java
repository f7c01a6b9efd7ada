package io.veza.routing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A simple {@link RequestView} for tests. */
final class TestRequest implements RequestView {
  private final String method;
  private final CharSequence uri;
  private final List<String[]> headers = new ArrayList<>();
  private InetSocketAddress client;

  TestRequest(String method, CharSequence uri) {
    this.method = method;
    this.uri = uri;
  }

  static TestRequest get(CharSequence uri) {
    return new TestRequest("GET", uri);
  }

  TestRequest header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  TestRequest client(InetSocketAddress client) {
    this.client = client;
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
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name.toString())) {
        n++;
      }
    }
    return n;
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    int n = 0;
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name.toString()) && n++ == index) {
        return h[1];
      }
    }
    return null;
  }

  @Override
  public InetSocketAddress clientAddress() {
    return client;
  }
}
