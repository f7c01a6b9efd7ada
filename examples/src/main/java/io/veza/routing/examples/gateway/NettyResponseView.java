package io.veza.routing.examples.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import io.veza.routing.ResponseView;
import java.util.Iterator;

/** Adapts a backend response's status and Netty {@link HttpHeaders} to the library's {@link ResponseView}. */
final class NettyResponseView implements ResponseView {
  private final int status;
  private final HttpHeaders headers;

  NettyResponseView(int status, HttpHeaders headers) {
    this.status = status;
    this.headers = headers;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount(CharSequence name) {
    int count = 0;
    Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name);
    while (values.hasNext()) {
      values.next();
      count++;
    }
    return count;
  }

  @Override
  public CharSequence header(CharSequence name, int index) {
    Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name);
    for (int i = 0; values.hasNext(); i++) {
      CharSequence value = values.next();
      if (i == index) {
        return value;
      }
    }
    return null;
  }
}
