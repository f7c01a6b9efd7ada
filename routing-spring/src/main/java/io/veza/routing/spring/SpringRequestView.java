package io.veza.routing.spring;

import io.veza.routing.RequestView;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A Spring request as the pool reads it: method, origin-form target, headers (case-insensitive, every occurrence in
 * order), client address. Reads the request's own objects without copying them.
 */
final class SpringRequestView implements RequestView {
  private final @Nullable String method;
  private final @Nullable String uri;
  private final @Nullable HttpHeaders headers;
  private final @Nullable InetSocketAddress client;

  private SpringRequestView(@Nullable String method, @Nullable String uri, @Nullable HttpHeaders headers,
                            @Nullable InetSocketAddress client) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.client = client;
  }

  /** The view of a gateway request. */
  static SpringRequestView of(ServerHttpRequest request) {
    return new SpringRequestView(request.getMethod().name(), originForm(request.getURI()), request.getHeaders(),
        request.getRemoteAddress());
  }

  /**
   * The view of what Spring Cloud LoadBalancer passes to {@code choose}: a {@link RequestDataContext} (gateway,
   * {@code @LoadBalanced WebClient}); anything else is a request without method, target or headers.
   */
  static @Nullable SpringRequestView of(@Nullable Object lbContext) {
    if (!(lbContext instanceof RequestDataContext context) || context.getClientRequest() == null) {
      return null;
    }
    RequestData data = context.getClientRequest();
    return new SpringRequestView(data.getHttpMethod() == null ? null : data.getHttpMethod().name(),
        data.getUrl() == null ? null : originForm(data.getUrl()), data.getHeaders(), null);
  }

  /** {@code /path?query} as received (raw, still percent-encoded). */
  static String originForm(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String query = uri.getRawQuery();
    return query == null ? path : path + '?' + query;
  }

  @Override
  public @Nullable String method() {
    return method;
  }

  @Override
  public @Nullable CharSequence uri() {
    return uri;
  }

  @Override
  public int headerCount(CharSequence name) {
    List<String> values = headers == null ? null : headers.get(name.toString());
    return values == null ? 0 : values.size();
  }

  @Override
  public @Nullable CharSequence header(CharSequence name, int index) {
    List<String> values = headers == null ? null : headers.get(name.toString());
    return values == null || index < 0 || index >= values.size() ? null : values.get(index);
  }

  @Override
  public @Nullable InetSocketAddress clientAddress() {
    return client;
  }
}
