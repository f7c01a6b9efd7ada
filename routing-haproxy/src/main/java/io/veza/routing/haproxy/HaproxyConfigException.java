package io.veza.routing.haproxy;

/**
 * A configuration routing cannot import: invalid for HAProxy 2.6, or valid but using a keyword (or an argument of
 * one) that routing does not honour. The message reads {@code file:line: 'keyword': what is wrong}, or
 * {@code 'keyword': what is wrong} for a line parsed on its own ({@link HaproxyServerLine}, {@link HaproxyBalance},
 * {@link HaproxyHealthOptions}). Where HAProxy 2.6 refuses the same server keyword argument, {@link #reason()} is
 * HAProxy's own text for it (without the final period its messages add).
 */
public final class HaproxyConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The file name, empty for a line parsed on its own. */
  private final String file;
  /** The 1-based line, 0 when there is none. */
  private final int line;
  /** The keyword the error is about. */
  private final String keyword;
  /** What is wrong. */
  private final String reason;

  HaproxyConfigException(String file, int line, String keyword, String reason) {
    super(file + ":" + line + ": '" + keyword + "': " + reason);
    this.file = file;
    this.line = line;
    this.keyword = keyword;
    this.reason = reason;
  }

  /** An error in a line parsed on its own: no file, line 0. */
  HaproxyConfigException(String keyword, String reason) {
    super("'" + keyword + "': " + reason);
    this.file = "";
    this.line = 0;
    this.keyword = keyword;
    this.reason = reason;
  }

  HaproxyConfigException(String file, int line, String keyword, String reason, Throwable cause) {
    this(file, line, keyword, reason);
    initCause(cause);
  }

  /**
   * The configuration file's name as given to the parser ({@code <text>} for a string without a name; empty for a
   * line parsed on its own).
   *
   * @return the file name
   */
  public String file() {
    return file;
  }

  /**
   * The 1-based line number (0 when the error is about the whole file, or about a line parsed on its own).
   *
   * @return the line
   */
  public int line() {
    return line;
  }

  /**
   * The keyword of the line (or the section keyword, or the word that is wrong).
   *
   * @return the keyword
   */
  public String keyword() {
    return keyword;
  }

  /**
   * What is wrong, without the location and the keyword: the message's last part. For an argument of a server keyword
   * that HAProxy 2.6 refuses too, HAProxy's own words (which its configuration parser and runtime API print followed
   * by a period).
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }
}
