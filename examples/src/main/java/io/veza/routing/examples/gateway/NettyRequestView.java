package io.veza.routing.examples.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.veza.routing.RequestView;
import java.net.InetSocketAddress;
import java.util.Iterator;

/**
 * Adapts a Netty {@link HttpRequest} to the library's {@link RequestView} without copying it. One instance per
 * client connection, re-pointed at each request ({@link #reset}); used only on that connection's event loop.
 *
 * <p>Netty's {@link HttpHeaders} keeps every occurrence of a header in arrival order, which is what cookie
 * parsing needs ({@code Cookie} may be sent several times; the first matching occurrence wins).
 */
final class NettyRequestView implements RequestView {
  private HttpRequest request;
  private InetSocketAddress client;

  NettyRequestView reset(HttpRequest request, InetSocketAddress client) {
    this.request = request;
    this.client = client;
    return this;
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public CharSequence uri() {
    return request.uri();
  }

  @Override
  public int headerCount(CharSequence name) {
    HttpHeaders headers = request.headers();
    if (headers.size() == 0) {
      return 0;
    }
    // Netty's default headers iterate one name's values without building a list
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
    if (index < 0) {
      return null;
    }
    Iterator<? extends CharSequence> values = request.headers().valueCharSequenceIterator(name);
    for (int i = 0; values.hasNext(); i++) {
      CharSequence value = values.next();
      if (i == index) {
        return value;
      }
    }
    return null;
  }

  @Override
  public InetSocketAddress clientAddress() {
    return client;
  }

  /** For logs: the request line. */
  @Override
  public String toString() {
    return request == null ? "(no request)" : request.method() + " " + request.uri();
  }
}
