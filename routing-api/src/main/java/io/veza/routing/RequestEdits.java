package io.veza.routing;

import java.util.List;

/**
 * What the request phase ({@link BackendPool#editRequest}) asks the gateway to change in a request before it is
 * forwarded: the {@code Cookie} headers, as HAProxy edits them (persistence cookie removed with {@code indirect},
 * {@code SRV~} stripped in prefix mode, spaces around {@code '='} removed, cookies carrying CR, LF or NUL dropped).
 * Immutable; {@link #NONE} is shared, so a request that needs no edit costs no allocation.
 */
public final class RequestEdits {
  /** No change. */
  public static final RequestEdits NONE = new RequestEdits(false, List.of());

  private final boolean replacesCookies;
  private final List<String> cookieHeaders;

  RequestEdits(boolean replacesCookies, List<String> cookieHeaders) {
    this.replacesCookies = replacesCookies;
    this.cookieHeaders = cookieHeaders;
  }

  /**
   * Whether the request's {@code Cookie} headers must be replaced by {@link #cookieHeaders()}.
   *
   * @return whether to replace them
   */
  public boolean replacesCookies() {
    return replacesCookies;
  }

  /**
   * The {@code Cookie} header values to forward instead of the request's, in order (empty: forward none), when
   * {@link #replacesCookies()}.
   *
   * @return the values (unmodifiable)
   */
  public List<String> cookieHeaders() {
    return cookieHeaders;
  }

  /**
   * Whether there is nothing to change.
   *
   * @return true for {@link #NONE}
   */
  public boolean isEmpty() {
    return !replacesCookies;
  }

  @Override
  public String toString() {
    return replacesCookies ? "RequestEdits{Cookie: " + cookieHeaders + "}" : "RequestEdits{none}";
  }
}
