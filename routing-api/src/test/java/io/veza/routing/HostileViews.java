package io.veza.routing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request and response views that misbehave as a careless or hostile adapter can: lengths that lie, {@code charAt}
 * that throws, huge header counts, headers that throw or are null, garbage values. Each counts the calls it receives,
 * so tests can bound the work a pool does per request without timing anything.
 */
final class HostileViews {
  private HostileViews() {}

  /** How a view's character sequences misbehave. */
  enum Chars {
    /** Honest strings. */
    PLAIN,
    /** {@code length()} claims 1,000 more characters than {@code charAt} accepts. */
    LYING_LENGTH,
    /** {@code charAt} throws on every index. */
    THROWING_CHAR_AT,
    /** {@code length()} throws. */
    THROWING_LENGTH,
    /** {@code toString()} and {@code subSequence} throw, {@code charAt}/{@code length} are honest. */
    THROWING_TO_STRING
  }

  /** How a view's header lookups misbehave. */
  enum Headers {
    PLAIN,
    /** {@code headerCount} is {@link Integer#MAX_VALUE}; occurrences past the real ones are null. */
    HUGE_COUNT,
    /** {@code headerCount} is {@link Integer#MAX_VALUE}; every occurrence returns the first value. */
    HUGE_COUNT_REPEATING,
    /** {@code headerCount} is negative. */
    NEGATIVE_COUNT,
    /** {@code header()} throws. */
    THROWING_HEADER,
    /** {@code headerCount} throws. */
    THROWING_COUNT,
    /** {@code header()} returns null for every occurrence it claims. */
    NULL_HEADERS
  }

  /** A character sequence that misbehaves as {@code mode} says. */
  static CharSequence chars(String s, Chars mode, AtomicLong calls) {
    if (s == null || mode == Chars.PLAIN) {
      return s;
    }
    return new CharSequence() {
      @Override
      public int length() {
        calls.incrementAndGet();
        return switch (mode) {
          case LYING_LENGTH -> s.length() + 1000;
          case THROWING_LENGTH -> throw new IllegalStateException("length");
          default -> s.length();
        };
      }

      @Override
      public char charAt(int index) {
        calls.incrementAndGet();
        if (mode == Chars.THROWING_CHAR_AT) {
          throw new UnsupportedOperationException("charAt");
        }
        return s.charAt(index); // LYING_LENGTH: throws StringIndexOutOfBoundsException past the real end
      }

      @Override
      public CharSequence subSequence(int start, int end) {
        calls.incrementAndGet();
        if (mode == Chars.THROWING_TO_STRING) {
          throw new IllegalStateException("subSequence");
        }
        return s.subSequence(start, Math.min(end, s.length()));
      }

      @Override
      public String toString() {
        calls.incrementAndGet();
        if (mode == Chars.THROWING_TO_STRING || mode == Chars.THROWING_CHAR_AT) {
          throw new IllegalStateException("toString");
        }
        return s;
      }
    };
  }

  /** A request view over a method, a target and {@code Cookie} / other headers, misbehaving as told. */
  static final class Request implements RequestView {
    final String method;
    final String uri;
    final List<String> cookies;
    final List<String> headers;
    final Chars chars;
    final Headers mode;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong headerCalls = new AtomicLong();

    Request(String method, String uri, List<String> cookies, List<String> headers, Chars chars, Headers mode) {
      this.method = method;
      this.uri = uri;
      this.cookies = cookies;
      this.headers = headers;
      this.chars = chars;
      this.mode = mode;
    }

    @Override
    public String method() {
      calls.incrementAndGet();
      return method;
    }

    @Override
    public CharSequence uri() {
      calls.incrementAndGet();
      return chars(uri, chars, calls);
    }

    private List<String> list(CharSequence name) {
      return "cookie".equalsIgnoreCase(String.valueOf(name)) ? cookies : headers;
    }

    @Override
    public int headerCount(CharSequence name) {
      calls.incrementAndGet();
      return switch (mode) {
        case HUGE_COUNT, HUGE_COUNT_REPEATING -> Integer.MAX_VALUE;
        case NEGATIVE_COUNT -> -3;
        case THROWING_COUNT -> throw new IllegalStateException("headerCount");
        case NULL_HEADERS -> list(name).size() + 2;
        default -> list(name).size();
      };
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      calls.incrementAndGet();
      headerCalls.incrementAndGet();
      List<String> l = list(name);
      return switch (mode) {
        case THROWING_HEADER -> throw new IndexOutOfBoundsException("header " + index);
        case NULL_HEADERS -> null;
        case HUGE_COUNT_REPEATING -> l.isEmpty() ? null : chars(l.get(0), chars, calls);
        default -> index >= 0 && index < l.size() ? chars(l.get(index), chars, calls) : null;
      };
    }

    @Override
    public InetSocketAddress clientAddress() {
      calls.incrementAndGet();
      return null;
    }

    @Override
    public String toString() {
      return method + " " + uri + " cookies " + cookies + " headers " + headers + " " + chars + " " + mode;
    }
  }

  /** A response view with a status and {@code Set-Cookie} / {@code Cache-Control} values, misbehaving as told. */
  static final class Response implements ResponseView {
    final int status;
    final List<String> setCookies;
    final List<String> cacheControl;
    final Chars chars;
    final Headers mode;
    final AtomicLong calls = new AtomicLong();

    Response(int status, List<String> setCookies, List<String> cacheControl, Chars chars, Headers mode) {
      this.status = status;
      this.setCookies = setCookies;
      this.cacheControl = cacheControl;
      this.chars = chars;
      this.mode = mode;
    }

    private List<String> list(CharSequence name) {
      String n = String.valueOf(name);
      return "set-cookie".equalsIgnoreCase(n) ? setCookies : "cache-control".equalsIgnoreCase(n) ? cacheControl
          : List.of();
    }

    @Override
    public int status() {
      calls.incrementAndGet();
      return status;
    }

    @Override
    public int headerCount(CharSequence name) {
      calls.incrementAndGet();
      return switch (mode) {
        case HUGE_COUNT, HUGE_COUNT_REPEATING -> Integer.MAX_VALUE;
        case NEGATIVE_COUNT -> -3;
        case THROWING_COUNT -> throw new IllegalStateException("headerCount");
        case NULL_HEADERS -> list(name).size() + 2;
        default -> list(name).size();
      };
    }

    @Override
    public CharSequence header(CharSequence name, int index) {
      calls.incrementAndGet();
      List<String> l = list(name);
      return switch (mode) {
        case THROWING_HEADER -> throw new IndexOutOfBoundsException("header " + index);
        case NULL_HEADERS -> null;
        case HUGE_COUNT_REPEATING -> l.isEmpty() ? null : chars(l.get(0), chars, calls);
        default -> index >= 0 && index < l.size() ? chars(l.get(index), chars, calls) : null;
      };
    }

    @Override
    public String toString() {
      return status + " set-cookie " + setCookies + " cache-control " + cacheControl + " " + chars + " " + mode;
    }
  }
}
