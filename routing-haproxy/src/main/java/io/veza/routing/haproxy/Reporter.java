package io.veza.routing.haproxy;

/**
 * Where a parse of HAProxy lines reports what it cannot take: the configuration importer (which knows the file, the
 * line, lenient mode and keeps notes), or a line parsed on its own ({@link #single()}: strict, nowhere to keep a note).
 */
interface Reporter {
  /**
   * An error for the caller to throw: something HAProxy refuses, or a setting whose absence would change what the
   * rest means.
   *
   * @param keyword the keyword the error is about
   * @param reason what is wrong
   * @return the exception
   */
  HaproxyConfigException error(String keyword, String reason);

  /**
   * {@link #error(String, String)} with a cause.
   *
   * @param keyword the keyword the error is about
   * @param reason what is wrong
   * @param cause the exception behind it
   * @return the exception
   */
  HaproxyConfigException error(String keyword, String reason, Throwable cause);

  /**
   * A keyword or option routing does not support: thrown in strict mode; recorded in lenient mode, and then the
   * caller skips it.
   *
   * @param keyword the keyword
   * @param reason why
   */
  void unsupported(String keyword, String reason);

  /**
   * Whether unsupported server keywords are skipped (and listed with {@link #ignored}) rather than thrown.
   *
   * @return lenient mode
   */
  boolean lenient();

  /**
   * Words of a line skipped in lenient mode.
   *
   * @param keyword the first skipped word
   * @param reason what was skipped
   */
  void ignored(String keyword, String reason);

  /**
   * Something accepted that changes nothing routing decides.
   *
   * @param keyword the keyword
   * @param reason why it changes nothing
   */
  void note(String keyword, String reason);

  /**
   * The reporter of a line parsed on its own: strict, and what a configuration file would accept with a note is
   * refused, since there is nowhere to report the note.
   *
   * @return the reporter
   */
  static Reporter single() {
    return new Reporter() {
      @Override
      public HaproxyConfigException error(String keyword, String reason) {
        return new HaproxyConfigException(keyword, reason);
      }

      @Override
      public HaproxyConfigException error(String keyword, String reason, Throwable cause) {
        HaproxyConfigException e = new HaproxyConfigException(keyword, reason);
        e.initCause(cause);
        return e;
      }

      @Override
      public void unsupported(String keyword, String reason) {
        throw error(keyword, reason);
      }

      @Override
      public boolean lenient() {
        return false;
      }

      @Override
      public void ignored(String keyword, String reason) {
        throw error(keyword, reason);
      }

      @Override
      public void note(String keyword, String reason) {
        throw error(keyword, "server keyword '" + keyword + "' is not supported by routing (" + reason + ")");
      }
    };
  }
}
