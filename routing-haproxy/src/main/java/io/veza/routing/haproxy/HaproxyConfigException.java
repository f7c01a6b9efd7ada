package io.veza.routing.haproxy;

/**
 * A configuration routing cannot import: invalid for HAProxy 2.6, or valid but using a keyword (or an argument of
 * one) that routing does not honour. The message reads {@code file:line: 'keyword': what is wrong}.
 */
public final class HaproxyConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String keyword;

  HaproxyConfigException(String file, int line, String keyword, String reason) {
    super(file + ":" + line + ": '" + keyword + "': " + reason);
    this.file = file;
    this.line = line;
    this.keyword = keyword;
  }

  HaproxyConfigException(String file, int line, String keyword, String reason, Throwable cause) {
    this(file, line, keyword, reason);
    initCause(cause);
  }

  /**
   * The configuration file's name as given to the parser ({@code <text>} for a string without a name).
   *
   * @return the file name
   */
  public String file() {
    return file;
  }

  /**
   * The 1-based line number (0 when the error is about the whole file).
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
}
