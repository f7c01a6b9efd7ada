package io.veza.routing.netty;

import org.jspecify.annotations.Nullable;

/**
 * Parses and normalises an HTTP/1.1 request-target before anything routes on it, so that the path a gateway routes
 * by is the path it forwards, and the path the backend resolves. Reusable: one instance per connection,
 * {@link #parse} per request; not thread-safe.
 *
 * <p>The rules, in order (each one is tested):
 *
 * <ol>
 *   <li><b>Characters.</b> A target containing a control character (U+0000..U+001F, U+007F), a space, a
 *       {@code '#'} (a fragment never belongs in a request-target, RFC 9112 3.2) or a non-ASCII character is
 *       rejected: {@link #parse} returns false and the gateway answers 400. Nothing of it reaches a backend.
 *   <li><b>Forms</b> (RFC 9112 3.2). Origin form {@code /path?query} is the usual one. Absolute form
 *       {@code http://host[:port]/path?query} (scheme {@code http} or {@code https}, any case) is accepted as RFC
 *       9112 3.2.2 requires of a server: the target becomes its origin form ({@code /path?query}, {@code /} when the
 *       path is empty) and {@link #authority()} returns the authority, which replaces the {@code Host} header
 *       ("the server MUST ignore the received Host header field"). Asterisk form {@code *} is kept as it is. Anything
 *       else (authority form, other schemes, an absolute form without an authority) is rejected.
 *   <li><b>Percent-encoding in the path</b> (RFC 3986 6.2.2.1 and 6.2.2.2). Every {@code '%'} must start a
 *       {@code %HH} triplet (else rejected). A triplet that encodes an unreserved character
 *       ({@code A-Z a-z 0-9 - . _ ~}) is decoded, since both forms are the same URI; every other triplet is kept
 *       encoded with its hex digits upper-cased. So {@code %2F} stays {@code %2F} and never separates segments, and
 *       {@code %2e%2E} becomes {@code ..} before the next step.
 *   <li><b>Dot segments</b> (RFC 3986 5.2.4, {@code remove_dot_segments}): {@code .} segments are removed,
 *       {@code ..} removes the segment before it, and never climbs above the root. {@code /hls/../api/v1/whoami}
 *       becomes {@code /api/v1/whoami}. Empty segments ({@code //}) are kept: they are not equivalent to one
 *       slash under RFC 3986.
 *   <li><b>The query</b> is kept byte for byte: its meaning belongs to the application.
 * </ol>
 *
 * <p>The normalised target is what routing sees ({@code RequestView.uri()}) and what the backend receives: route
 * and backend can never disagree about the path. A target that needs no change is returned as the same
 * {@code String} (no allocation).
 */
public final class RequestTarget {
  private static final long[] UNRESERVED = new long[2];

  static {
    for (char c = 0; c < 128; c++) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        UNRESERVED[c >> 6] |= 1L << (c & 63);
      }
    }
  }

  private String target = "/";
  private @Nullable String authority;
  private int pathEnd;

  /** A parser with nothing parsed yet ({@link #target()} is {@code "/"}). */
  public RequestTarget() {}

  /**
   * Parses and normalises {@code raw}, a request-target as received on the request line.
   *
   * @param raw the request-target
   * @return true when it is acceptable; false means answer 400 (then the accessors keep their previous values)
   */
  public boolean parse(String raw) {
    int n = raw.length();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7F || c == '#') {
        return false;
      }
    }
    char first = raw.charAt(0);
    if (first == '/') {
      return origin(raw, 0, null);
    }
    if (n == 1 && first == '*') {
      target = raw;
      authority = null;
      pathEnd = 1;
      return true;
    }
    int schemeEnd = schemeEnd(raw);
    if (schemeEnd < 0) {
      return false;
    }
    int authStart = schemeEnd + 3;
    int authEnd = authStart;
    while (authEnd < n && raw.charAt(authEnd) != '/' && raw.charAt(authEnd) != '?') {
      authEnd++;
    }
    if (authEnd == authStart || raw.indexOf('@', authStart) >= 0 && raw.indexOf('@', authStart) < authEnd) {
      return false; // no host, or userinfo (deprecated, RFC 9110 4.2.4: a sender must not generate it)
    }
    String auth = raw.substring(authStart, authEnd);
    if (authEnd == n) {
      return origin("/", 0, auth);
    }
    if (raw.charAt(authEnd) == '?') {
      return origin("/" + raw.substring(authEnd), 0, auth);
    }
    return origin(raw, authEnd, auth);
  }

  /** {@code http://} or {@code https://} (case-insensitive): the index of {@code ':'}, else -1. */
  private static int schemeEnd(String raw) {
    if (raw.regionMatches(true, 0, "http://", 0, 7)) {
      return 4;
    }
    if (raw.regionMatches(true, 0, "https://", 0, 8)) {
      return 5;
    }
    return -1;
  }

  private boolean origin(String raw, int start, @Nullable String auth) {
    int n = raw.length();
    int q = raw.indexOf('?', start);
    int pe = q < 0 ? n : q;
    if (!needsNormalising(raw, start, pe)) {
      target = start == 0 ? raw : raw.substring(start);
      authority = auth;
      pathEnd = pe - start;
      return true;
    }
    StringBuilder path = new StringBuilder(pe - start);
    for (int i = start; i < pe; i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        path.append(c);
        continue;
      }
      if (i + 2 >= pe) {
        return false;
      }
      int hi = Character.digit(raw.charAt(i + 1), 16);
      int lo = Character.digit(raw.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return false;
      }
      char decoded = (char) (hi << 4 | lo);
      if (decoded < 128 && (UNRESERVED[decoded >> 6] & (1L << (decoded & 63))) != 0) {
        path.append(decoded);
      } else {
        path.append('%').append(Character.toUpperCase(raw.charAt(i + 1))).append(Character.toUpperCase(raw.charAt(i + 2)));
      }
      i += 2;
    }
    String normalised = removeDotSegments(path);
    pathEnd = normalised.length();
    target = q < 0 ? normalised : normalised + raw.substring(q);
    authority = auth;
    return true;
  }

  /** Whether the path has a {@code '%'} or a {@code .} / {@code ..} segment. */
  private static boolean needsNormalising(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        return true;
      }
      if (c == '/' && i + 1 < end && s.charAt(i + 1) == '.') {
        int j = i + 2;
        if (j < end && s.charAt(j) == '.') {
          j++;
        }
        if (j == end || s.charAt(j) == '/') {
          return true;
        }
      }
    }
    return false;
  }

  /** RFC 3986 5.2.4 for an absolute path (starts with '/'). */
  static String removeDotSegments(CharSequence path) {
    StringBuilder out = new StringBuilder(path.length());
    int n = path.length();
    int i = 1; // after the leading '/'
    while (true) {
      int next = i;
      while (next < n && path.charAt(next) != '/') {
        next++;
      }
      boolean last = next >= n;
      int len = next - i;
      if (len == 1 && path.charAt(i) == '.') {
        if (last) {
          out.append('/');
        }
      } else if (len == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
        if (last) {
          out.append('/');
        }
      } else {
        out.append('/').append(path, i, next);
      }
      if (last) {
        break;
      }
      i = next + 1;
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  /**
   * The normalised target in origin form ({@code /path?query}), or {@code *}.
   *
   * @return the target
   */
  public String target() {
    return target;
  }

  /**
   * The normalised path: {@link #target()} up to its {@code '?'}.
   *
   * @return the path
   */
  public CharSequence path() {
    return pathEnd == target.length() ? target : target.subSequence(0, pathEnd);
  }

  /**
   * Whether the normalised path starts with {@code prefix} (no allocation).
   *
   * @param prefix a path prefix
   * @return whether it matches
   */
  public boolean pathStartsWith(String prefix) {
    return prefix.length() <= pathEnd && target.startsWith(prefix);
  }

  /**
   * The authority of an absolute-form target ({@code host[:port]}), which replaces the {@code Host} header; null for
   * the other forms.
   *
   * @return the authority, or null
   */
  public @Nullable String authority() {
    return authority;
  }

  @Override
  public String toString() {
    return target;
  }
}
