package io.veza.routing.spring;

import io.veza.routing.ResponseView;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/** A gateway response as the pool's response phase reads it: a status and the headers about to be sent. */
final class SpringResponseView implements ResponseView {
  private final int status;
  private final HttpHeaders headers;

  SpringResponseView(int status, HttpHeaders headers) {
    this.status = status;
    this.headers = headers;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount(CharSequence name) {
    List<String> values = headers.get(name.toString());
    return values == null ? 0 : values.size();
  }

  @Override
  public @Nullable CharSequence header(CharSequence name, int index) {
    List<String> values = headers.get(name.toString());
    return values == null || index < 0 || index >= values.size() ? null : values.get(index);
  }
}
