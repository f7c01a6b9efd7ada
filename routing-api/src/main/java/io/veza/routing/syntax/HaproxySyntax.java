package io.veza.routing.syntax;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy 2.6 configuration syntax: words of a line, time values, sizes, integers and HTTP tokens. Stateless; every
 * method is thread-safe.
 *
 * <h2>Words of a line ({@link #words(String, Function)})</h2>
 * The rules of HAProxy 2.6's {@code parse_line} (src/tools.c) as {@code readcfgfile} calls it (options
 * {@code ENV | DQUOTE | SQUOTE | BKSLASH | SHARP | WORD_EXPAND}):
 * <ul>
 *   <li>leading white space is skipped; runs of spaces, tabs, vertical tabs and form feeds separate words; a
 *       {@code \n}, {@code \r} or NUL outside a separator ends the line;
 *   <li>{@code #} outside quotes starts a comment, even in the middle of a word ({@code a#b} is {@code a});
 *   <li>single quotes keep everything literally; double quotes keep spaces and {@code #} but expand variables and
 *       escapes; quotes are removed and quoted text joins the adjacent text of the same word ({@code a"b c"d} is one
 *       word {@code ab cd}); an unmatched quote is an error at the quote;
 *   <li>a backslash outside single quotes escapes a space, a backslash, {@code #}, {@code '}, {@code "} (and
 *       {@code $} inside double quotes); {@code \t}, {@code \n}, {@code \r} are control characters; {@code \xHH}
 *       is the character U+00HH (a malformed one is an error); before any other character the backslash stays;
 *   <li>environment variables expand inside double quotes only: {@code "$NAME"}, {@code "${NAME}"},
 *       {@code "${NAME-default}"} (the default when NAME is unset), {@code "${NAME[*]}"} (the value split into
 *       several words on white space); an unset variable expands to nothing; a name must start with a letter,
 *       {@code _} or {@code .} (a {@code $} followed by anything else inside double quotes is an error, as in
 *       HAProxy); {@code .LINE}, {@code .FILE} and {@code .SECTION} are asked from the environment function like any
 *       other name, other names starting with {@code .} are errors; a {@code $} outside double quotes is an
 *       ordinary character;
 *   <li>at most 64 words (HAProxy's {@code MAX_LINE_ARGS}); white space after the 64th word counts as a 65th word,
 *       as it does in HAProxy.
 * </ul>
 * A NUL character inside a word (from {@code \x00}) ends that word, as it ends a C string. Trailing empty words are
 * dropped; empty words elsewhere ({@code a "" b}) are kept: HAProxy's keyword parsers stop at the first empty word,
 * so callers should refuse words after one.
 *
 * <h2>Time values ({@link #time(String, String, TimeUnit)})</h2>
 * HAProxy's {@code parse_time_err}: digits, then an optional unit {@code us}, {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d}; without a unit the value is in the keyword's own unit (milliseconds for {@code inter},
 * {@code slowstart} and timeouts, seconds for the cookie's {@code maxidle}/{@code maxlife}). The result is rounded up
 * to the keyword's unit, must stay below 2^31, and a non-zero value that rounds to 0 is an underflow. Stricter than
 * HAProxy 2.6 in one respect: characters after the unit (HAProxy only warns about {@code 5sx}) are an error.
 */
public final class HaproxySyntax {
  /** HAProxy's {@code MAX_LINE_ARGS}: the most words one configuration line may have. */
  public static final int MAX_WORDS = 64;

  private HaproxySyntax() {}

  /**
   * The words of a configuration line, expanding variables from the process environment ({@link System#getenv});
   * {@code .LINE}, {@code .FILE} and {@code .SECTION} expand to nothing.
   *
   * @param line one configuration line
   * @return the words, empty for an empty or comment line
   * @throws HaproxySyntaxException on an unmatched quote or brace, a bad variable name or hexadecimal escape, or too
   *     many words
   */
  public static List<String> words(String line) {
    return words(line, name -> name.startsWith(".") ? null : System.getenv(name));
  }

  /**
   * The words of a configuration line, with variables taken from {@code environment} (which returns null for an
   * unset variable). See the class documentation for the rules.
   *
   * @param line one configuration line
   * @param environment the value of a variable, or null when unset
   * @return the words (unmodifiable), empty for an empty or comment line
   * @throws HaproxySyntaxException on an unmatched quote or brace, a bad variable name or hexadecimal escape, or too
   *     many words
   */
  public static List<String> words(String line, Function<? super String, ? extends @Nullable String> environment) {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(environment, "environment");
    int n = line.length();
    int i = 0;
    while (i < n && isSpace(line.charAt(i))) {
      i++;
    }
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean squote = false;
    boolean dquote = false;
    int quoteAt = -1;
    int separators = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (c >= '-' && c != '\\') {
        word.append(c);
        i++;
      } else if (c == '\0' || c == '\n' || c == '\r') {
        break;
      } else if (c == '#' && !squote && !dquote) {
        break;
      } else if (c == '"' && !squote) {
        dquote = !dquote;
        quoteAt = dquote ? i : -1;
        i++;
      } else if (c == '\'' && !dquote) {
        squote = !squote;
        quoteAt = squote ? i : -1;
        i++;
      } else if (c == '\\' && !squote) {
        char next = i + 1 < n ? line.charAt(i + 1) : '\0';
        switch (next) {
          case ' ', '\\', '#', '\'', '"' -> {
            word.append(next);
            i += 2;
          }
          case 't' -> {
            word.append('\t');
            i += 2;
          }
          case 'n' -> {
            word.append('\n');
            i += 2;
          }
          case 'r' -> {
            word.append('\r');
            i += 2;
          }
          case '$' -> {
            if (dquote) {
              word.append('$');
              i += 2;
            } else {
              word.append('\\');
              i++;
            }
          }
          case 'x' -> {
            int h1 = i + 2 < n ? Character.digit(line.charAt(i + 2), 16) : -1;
            int h2 = i + 3 < n ? Character.digit(line.charAt(i + 3), 16) : -1;
            if (h1 < 0 || h2 < 0 || line.charAt(i + 2) > 'f' || line.charAt(i + 3) > 'f') {
              throw new HaproxySyntaxException("truncated or invalid hexadecimal sequence at position " + (i + 1)
                  + ", was " + show(line), i);
            }
            word.append((char) (h1 << 4 | h2));
            i += 4;
          }
          default -> {
            word.append('\\');
            i++;
          }
        }
      } else if (isSpace(c) && !squote && !dquote) {
        while (i < n && isSpace(line.charAt(i))) {
          i++;
        }
        out.add(word.toString());
        word.setLength(0);
        separators++;
      } else if (c == '$' && dquote) {
        i++;
        int brace = -1;
        if (i < n && line.charAt(i) == '{') {
          brace = i++;
        }
        if (i >= n || !(isAlpha(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == '.')) {
          throw new HaproxySyntaxException("forbidden first character in environment variable name at position "
              + (i + 1) + ", was " + show(line), Math.min(i, n));
        }
        int nameStart = i;
        if (line.charAt(i) == '.') {
          i++;
        }
        while (i < n && (isAlnum(line.charAt(i)) || line.charAt(i) == '_')) {
          i++;
        }
        String name = line.substring(nameStart, i);
        if (name.startsWith(".") && !name.equals(".LINE") && !name.equals(".FILE") && !name.equals(".SECTION")) {
          throw new HaproxySyntaxException("unsupported internal variable " + name + " at position "
              + (nameStart + 1) + " (.LINE, .FILE, .SECTION), was " + show(line), nameStart);
        }
        String value = environment.apply(name);
        boolean expand = false;
        if (i < n && line.charAt(i) == '[' && brace >= 0) {
          int at = i;
          if (i + 2 >= n || line.charAt(i + 1) != '*' || line.charAt(i + 2) != ']') {
            throw new HaproxySyntaxException("truncated or invalid word expansion sequence at position " + (at + 1)
                + ", was " + show(line), at);
          }
          i += 3;
          expand = true;
        }
        if (brace >= 0) {
          if (i < n && line.charAt(i) == '-') {
            int close = line.indexOf('}', i);
            if (close < 0) {
              throw new HaproxySyntaxException("unmatched brace in environment variable name at position "
                  + (brace + 1) + ", was " + show(line), brace);
            }
            if (value == null) {
              value = line.substring(i + 1, close);
            }
            i = close;
          } else if (i >= n || line.charAt(i) != '}') {
            throw new HaproxySyntaxException("unmatched brace in environment variable name at position "
                + (brace + 1) + ", was " + show(line), brace);
          }
          i++;
        }
        if (value != null) {
          int v = 0;
          while (v < value.length()) {
            char vc = value.charAt(v);
            if (expand && isSpace(vc)) {
              out.add(word.toString());
              word.setLength(0);
              separators++;
              while (v < value.length() && isSpace(value.charAt(v))) {
                v++;
              }
            } else {
              word.append(vc);
              v++;
            }
          }
        }
      } else {
        word.append(c);
        i++;
      }
    }
    out.add(word.toString());
    if (quoteAt >= 0) {
      throw new HaproxySyntaxException("unmatched quote at position " + (quoteAt + 1) + ", was " + show(line),
          quoteAt);
    }
    if (separators >= MAX_WORDS) {
      throw new HaproxySyntaxException("too many words, at most " + MAX_WORDS + " per line, was " + show(line), -1);
    }
    for (int k = 0; k < out.size(); k++) {
      String w = out.get(k);
      int nul = w.indexOf('\0');
      if (nul >= 0) {
        out.set(k, w.substring(0, nul)); // a C string ends at its first NUL
      }
    }
    int size = out.size();
    while (size > 0 && out.get(size - 1).isEmpty()) {
      size--;
    }
    return Collections.unmodifiableList(new ArrayList<>(out.subList(0, size)));
  }

  /**
   * A word written so that {@link #words} reads it back unchanged (whatever the environment): returned as is when it
   * needs no quoting, otherwise in single quotes, with the characters single quotes cannot hold ({@code '},
   * {@code \n}, {@code \r}) written as escapes outside them.
   *
   * @param word any word without NUL, possibly empty
   * @return the configuration text of the word
   * @throws IllegalArgumentException if the word holds a NUL character (no configuration word can)
   */
  public static String quote(String word) {
    Objects.requireNonNull(word, "word");
    if (word.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a configuration word cannot hold NUL, was " + quote2(word));
    }
    boolean plain = !word.isEmpty();
    for (int i = 0; i < word.length() && plain; i++) {
      char c = word.charAt(i);
      plain = c >= '-' && c != '\\' || c == '!' || c == '%' || c == '&' || c == '(' || c == ')' || c == '*'
          || c == '+' || c == ',' || c == '$';
    }
    if (plain) {
      return word;
    }
    StringBuilder sb = new StringBuilder();
    boolean open = false;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      String escape = switch (c) {
        case '\'' -> "\\'";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        default -> null;
      };
      if (escape != null) {
        if (open) {
          sb.append('\'');
          open = false;
        }
        sb.append(escape);
      } else {
        if (!open) {
          sb.append('\'');
          open = true;
        }
        sb.append(c);
      }
    }
    if (open) {
      sb.append('\'');
    }
    return sb.length() == 0 ? "''" : sb.toString();
  }

  /**
   * Words joined into one configuration line that {@link #words} splits back into the same words (trailing empty
   * words aside: {@link #words} drops them).
   *
   * @param words the words, without NUL
   * @return the line
   */
  public static String line(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(w));
    }
    return sb.toString();
  }

  /**
   * A time value in {@code unit}, as HAProxy's {@code parse_time_err(text, &ret, unit)}: digits with an optional
   * unit suffix ({@code us ms s m h d}), no suffix meaning {@code unit}, rounded up to {@code unit}.
   *
   * @param field the keyword, for messages (e.g. {@code inter})
   * @param text the value (e.g. {@code 5s})
   * @param unit the keyword's unit: MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS
   * @return the value in {@code unit}, 0 .. 2^31-1
   * @throws HaproxySyntaxException naming the field and the value when it is not a time, has an unknown unit,
   *     overflows 2^31-1 units or is a non-zero value below one unit
   * @throws IllegalArgumentException if {@code unit} is NANOSECONDS, which HAProxy has no keyword in
   */
  public static int time(String field, String text, TimeUnit unit) {
    Objects.requireNonNull(text, "text");
    long omult = 1;
    long odiv = 1;
    switch (unit) {
      case MICROSECONDS -> omult = 1_000_000;
      case MILLISECONDS -> omult = 1_000;
      case SECONDS -> { }
      case MINUTES -> odiv = 60;
      case HOURS -> odiv = 3_600;
      case DAYS -> odiv = 86_400;
      default -> throw new IllegalArgumentException("unit must be one of HAProxy's time units, was " + unit);
    }
    int digits = 0;
    while (digits < text.length() && isDigit(text.charAt(digits))) {
      digits++;
    }
    if (digits == 0) {
      throw new HaproxySyntaxException(field + " expects a time (digits and an optional unit us, ms, s, m, h, d),"
          + " was '" + text + "'", -1);
    }
    BigInteger value = new BigInteger(text.substring(0, digits));
    String suffix = text.substring(digits);
    long imult = 1;
    long idiv = 1;
    if (suffix.isEmpty()) {
      omult = 1; // no unit: the value is already in the keyword's unit
      odiv = 1;
    } else {
      char u = suffix.charAt(0);
      int len = 1;
      switch (u) {
        case 's' -> { }
        case 'u' -> {
          if (suffix.length() < 2 || suffix.charAt(1) != 's') {
            throw unexpectedUnit(field, text, suffix);
          }
          idiv = 1_000_000;
          len = 2;
        }
        case 'm' -> {
          if (suffix.length() >= 2 && suffix.charAt(1) == 's') {
            idiv = 1_000;
            len = 2;
          } else {
            imult = 60;
          }
        }
        case 'h' -> imult = 3_600;
        case 'd' -> imult = 86_400;
        default -> throw unexpectedUnit(field, text, suffix);
      }
      if (suffix.length() > len) {
        throw new HaproxySyntaxException(field + " has an unexpected character '" + suffix.charAt(len)
            + "' after the time value (units us, ms, s, m, h, d), was '" + text + "'", -1);
      }
    }
    if (omult % idiv == 0) {
      omult /= idiv;
      idiv = 1;
    }
    if (idiv % omult == 0) {
      idiv /= omult;
      omult = 1;
    }
    if (imult % odiv == 0) {
      imult /= odiv;
      odiv = 1;
    }
    if (odiv % imult == 0) {
      odiv /= imult;
      imult = 1;
    }
    BigInteger div = BigInteger.valueOf(idiv * odiv);
    BigInteger result = value.multiply(BigInteger.valueOf(imult * omult)).add(div.subtract(BigInteger.ONE))
        .divide(div);
    String unitName = unitName(unit);
    if (result.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new HaproxySyntaxException(field + " overflows, maximum value is 2147483647 " + unitName + ", was '"
          + text + "'", -1);
    }
    if (result.signum() == 0 && value.signum() != 0) {
      throw new HaproxySyntaxException(field + " underflows, minimum non-null value is 1 " + unitName + ", was '"
          + text + "'", -1);
    }
    return result.intValue();
  }

  private static HaproxySyntaxException unexpectedUnit(String field, String text, String suffix) {
    return new HaproxySyntaxException(field + " has an unexpected unit '" + suffix + "' (us, ms, s, m, h, d), was '"
        + text + "'", -1);
  }

  /**
   * HAProxy's abbreviation of a time unit ({@code us ms s m h d}).
   *
   * @param unit a unit from MICROSECONDS to DAYS
   * @return its abbreviation
   * @throws IllegalArgumentException for NANOSECONDS
   */
  public static String unitName(TimeUnit unit) {
    return switch (unit) {
      case MICROSECONDS -> "us";
      case MILLISECONDS -> "ms";
      case SECONDS -> "s";
      case MINUTES -> "m";
      case HOURS -> "h";
      case DAYS -> "d";
      default -> throw new IllegalArgumentException("unit must be one of HAProxy's time units, was " + unit);
    };
  }

  /**
   * A size, as HAProxy's {@code parse_size_err} (stick-table {@code size}): digits with an optional {@code k},
   * {@code m} or {@code g} suffix (either case, powers of 1024), fitting in 32 unsigned bits.
   *
   * @param field the keyword, for messages
   * @param text the value (e.g. {@code 100k})
   * @return the size, 0 .. 2^32-1
   * @throws HaproxySyntaxException naming the field and the value
   */
  public static long size(String field, String text) {
    Objects.requireNonNull(text, "text");
    int i = 0;
    long value = 0;
    while (i < text.length() && isDigit(text.charAt(i))) {
      value = value * 10 + (text.charAt(i) - '0');
      if (value > 0xFFFF_FFFFL) {
        throw new HaproxySyntaxException(field + " overflows 32 bits, was '" + text + "'", -1);
      }
      i++;
    }
    if (i == 0) {
      throw new HaproxySyntaxException(field + " expects a size (digits and an optional k, m, g), was '" + text
          + "'", -1);
    }
    if (i < text.length()) {
      int shift = switch (Character.toLowerCase(text.charAt(i))) {
        case 'k' -> 10;
        case 'm' -> 20;
        case 'g' -> 30;
        default -> -1;
      };
      if (shift < 0 || i + 1 < text.length()) {
        throw new HaproxySyntaxException(field + " has an unexpected character '" + text.charAt(shift < 0 ? i : i + 1)
            + "' (sizes take k, m or g), was '" + text + "'", -1);
      }
      if (value > 0xFFFF_FFFFL >>> shift) {
        throw new HaproxySyntaxException(field + " overflows 32 bits, was '" + text + "'", -1);
      }
      value <<= shift;
    }
    return value;
  }

  /**
   * A decimal integer in {@code [min, max]}: an optional {@code -} then digits, nothing else. Stricter than the C
   * library's {@code atol} that HAProxy uses for most integers (it reads {@code 2x} as 2 and {@code abc} as 0).
   *
   * @param field the keyword, for messages
   * @param text the configuration word to read, for example {@code "-1"} or {@code "256"}
   * @param min the lowest accepted value
   * @param max the highest accepted value
   * @return the integer {@code text} denotes, in {@code [min, max]}
   * @throws HaproxySyntaxException naming the field, the range and the value
   */
  public static int integer(String field, String text, int min, int max) {
    Objects.requireNonNull(text, "text");
    int start = text.startsWith("-") ? 1 : 0;
    boolean digits = text.length() > start;
    for (int i = start; i < text.length() && digits; i++) {
      digits = isDigit(text.charAt(i));
    }
    if (!digits) {
      throw new HaproxySyntaxException(field + " expects an integer in [" + min + ", " + max + "], was '" + text
          + "'", -1);
    }
    long value;
    try {
      value = text.length() - start > 18 ? (start == 1 ? Long.MIN_VALUE : Long.MAX_VALUE) : Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE;
    }
    if (value < min || value > max) {
      throw new HaproxySyntaxException(field + " must be in [" + min + ", " + max + "], was '" + text + "'", -1);
    }
    return (int) value;
  }

  /**
   * Whether {@code c} is an RFC 9110 {@code tchar} (HTTP tokens: header and cookie names, methods).
   *
   * @param c a character
   * @return whether it may appear in a token
   */
  public static boolean isTokenChar(char c) {
    if (c <= 0x20 || c >= 0x7F) {
      return false;
    }
    return "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  /**
   * Whether {@code s} is a non-empty RFC 9110 token.
   *
   * @param s the characters to check, for example a header or cookie name; {@code null} is not a token
   * @return whether every character is a {@link #isTokenChar tchar} and there is at least one
   */
  public static boolean isToken(CharSequence s) {
    if (s == null || s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * HAProxy's {@code invalid_char}: proxy, server and section names may hold letters, digits, {@code - _ . :}.
   *
   * @param name a proxy, server or section name as written in the configuration
   * @return the index of the first character HAProxy refuses, or -1 when the name is valid (an empty name has none)
   */
  public static int invalidNameChar(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isAlnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAlnum(char c) {
    return isAlpha(c) || isDigit(c);
  }

  private static String show(String line) {
    return '"' + line.replace("\n", "\\n").replace("\r", "\\r") + '"';
  }

  private static String quote2(String s) {
    return '"' + s.replace("\0", "\\x00") + '"';
  }
}
