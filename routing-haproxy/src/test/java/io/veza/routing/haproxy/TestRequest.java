package io.veza.routing.haproxy;

import io.veza.routing.RequestView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A request for routing tests: method, request-target, headers, client address. */
final class TestRequest implements RequestView {
  private final String method;
  private final String uri;
  private final List<String[]> headers = new ArrayList<>();
  private @Nullable InetSocketAddress client;

  TestRequest(String method, String uri) {
    this.method = method;
    this.uri = uri;
  }

  static TestRequest get(String uri) {
    return new TestRequest("GET", uri);
  }

  TestRequest header(String name, String value) {
    headers.add(new String[] {name, value});
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
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name.toString())) {
        n++;
      }
    }
    return n;
  }

  @Override
  public @Nullable CharSequence header(CharSequence name, int index) {
    int n = 0;
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name.toString()) && n++ == index) {
        return h[1];
      }
    }
    return null;
  }

  @Override
  public @Nullable InetSocketAddress clientAddress() {
    return client;
  }

  @Override
  public String toString() {
    return method + " " + uri + " " + headers.stream().map(h -> h[0] + ": " + h[1]).toList();
  }
}
