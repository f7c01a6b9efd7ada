package io.veza.routing.syntax;

/**
 * A configuration line, time, size or integer that HAProxy's syntax does not accept. The message names the field or
 * the error and the value; {@link #position()} tells where in a line the error starts.
 */
public final class HaproxySyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The 0-based index in the line where the error starts, or -1, as {@link #position()} returns it. */
  private final int position;

  /**
   * An error at {@code position} of a line.
   *
   * @param message what is wrong, naming the value
   * @param position 0-based index of the offending character in the line, or -1 when it is not about a line
   */
  public HaproxySyntaxException(String message, int position) {
    super(message);
    this.position = position;
  }

  /**
   * Where in the line the error starts (HAProxy reports it 1-based as "at position N").
   *
   * @return the 0-based index, or -1 when the error is not about a line position
   */
  public int position() {
    return position;
  }
}
