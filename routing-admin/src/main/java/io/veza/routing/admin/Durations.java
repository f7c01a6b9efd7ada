package io.veza.routing.admin;

/** HAProxy's time arguments ({@code parse_time_err}): digits, then an optional unit us, ms, s, m, h or d. */
final class Durations {
  private Durations() {}

  /**
   * Milliseconds, or -1 when the text is not a time (empty, no digits, a bad unit, trailing garbage), or -2 when it
   * overflows.
   *
   * @param text the argument
   * @param defaultUnitMillis what a number without a unit counts in (1000 for seconds, 1 for milliseconds)
   */
  static long parseMillis(String text, long defaultUnitMillis) {
    int i = 0;
    long v = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      v = v * 10 + (text.charAt(i) - '0');
      if (v > Integer.MAX_VALUE) {
        return -2;
      }
      i++;
    }
    if (i == 0) {
      return -1;
    }
    String unit = text.substring(i);
    double ms = switch (unit) {
      case "" -> (double) v * defaultUnitMillis;
      case "us" -> v / 1000.0;
      case "ms" -> v;
      case "s" -> v * 1000.0;
      case "m" -> v * 60_000.0;
      case "h" -> v * 3_600_000.0;
      case "d" -> v * 86_400_000.0;
      default -> -1;
    };
    if (ms < 0) {
      return -1;
    }
    return ms > Integer.MAX_VALUE ? -2 : (long) Math.ceil(ms);
  }

  /** The first character that is not part of a valid time, for HAProxy's "unexpected character" message. */
  static char unexpected(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    if (i == 0 && !text.isEmpty()) {
      return text.charAt(0);
    }
    String unit = text.substring(i);
    for (String u : new String[] {"us", "ms", "s", "m", "h", "d"}) {
      if (unit.startsWith(u) && unit.length() > u.length()) {
        return unit.charAt(u.length());
      }
    }
    return unit.isEmpty() ? ' ' : unit.charAt(0);
  }
}
