package io.veza.routing.spring;

import io.veza.routing.Balance;
import io.veza.routing.health.HealthPolicy;
import io.veza.routing.health.InitialState;
import io.veza.routing.health.ObserveMode;
import io.veza.routing.health.OnErrorAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The HAProxy keyword strings that the {@code veza.routing.services.*} properties accept: {@code balance} lines,
 * server {@code check} lines and time values. Errors are {@link IllegalArgumentException}s naming the keyword and
 * the value; the caller prefixes the property name.
 */
final class HaproxySyntax {
  private HaproxySyntax() {}

  /** What a {@code check} line sets: the default-server health policy and the pool's session options. */
  record CheckLine(HealthPolicy policy, boolean shutdownSessionsOnMarkedDown,
                   boolean shutdownBackupSessionsOnMarkedUp) {}

  /**
   * An HAProxy time: digits then an optional unit {@code us ms s m h d}; without a unit, {@code defaultUnit}
   * applies (HAProxy's timers default to milliseconds).
   *
   * @param keyword the keyword it belongs to, for messages
   * @param text the value
   * @param defaultUnit the unit of a bare number
   * @return the duration
   * @throws IllegalArgumentException if it is not a time
   */
  static Duration time(String keyword, String text, java.time.temporal.ChronoUnit defaultUnit) {
    int i = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    if (i == 0 || i > 18) {
      throw new IllegalArgumentException(keyword + " expects a time (digits and an optional unit us, ms, s, m, h, d),"
          + " was '" + text + "'");
    }
    long n = Long.parseLong(text.substring(0, i));
    String unit = text.substring(i);
    try {
      return switch (unit) {
        case "" -> Duration.of(n, defaultUnit);
        case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException(keyword + " has an unknown time unit '" + unit
            + "' (us, ms, s, m, h, d), was '" + text + "'");
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(keyword + " overflows, was '" + text + "'", e);
    }
  }

  /**
   * A {@code balance} line (the leading {@code balance} is optional): {@code roundrobin};
   * {@code uri [path-only] [whole] [len N] [depth N]}; {@code hdr(<name>)}; {@code url_param <name>}; and, beyond
   * HAProxy, {@code path-segment <index>} (0-based: {@code path-segment 1} hashes the track id of
   * {@code /hls/<track>/...}).
   *
   * @param line the line
   * @return the algorithm
   * @throws IllegalArgumentException naming the keyword and the value
   */
  static Balance balance(String line) {
    List<String> t = tokens(line);
    int i = !t.isEmpty() && t.get(0).equals("balance") ? 1 : 0;
    if (i >= t.size()) {
      throw new IllegalArgumentException("balance expects an algorithm, was '" + line + "'");
    }
    String algo = t.get(i++);
    Balance b;
    if (algo.equals("roundrobin")) {
      b = Balance.roundRobin();
    } else if (algo.equals("uri")) {
      b = Balance.uri();
      while (i < t.size()) {
        String kw = t.get(i++);
        b = switch (kw) {
          case "path-only" -> b.pathOnly();
          case "whole" -> b.whole();
          case "len" -> b.len(integer("uri len", argument(t, i++, "uri len"), 1, Integer.MAX_VALUE));
          case "depth" -> b.depth(integer("uri depth", argument(t, i++, "uri depth"), 1, Integer.MAX_VALUE));
          default -> throw new IllegalArgumentException("balance uri has an unknown option '" + kw
              + "' (path-only, whole, len N, depth N), was '" + line + "'");
        };
      }
      return b;
    } else if (algo.startsWith("hdr(") && algo.endsWith(")") && algo.length() > 5) {
      b = Balance.header(algo.substring(4, algo.length() - 1));
    } else if (algo.equals("url_param")) {
      b = Balance.queryParam(argument(t, i++, "url_param"));
    } else if (algo.equals("path-segment")) {
      b = Balance.pathSegment(integer("path-segment", argument(t, i++, "path-segment"), 0, Integer.MAX_VALUE));
    } else {
      throw new IllegalArgumentException("balance algorithm must be roundrobin, uri, hdr(<name>), url_param <name> or"
          + " path-segment <index>, was '" + line + "'");
    }
    if (i < t.size()) {
      throw new IllegalArgumentException("balance " + algo + " takes no option '" + t.get(i) + "', was '" + line
          + "'");
    }
    return b;
  }

  /**
   * A server {@code check} line as HAProxy writes it on a {@code default-server} (the leading {@code check} is
   * optional): {@code inter fastinter downinter rise fall slowstart observe error-limit on-error on-marked-down
   * on-marked-up init-state}, plus {@code timeout <t>} (HAProxy's {@code timeout check}) and
   * {@code spread-checks <percent>} (HAProxy's global keyword). An empty line is plain {@code check}: HAProxy's
   * defaults (inter 2s, rise 2, fall 3).
   *
   * @param line the line
   * @return the policy and session options
   * @throws IllegalArgumentException naming the keyword and the value
   */
  static CheckLine check(String line) {
    List<String> t = tokens(line);
    int i = !t.isEmpty() && t.get(0).equals("check") ? 1 : 0;
    HealthPolicy.Builder p = HealthPolicy.builder();
    boolean shutdownOnDown = false;
    boolean shutdownBackupsOnUp = false;
    java.time.temporal.ChronoUnit ms = java.time.temporal.ChronoUnit.MILLIS;
    while (i < t.size()) {
      String kw = t.get(i++);
      switch (kw) {
        case "inter" -> p.inter(time(kw, argument(t, i++, kw), ms));
        case "fastinter" -> p.fastInter(time(kw, argument(t, i++, kw), ms));
        case "downinter" -> p.downInter(time(kw, argument(t, i++, kw), ms));
        case "timeout" -> p.checkTimeout(time("timeout check", argument(t, i++, kw), ms));
        case "slowstart" -> p.slowStart(time(kw, argument(t, i++, kw), ms));
        case "rise" -> p.rise(integer(kw, argument(t, i++, kw), 1, HealthPolicy.MAX_RISE_FALL));
        case "fall" -> p.fall(integer(kw, argument(t, i++, kw), 1, HealthPolicy.MAX_RISE_FALL));
        case "error-limit" -> p.errorLimit(integer(kw, argument(t, i++, kw), 1, Integer.MAX_VALUE));
        case "spread-checks" -> p.spreadPercent(integer(kw, argument(t, i++, kw), 0, 50));
        case "observe" -> p.observe(switch (argument(t, i++, kw)) {
          case "layer4" -> ObserveMode.LAYER4;
          case "layer7" -> ObserveMode.LAYER7;
          case "none" -> ObserveMode.NONE;
          default -> throw new IllegalArgumentException("observe expects layer4 or layer7, was '" + t.get(i - 1)
              + "'");
        });
        case "on-error" -> p.onError(switch (argument(t, i++, kw)) {
          case "fastinter" -> OnErrorAction.FASTINTER;
          case "fail-check" -> OnErrorAction.FAIL_CHECK;
          case "sudden-death" -> OnErrorAction.SUDDEN_DEATH;
          case "mark-down" -> OnErrorAction.MARK_DOWN;
          default -> throw new IllegalArgumentException(
              "on-error expects fastinter, fail-check, sudden-death or mark-down, was '" + t.get(i - 1) + "'");
        });
        case "init-state" -> p.initialState(switch (argument(t, i++, kw)) {
          case "fully-up" -> InitialState.FULLY_UP;
          case "up" -> InitialState.UP;
          case "down" -> InitialState.DOWN;
          case "fully-down" -> InitialState.FULLY_DOWN;
          default -> throw new IllegalArgumentException(
              "init-state expects fully-up, up, down or fully-down, was '" + t.get(i - 1) + "'");
        });
        case "on-marked-down" -> {
          String v = argument(t, i++, kw);
          if (!v.equals("shutdown-sessions")) {
            throw new IllegalArgumentException("on-marked-down expects shutdown-sessions, was '" + v + "'");
          }
          shutdownOnDown = true;
        }
        case "on-marked-up" -> {
          String v = argument(t, i++, kw);
          if (!v.equals("shutdown-backup-sessions")) {
            throw new IllegalArgumentException("on-marked-up expects shutdown-backup-sessions, was '" + v + "'");
          }
          shutdownBackupsOnUp = true;
        }
        default -> throw new IllegalArgumentException("unknown check keyword '" + kw + "' (inter, fastinter, "
            + "downinter, rise, fall, slowstart, observe, error-limit, on-error, on-marked-down, on-marked-up, "
            + "init-state, timeout, spread-checks), was '" + line + "'");
      }
    }
    return new CheckLine(p.build(), shutdownOnDown, shutdownBackupsOnUp);
  }

  static int integer(String keyword, String text, int min, int max) {
    long v;
    try {
      v = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(keyword + " expects an integer, was '" + text + "'", e);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(keyword + " must be in [" + min + ", " + max + "], was " + text);
    }
    return (int) v;
  }

  private static String argument(List<String> t, int i, String keyword) {
    if (i >= t.size()) {
      throw new IllegalArgumentException(keyword + " expects an argument, was none");
    }
    return t.get(i);
  }

  /** Splits on spaces and tabs; HAProxy keywords are lower case, so no case folding happens here. */
  static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    for (String s : line.trim().split("[ \t]+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
