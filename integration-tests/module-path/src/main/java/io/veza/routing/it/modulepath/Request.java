package io.veza.routing.it.modulepath;

import io.veza.routing.RequestView;
import java.net.InetSocketAddress;

/**
 * A gateway's request adapted to {@link RequestView}: a method, a request-target and headers in order (names compare
 * case-insensitively).
 */
public final class Request implements RequestView {
  private final String method;
  private final String uri;
  private final Headers headers = new Headers();

  private Request(String method, String uri) {
    this.method = method;
    this.uri = uri;
  }

  /**
   * A GET request.
   *
   * @param uri the request-target, for example {@code /api/v1/whoami}
   * @return a new request without headers
   */
  public static Request get(String uri) {
    return new Request("GET", uri);
  }

  /**
   * Adds a header after the existing ones.
   *
   * @param name the header name
   * @param value the header value
   * @return this request
   */
  public Request header(String name, String value) {
    headers.add(name, value);
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
    return headers.count(name);
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    return headers.get(name, index);
  }

  @Override
  public InetSocketAddress clientAddress() {
    return null;
  }
}
