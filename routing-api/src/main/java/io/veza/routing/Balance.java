package io.veza.routing;

import io.veza.routing.hash.KeyHasher;
import io.veza.routing.syntax.HaproxySyntax;
import java.util.Objects;
import java.util.function.Function;

/**
 * The load-balancing algorithm of a pool (HAProxy's {@code balance} keyword). Immutable.
 *
 * <ul>
 *   <li>{@link #roundRobin()}: smooth weighted round robin over the servers' effective weights
 *       ({@code balance roundrobin}).
 *   <li>Hash modes: a key is taken from the request and mapped to a server with the health-aware jump
 *       consistent hash of routing-hash, so every gateway instance agrees without coordination, a failed server
 *       moves only its keys, and slow start only moves keys onto the returning server. A request without the
 *       key falls back to round robin, as HAProxy does.
 *       <ul>
 *         <li>{@link #uri()} with {@link #len}, {@link #depth}, {@link #whole}, {@link #pathOnly}
 *             ({@code balance uri [path-only] [whole] [len N] [depth N]});
 *         <li>{@link #header(String)} ({@code balance hdr(name)});
 *         <li>{@link #queryParam(String)} ({@code balance url_param name});
 *         <li>{@link #pathSegment(int)} (for example the {@code track_id} of {@code /hls/{track_id}/...});
 *         <li>{@link #key(Function)}: any function of the request.
 *       </ul>
 * </ul>
 *
 * <p>The key is hashed with the pool's {@link io.veza.routing.hash.KeyHasher} (XXH3 by default, optionally
 * seeded so that outsiders cannot aim keys at one server) directly over the characters of the request, without
 * copying them.
 */
public final class Balance {

  enum Kind { ROUND_ROBIN, URI, HEADER, QUERY_PARAM, PATH_SEGMENT, KEY }

  /** Packed "no key" result of {@link #keyRange}. */
  static final long NO_KEY = -1L;

  private static final Balance ROUND_ROBIN = new Balance(Kind.ROUND_ROBIN, null, 0, 0, false, false, null);

  private final Kind kind;
  private final String name;
  private final int len;
  private final int depth;
  private final boolean whole;
  private final boolean pathOnly;
  private final Function<? super RequestView, ? extends CharSequence> keyFunction;

  private Balance(Kind kind, String name, int len, int depth, boolean whole, boolean pathOnly,
                  Function<? super RequestView, ? extends CharSequence> keyFunction) {
    this.kind = kind;
    this.name = name;
    this.len = len;
    this.depth = depth;
    this.whole = whole;
    this.pathOnly = pathOnly;
    this.keyFunction = keyFunction;
  }

  /**
   * {@code balance roundrobin}: smooth weighted round robin over effective weights (the default).
   *
   * @return the round-robin mode (a shared instance)
   */
  public static Balance roundRobin() {
    return ROUND_ROBIN;
  }

  /**
   * {@code balance uri}: hashes the request-target up to (excluding) the first {@code ?}. Refine with
   * {@link #whole()}, {@link #len(int)}, {@link #depth(int)} and {@link #pathOnly()}.
   *
   * @return a new URI-hashing mode with no length or depth limit
   */
  public static Balance uri() {
    return new Balance(Kind.URI, null, 0, 0, false, false, null);
  }

  /**
   * {@code balance hdr(name)}: hashes the first comma-separated value of the first occurrence of header
   * {@code name} (case-insensitive), trimmed of spaces and tabs; a request without the header is balanced by
   * round robin.
   *
   * @param name the header name, an HTTP token (for example {@code "X-Track-Id"})
   * @return a new header-hashing mode
   * @throws IllegalArgumentException if {@code name} is not an HTTP token
   */
  public static Balance header(String name) {
    Objects.requireNonNull(name, "name");
    requireToken("header", name);
    return new Balance(Kind.HEADER, name, 0, 0, false, false, null);
  }

  /**
   * {@code balance url_param name}: hashes the value of the first query parameter named exactly
   * {@code name} (case-sensitive), from after {@code name=} up to the next {@code &} or the end of the
   * request-target (an empty value is hashed as empty). Parameters are searched after the first {@code ?}. A
   * request without the parameter is balanced by round robin.
   *
   * @param name the query parameter name, matched exactly and case-sensitively
   * @return a new query-parameter-hashing mode
   * @throws IllegalArgumentException if {@code name} is empty
   */
  public static Balance queryParam(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("queryParam name must be non-empty, was " + quote(name));
    }
    return new Balance(Kind.QUERY_PARAM, name, 0, 0, false, false, null);
  }

  /**
   * Hashes the {@code index}-th segment (0-based) of the path of the request-target: the characters between
   * the {@code index}-th and the next {@code /} (or {@code ?} or end). For {@code /hls/{track_id}/seg.ts},
   * {@code pathSegment(1)} hashes the track id. Absolute-form targets are reduced to their path first. A
   * request whose path has fewer segments, or whose segment is empty, is balanced by round robin.
   *
   * @param index the 0-based index of the path segment to hash; 0 is the segment right after the first {@code /}
   * @return a new path-segment-hashing mode
   * @throws IllegalArgumentException if {@code index < 0}
   */
  public static Balance pathSegment(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("pathSegment index must be >= 0, was " + index);
    }
    return new Balance(Kind.PATH_SEGMENT, null, 0, index, false, false, null);
  }

  /**
   * Hashes the characters returned by {@code key}; a {@code null} result, or an exception thrown by the
   * function, means "no key" and the request is balanced by round robin. The function runs on every request:
   * return a view over the request's own characters (or a cached string) to keep routing allocation-free, or use
   * {@link #pathSegment(int)} and friends, which never allocate.
   *
   * @param key the function that extracts the key from a request; it may return {@code null} for "no key"
   * @return a new mode that hashes the function's result
   */
  public static Balance key(Function<? super RequestView, ? extends CharSequence> key) {
    Objects.requireNonNull(key, "key");
    return new Balance(Kind.KEY, null, 0, 0, false, false, key);
  }

  /**
   * {@code len N} (URI hashing only): only the first {@code n} characters of the request-target are considered.
   *
   * @param n how many characters of the request-target the key has at most, &gt; 0
   * @return a new mode equal to this one with the length limit {@code n}
   * @throws IllegalArgumentException if {@code n <= 0}
   * @throws IllegalStateException if this is not {@link #uri()}
   */
  public Balance len(int n) {
    requireUri("len");
    if (n <= 0) {
      throw new IllegalArgumentException("uri len must be > 0, was " + n);
    }
    return new Balance(kind, name, n, depth, whole, pathOnly, null);
  }

  /**
   * {@code depth N} (URI hashing only): the key stops before the {@code (N+1)}-th {@code /} of the
   * request-target, so {@code depth 2} hashes {@code /a/b} of {@code /a/b/c}. Combined with {@link #len(int)},
   * whichever limit is reached first ends the key.
   *
   * @param n how many {@code /}-separated levels of the path the key has at most, &gt; 0
   * @return a new mode equal to this one with the depth limit {@code n}
   * @throws IllegalArgumentException if {@code n <= 0}
   * @throws IllegalStateException if this is not {@link #uri()}
   */
  public Balance depth(int n) {
    requireUri("depth");
    if (n <= 0) {
      throw new IllegalArgumentException("uri depth must be > 0, was " + n);
    }
    return new Balance(kind, name, len, n, whole, pathOnly, null);
  }

  /**
   * {@code whole} (URI hashing only): the query string is part of the key ({@code ?} no longer ends it).
   *
   * @return a new mode equal to this one that also hashes the query string
   * @throws IllegalStateException if this is not {@link #uri()}
   */
  public Balance whole() {
    requireUri("whole");
    return new Balance(kind, name, len, depth, true, pathOnly, null);
  }

  /**
   * {@code path-only} (URI hashing only): the key starts at the path, so an absolute-form target
   * ({@code http://host/p}) hashes like its origin form ({@code /p}) and HTTP/1 and HTTP/2 agree; a target
   * without a path (authority form, {@code *}) hashes as empty.
   *
   * @return a new mode equal to this one that hashes from the start of the path
   * @throws IllegalStateException if this is not {@link #uri()}
   */
  public Balance pathOnly() {
    requireUri("path-only");
    return new Balance(kind, name, len, depth, whole, true, null);
  }

  /**
   * Whether this mode hashes a request key (every mode but round robin).
   *
   * @return {@code false} for {@link #roundRobin()}, {@code true} for every hash mode
   */
  public boolean isHash() {
    return kind != Kind.ROUND_ROBIN;
  }

  Kind kind() {
    return kind;
  }

  /** The characters the key is taken from, or {@code null} when the request has none. Never throws. */
  CharSequence keySource(RequestView request) {
    try {
      switch (kind) {
        case URI:
        case QUERY_PARAM:
        case PATH_SEGMENT:
          return request.uri();
        case HEADER:
          return request.headerCount(name) > 0 ? request.header(name, 0) : null;
        case KEY:
          return keyFunction.apply(request);
        default:
          return null;
      }
    } catch (RuntimeException e) {
      return null; // a failing view or key function means "no key"
    }
  }

  /**
   * The key's range in {@code source} packed as {@code from << 32 | to}, or {@link #NO_KEY}. Pure and
   * allocation-free; never throws.
   */
  long keyRange(CharSequence source) {
    if (source == null) {
      return NO_KEY;
    }
    int length;
    try {
      length = source.length();
    } catch (RuntimeException e) {
      return NO_KEY;
    }
    switch (kind) {
      case URI:
        return uriRange(source, length);
      case HEADER:
        return headerRange(source, length);
      case QUERY_PARAM:
        return queryParamRange(source, length);
      case PATH_SEGMENT:
        return pathSegmentRange(source, length);
      case KEY:
        return pack(0, length);
      default:
        return NO_KEY;
    }
  }

  /**
   * The hash of the key in {@code source} (a non-null {@link #keySource}), or {@code noKey} when it has none: the
   * hash of {@link #keyRange}'s range, moved to {@code noKey + 1} if it equals {@code noKey}. For a {@code String}
   * request-target without a depth limit the search for the {@code '?'} is left to {@link KeyHasher#hashUntil},
   * which does it in the pass that checks the chars (a separate {@code indexOf} lay on the request's critical path).
   * Throws what the hasher or a misbehaving {@code CharSequence} throws.
   */
  long keyHash(CharSequence source, KeyHasher hasher, long noKey) {
    long h;
    if (kind == Kind.URI && depth <= 0 && source instanceof String s) {
      long bounds = uriBounds(s, s.length());
      h = whole ? hasher.hash(s, from(bounds), to(bounds)) : hasher.hashUntil(s, from(bounds), to(bounds), '?');
    } else {
      long range = keyRange(source);
      if (range == NO_KEY) {
        return noKey;
      }
      h = hasher.hash(source, from(range), to(range));
    }
    return h == noKey ? noKey + 1 : h;
  }

  static long pack(int from, int to) {
    return ((long) from << 32) | (to & 0xFFFFFFFFL);
  }

  static int from(long range) {
    return (int) (range >>> 32);
  }

  static int to(long range) {
    return (int) range;
  }

  /** HAProxy's {@code get_server_uh}: the scan stops at {@code len}, at the depth-limiting slash, or at '?'. */
  private long uriRange(CharSequence uri, int length) {
    long bounds = uriBounds(uri, length);
    int start = from(bounds);
    int limit = to(bounds);
    int slashes = 0;
    int end = start;
    while (end < limit) {
      char c = uri.charAt(end);
      if (c == '/') {
        slashes++;
        if (depth > 0 && slashes == depth + 1) {
          break;
        }
      } else if (c == '?' && !whole) {
        break;
      }
      end++;
    }
    return pack(start, end);
  }

  /** Where the URI key may run: from the path's start ({@code path-only}) or 0, for at most {@code len} chars. */
  private long uriBounds(CharSequence uri, int length) {
    int start = pathOnly ? pathStart(uri, length) : 0;
    return pack(start, len > 0 && length - start > len ? start + len : length);
  }

  /**
   * Start of the path in a request-target, as HAProxy's {@code http_parse_path}: origin form starts at 0;
   * absolute form ({@code scheme://authority/path}) at the first '/' after the authority (or the end when
   * there is none); anything else (authority form, {@code *}) has no path, so the end.
   */
  static int pathStart(CharSequence uri, int length) {
    if (length == 0) {
      return 0;
    }
    char first = uri.charAt(0);
    if (first == '/') {
      return 0;
    }
    if (first == '*') {
      return length;
    }
    // absolute form: scheme ":" "//" authority path
    int i = 0;
    while (i < length && isSchemeChar(uri.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0 || i + 2 >= length || uri.charAt(i) != ':' || uri.charAt(i + 1) != '/' || uri.charAt(i + 2) != '/') {
      return length; // authority form or garbage: no path
    }
    for (int j = i + 3; j < length; j++) {
      char c = uri.charAt(j);
      if (c == '/') {
        return j;
      }
      if (c == '?' || c == '#') {
        return length; // "http://host?q" has an empty path
      }
    }
    return length;
  }

  private static boolean isSchemeChar(char c, boolean first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
    return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
  }

  /** HAProxy's {@code http_find_header} without {@code full}: the first comma-separated element, trimmed. */
  private static long headerRange(CharSequence value, int length) {
    int from = 0;
    while (from < length && isSpace(value.charAt(from))) {
      from++;
    }
    int to = from;
    while (to < length && value.charAt(to) != ',') {
      to++;
    }
    while (to > from && isSpace(value.charAt(to - 1))) {
      to--;
    }
    return pack(from, to);
  }

  /** HAProxy's {@code get_server_ph}: {@code name=} at the start of a '&'-separated parameter after '?'. */
  private long queryParamRange(CharSequence uri, int length) {
    int q = indexOf(uri, '?', 0, length);
    if (q < 0) {
      return NO_KEY;
    }
    int plen = name.length();
    int p = q + 1;
    while (length - p > plen) {
      if (uri.charAt(p + plen) == '=' && regionMatches(uri, p, name)) {
        int from = p + plen + 1;
        int to = indexOf(uri, '&', from, length);
        return pack(from, to < 0 ? length : to);
      }
      int amp = indexOf(uri, '&', p, length);
      if (amp < 0) {
        return NO_KEY;
      }
      p = amp + 1;
    }
    return NO_KEY;
  }

  private long pathSegmentRange(CharSequence uri, int length) {
    int i = pathStart(uri, length);
    if (i >= length || uri.charAt(i) != '/') {
      return NO_KEY;
    }
    int segment = depth; // pathSegment stores its index in the depth field
    while (true) {
      int from = i + 1;
      int to = from;
      while (to < length) {
        char c = uri.charAt(to);
        if (c == '/' || c == '?' || c == '#') {
          break;
        }
        to++;
      }
      if (segment == 0) {
        return to > from ? pack(from, to) : NO_KEY;
      }
      if (to >= length || uri.charAt(to) != '/') {
        return NO_KEY;
      }
      segment--;
      i = to;
    }
  }

  private static boolean regionMatches(CharSequence s, int offset, String name) {
    for (int k = 0; k < name.length(); k++) {
      if (s.charAt(offset + k) != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(CharSequence s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private void requireUri(String option) {
    if (kind != Kind.URI) {
      throw new IllegalStateException(option + " applies to balance uri only, not to " + this);
    }
  }

  static void requireToken(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " name must be a non-empty token, was " + quote(value));
    }
    for (int i = 0; i < value.length(); i++) {
      if (!HaproxySyntax.isTokenChar(value.charAt(i))) {
        throw new IllegalArgumentException(field + " name must be a token (RFC 9110), was " + quote(value));
      }
    }
  }

  static String quote(String s) {
    return s == null ? "null" : '"' + s + '"';
  }

  /**
   * The HAProxy {@code balance} line this mode corresponds to, without the leading {@code balance}, with its words
   * quoted where HAProxy's tokenizer needs it ({@link HaproxySyntax#quote}): {@code roundrobin},
   * {@code uri [path-only] [whole] [len N] [depth N]}, {@code hdr(name)}, {@code url_param name},
   * {@code hash path,field(N,/)} for {@code pathSegment(N - 2)}. routing-haproxy's {@code HaproxyBalance} reads it
   * back into a balance of the same mode and options. Two cannot be read back: a {@link #key key function} prints as
   * {@code key} and the function's own description, which no configuration can express, and a {@code url_param} name
   * holding NUL prints unquoted (no configuration word can hold NUL).
   */
  @Override
  public String toString() {
    switch (kind) {
      case ROUND_ROBIN:
        return "roundrobin";
      case URI:
        return "uri" + (pathOnly ? " path-only" : "") + (whole ? " whole" : "") + (len > 0 ? " len " + len : "")
            + (depth > 0 ? " depth " + depth : "");
      case HEADER:
        return HaproxySyntax.quote("hdr(" + name + ")"); // a token may hold # and ', which the tokenizer reads
      case QUERY_PARAM:
        return "url_param " + (name.indexOf('\0') >= 0 ? name : HaproxySyntax.quote(name));
      case PATH_SEGMENT:
        return "hash path,field(" + (depth + 2L) + ",/)"; // HAProxy 2.6: the (index+2)-th '/'-separated field
      default:
        return "key " + keyFunction;
    }
  }
}
