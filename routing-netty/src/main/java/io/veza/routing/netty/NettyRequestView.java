package io.veza.routing.netty;

import io.netty.handler.codec.http.HttpRequest;
import io.veza.routing.RequestView;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RequestView} over a Netty {@link HttpRequest} that copies nothing: header values are the strings Netty's
 * decoder made. One instance per connection, re-pointed at each request with {@link #reset}; confined to the
 * connection's event loop.
 *
 * <p>Header lookups are indexed once per request and name, lazily: the first {@link #headerCount} or
 * {@link #header} call for a name collects that name's values in one pass (into an array reused across requests);
 * every later call for that name is O(1). A request with 10,000 {@code Cookie} headers costs one pass, not one pass
 * per {@code header(name, i)} (which made reading them all quadratic). Up to four names are
 * indexed at once; routing reads one or two ({@code Cookie}, a hashed header).
 *
 * <p>{@link #uri()} is the normalised request-target ({@link RequestTarget}) when one is given to {@link #reset},
 * so that routing sees the path that is forwarded.
 */
public final class NettyRequestView implements RequestView {
  private @Nullable HttpRequest request;
  private @Nullable CharSequence uri;
  private @Nullable InetSocketAddress client;
  private final HeaderIndex index = new HeaderIndex();

  /** An empty view; {@link #reset} it before use. */
  public NettyRequestView() {}

  /**
   * Points the view at {@code request}.
   *
   * @param request the request
   * @param target the normalised target to present as {@link #uri()}, or null for {@code request.uri()}
   * @param client the client's address, or null
   * @return this view
   */
  public NettyRequestView reset(HttpRequest request, @Nullable CharSequence target,
      @Nullable InetSocketAddress client) {
    this.request = request;
    this.uri = target == null ? request.uri() : target;
    this.client = client;
    index.reset(request.headers());
    return this;
  }

  /** Forgets the header index (call after changing the request's headers while the view is in use). */
  public void invalidate() {
    HttpRequest r = request;
    index.reset(r == null ? null : r.headers());
  }

  /** Lets go of the request (the view keeps no reference to it). */
  public void clear() {
    request = null;
    uri = null;
    index.reset(null);
  }

  /**
   * The request the view is over.
   *
   * @return the request, or null before the first {@link #reset}
   */
  public @Nullable HttpRequest request() {
    return request;
  }

  @Override
  public @Nullable String method() {
    HttpRequest r = request;
    return r == null ? null : r.method().name();
  }

  @Override
  public @Nullable CharSequence uri() {
    return uri;
  }

  @Override
  public int headerCount(CharSequence name) {
    return index.count(name);
  }

  @Override
  public @Nullable CharSequence header(CharSequence name, int index) {
    return this.index.get(name, index);
  }

  @Override
  public @Nullable InetSocketAddress clientAddress() {
    return client;
  }

  /** For logs: the request line. */
  @Override
  public String toString() {
    HttpRequest r = request;
    return r == null ? "(no request)" : r.method() + " " + uri;
  }
}
