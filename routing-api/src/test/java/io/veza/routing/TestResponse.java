package io.veza.routing;

import java.util.ArrayList;
import java.util.List;

/** A plain {@link ResponseView} for tests: a status and headers in order (names compare case-insensitively). */
final class TestResponse implements ResponseView {
  private final int status;
  private final List<String[]> headers = new ArrayList<>();

  TestResponse(int status) {
    this.status = status;
  }

  static TestResponse status(int status) {
    return new TestResponse(status);
  }

  static TestResponse ok() {
    return new TestResponse(200);
  }

  TestResponse header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }

  TestResponse setCookie(String value) {
    return header("Set-Cookie", value);
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount(CharSequence name) {
    int n = 0;
    for (int k = 0; k < headers.size(); k++) { // indexed: no iterator, so a measured route allocates nothing here
      String[] h = headers.get(k);
      if (h[0].equalsIgnoreCase(name.toString())) {
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
      if (h[0].equalsIgnoreCase(name.toString()) && n++ == index) {
        return h[1];
      }
    }
    return null;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(status);
    for (String[] h : headers) {
      sb.append(" | ").append(h[0]).append(": ").append(h[1]);
    }
    return sb.toString();
  }
}
