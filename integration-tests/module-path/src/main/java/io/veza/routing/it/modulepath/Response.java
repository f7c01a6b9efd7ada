package io.veza.routing.it.modulepath;

import io.veza.routing.ResponseView;
import java.util.ArrayList;
import java.util.List;

/** A backend's response adapted to {@link ResponseView}: a status and headers in order. */
public final class Response implements ResponseView {
  private final int status;
  private final List<String[]> headers = new ArrayList<>();

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
    headers.add(new String[] {name, value});
    return this;
  }

  /**
   * Adds a {@code Set-Cookie} header after the existing ones.
   *
   * @param value the header value, for example {@code session=abc; path=/}
   * @return this response
   */
  public Response setCookie(String value) {
    headers.add(new String[] {"Set-Cookie", value});
    return this;
  }

  @Override
  public int status() {
    return status;
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
}
