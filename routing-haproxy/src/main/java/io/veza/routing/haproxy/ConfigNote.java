package io.veza.routing.haproxy;

import java.util.Objects;

/**
 * A line of the configuration that routing did not turn into pool settings, and why: a section routing does not need
 * (frontend, listen, global but for {@code spread-checks}...), a keyword that has no effect on routing decisions (logging,
 * client and server timeouts...), or, in lenient mode, a line or words ignored because routing does not support them.
 *
 * @param file the configuration file's name
 * @param line the 1-based line number
 * @param keyword the keyword (or ignored word) the note is about
 * @param text the line as written
 * @param reason why it was not imported
 */
public record ConfigNote(String file, int line, String keyword, String text, String reason) {
  /**
   * Validates the components.
   *
   * @param file the configuration file's name
   * @param line the 1-based line number
   * @param keyword the keyword (or ignored word) the note is about
   * @param text the line as written
   * @param reason why it was not imported
   * @throws NullPointerException if {@code file}, {@code keyword}, {@code text} or {@code reason} is null
   */
  public ConfigNote {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(keyword, "keyword");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return file + ":" + line + ": '" + keyword + "': " + reason;
  }
}
