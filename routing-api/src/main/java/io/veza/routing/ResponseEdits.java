package io.veza.routing;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the response phase ({@link BackendPool#editResponse}) asks the gateway to change in a backend's response
 * before it reaches the client. Immutable. {@link #NONE} (the common case: nothing to change) is a shared instance,
 * so a response that needs no edit costs no allocation.
 *
 * <p>Apply it as: if {@link #replacesSetCookies()}, remove every {@code Set-Cookie} header of the response and add
 * {@link #setCookies()} in order (the backend's own, rewritten or dropped as HAProxy does, then the persistence
 * cookie); if {@link #cacheControl()} is non-null, add a {@code Cache-Control} header with that value (HAProxy adds
 * one more header, it does not merge). 101 (WebSocket upgrade) responses are edited like any other.
 */
public final class ResponseEdits {
  /** No change. */
  public static final ResponseEdits NONE = new ResponseEdits(false, List.of(), null);

  private final boolean replacesSetCookies;
  private final List<String> setCookies;
  private final @Nullable String cacheControl;

  ResponseEdits(boolean replacesSetCookies, List<String> setCookies, @Nullable String cacheControl) {
    this.replacesSetCookies = replacesSetCookies;
    this.setCookies = setCookies;
    this.cacheControl = cacheControl;
  }

  /**
   * Whether the response's {@code Set-Cookie} headers must be replaced by {@link #setCookies()}.
   *
   * @return whether to replace them
   */
  public boolean replacesSetCookies() {
    return replacesSetCookies;
  }

  /**
   * The {@code Set-Cookie} header values to send, in order, when {@link #replacesSetCookies()}; empty otherwise.
   *
   * @return the values (unmodifiable)
   */
  public List<String> setCookies() {
    return setCookies;
  }

  /**
   * The value of a {@code Cache-Control} header to add ({@code "private"} under {@code nocache} when HAProxy would
   * add it), or null.
   *
   * @return the value, or null
   */
  public @Nullable String cacheControl() {
    return cacheControl;
  }

  /**
   * Whether there is nothing to change.
   *
   * @return true for {@link #NONE}
   */
  public boolean isEmpty() {
    return !replacesSetCookies && cacheControl == null;
  }

  @Override
  public String toString() {
    return isEmpty() ? "ResponseEdits{none}"
        : "ResponseEdits{" + (replacesSetCookies ? "Set-Cookie: " + setCookies : "") + (cacheControl == null ? ""
            : (replacesSetCookies ? ", " : "") + "add Cache-Control: " + cacheControl) + "}";
  }
}
