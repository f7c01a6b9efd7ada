package io.veza.routing.it.modulepath;

import io.veza.routing.ResponseView;

/** A backend's response adapted to {@link ResponseView}: a status and headers in order. */
public final class Response implements ResponseView {
  private final int status;
  private final Headers headers = new Headers();

  private Response(int status) {
    this.status = status;
  }

  /**
   * A 200 response.
   *
   * @return a new response without headers
   */
  public static Response ok() {
    return new Response(200);
  }

  /**
   * Adds a header after the existing ones.
   *
   * @param name the header name, for example {@code Cache-Control}
   * @param value the header value
   * @return this response
   */
  public Response header(String name, String value) {
    headers.add(name, value);
    return this;
  }

  /**
   * Adds a {@code Set-Cookie} header after the existing ones.
   *
   * @param value the header value, for example {@code session=abc; path=/}
   * @return this response
   */
  public Response setCookie(String value) {
    headers.add("Set-Cookie", value);
    return this;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount(CharSequence name) {
    return headers.count(name);
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    return headers.get(name, index);
  }
}
