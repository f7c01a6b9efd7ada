package io.veza.routing;

import org.jspecify.annotations.Nullable;

/**
 * The part of a backend's HTTP response that the response phase looks at ({@link BackendPool#editResponse}): the
 * status and the headers. A gateway adapts its own response type to it without copying. Implementations may be
 * reused; the pool reads the view only during the call that receives it. Every method may return null or garbage:
 * the pool treats absent or malformed values as absent and never throws because of them.
 */
public interface ResponseView {
  /**
   * The HTTP status code.
   *
   * @return the status, e.g. 200
   */
  int status();

  /**
   * How many times the header {@code name} occurs (names compare case-insensitively); 0 when absent.
   *
   * @param name the header name, for example {@code "Set-Cookie"}
   * @return the number of occurrences, &gt;= 0
   */
  int headerCount(CharSequence name);

  /**
   * The value of the {@code index}-th occurrence (0-based, in response order) of header {@code name}.
   *
   * @param name the header name (case-insensitive)
   * @param index the 0-based occurrence, below {@link #headerCount(CharSequence)}
   * @return the value, or null if there is no such occurrence
   */
  @Nullable CharSequence header(CharSequence name, int index);
}
