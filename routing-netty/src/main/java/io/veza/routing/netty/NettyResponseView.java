package io.veza.routing.netty;

import io.netty.handler.codec.http.HttpResponse;
import io.veza.routing.ResponseView;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResponseView} over a Netty {@link HttpResponse} (a backend's response, for
 * {@link io.veza.routing.BackendPool#editResponse}) that copies nothing. Reusable: {@link #reset} per response;
 * header lookups are indexed once per name and response, like {@link NettyRequestView}'s. Confined to one thread.
 */
public final class NettyResponseView implements ResponseView {
  private int status;
  private final HeaderIndex index = new HeaderIndex();

  /** An empty view; {@link #reset} it before use. */
  public NettyResponseView() {}

  /**
   * Points the view at {@code response}.
   *
   * @param response the response
   * @return this view
   */
  public NettyResponseView reset(HttpResponse response) {
    status = response.status().code();
    index.reset(response.headers());
    return this;
  }

  /** Lets go of the response. */
  public void clear() {
    index.reset(null);
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int headerCount(CharSequence name) {
    return index.count(name);
  }

  @Override
  public @Nullable CharSequence header(CharSequence name, int index) {
    return this.index.get(name, index);
  }
}
