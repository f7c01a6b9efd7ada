package io.veza.routing.haproxy;

import io.veza.routing.Balance;
import io.veza.routing.syntax.HaproxySyntax;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One HAProxy 2.6 {@code balance} line as a {@link Balance}, read by the same code as the {@code balance} lines of an
 * imported configuration ({@link HaproxyConfig}):
 *
 * <ul>
 *   <li>{@code roundrobin} (also a {@code balance} line without an algorithm, as in HAProxy);
 *   <li>{@code uri [len N] [depth N] [whole] [path-only]}, options in any order;
 *   <li>{@code url_param <name>};
 *   <li>{@code hdr(<name>)}, the name an HTTP token;
 *   <li>{@code hash path,field(N,/)} with {@code N >= 2}: the {@code N}-th {@code /}-separated field of the path,
 *       that is {@link Balance#pathSegment(int) Balance.pathSegment(N - 2)}.
 * </ul>
 *
 * {@link Balance#toString()} prints this line for every balance but a {@link Balance#key key function} (which no
 * configuration can express), so that {@code HaproxyBalance.parse(balance.toString())} is an equal balance.
 * Algorithms and options HAProxy has and routing does not ({@code leastconn}, {@code source}, {@code static-rr},
 * {@code first}, {@code random}, {@code rdp-cookie}, {@code url_param ... check_post}, {@code hdr(...)
 * use_domain_only}, other {@code hash} expressions) are refused, as are lines HAProxy refuses.
 */
public final class HaproxyBalance {
  private static final Pattern PATH_FIELD = Pattern.compile("path,field\\(([0-9]{1,10}),/\\)");
  private static final Set<String> UNSUPPORTED = Set.of("static-rr", "first", "leastconn", "source");

  private HaproxyBalance() {}

  /**
   * Parses a balance line, with or without its leading {@code balance}: {@code "uri whole len 32"},
   * {@code "balance hdr(X-Track-Id)"}. Words are split as in a configuration file
   * ({@link HaproxySyntax#words(String)}: quotes, escapes, comments).
   *
   * @param line the line
   * @return the balance
   * @throws HaproxyConfigException naming the keyword and the value
   */
  public static Balance parse(String line) {
    Objects.requireNonNull(line, "line");
    List<String> words;
    try {
      words = HaproxySyntax.words(line);
    } catch (IllegalArgumentException e) {
      throw Reporter.single().error("balance", String.valueOf(e.getMessage()), e);
    }
    return parse(words);
  }

  /**
   * Parses the words of a balance line, with or without the leading {@code balance}.
   *
   * @param words the words, e.g. {@code [uri, len, 32]}
   * @return the balance
   * @throws HaproxyConfigException naming the keyword and the value
   */
  public static Balance parse(List<String> words) {
    Objects.requireNonNull(words, "words");
    int from = !words.isEmpty() && words.get(0).equals("balance") ? 1 : 0;
    Balance b = parse(words, from, Reporter.single());
    if (b == null) {
      throw new IllegalStateException("a strict parse returned no balance"); // single() throws instead
    }
    return b;
  }

  /**
   * The importer's reading of {@code w.get(from)} on (the algorithm then its options).
   *
   * @param w the words of the line
   * @param from the index of the algorithm ({@code w.size()} when there is none: roundrobin)
   * @param r where errors go
   * @return the balance, or null when a lenient reporter skipped an unsupported algorithm or option
   */
  static @Nullable Balance parse(List<String> w, int from, Reporter r) {
    if (w.size() <= from) {
      return Balance.roundRobin();
    }
    String algo = w.get(from);
    int args = w.size() - from - 1; // words after the algorithm
    Balance b;
    if (algo.equals("roundrobin")) {
      b = Balance.roundRobin();
    } else if (algo.equals("uri")) {
      b = Balance.uri();
      for (int i = from + 1; i < w.size(); i++) {
        switch (w.get(i)) {
          case "len" -> b = b.len(positive(w, ++i, "len", r));
          case "depth" -> b = b.depth(positive(w, ++i, "depth", r));
          case "whole" -> b = b.whole();
          case "path-only" -> b = b.pathOnly();
          default -> throw r.error("balance", "uri only accepts parameters 'len', 'depth', 'path-only', and 'whole'"
              + " (got '" + w.get(i) + "')");
        }
      }
      return b;
    } else if (algo.equals("url_param")) {
      if (args < 1 || w.get(from + 1).isEmpty()) {
        throw r.error("balance", "url_param requires an URL parameter name");
      }
      String name = w.get(from + 1);
      if (args > 1) {
        if (!w.get(from + 2).equals("check_post")) {
          throw r.error("balance", "url_param only accepts 'check_post' modifier (got '" + w.get(from + 2) + "')");
        }
        r.unsupported("check_post", "balance url_param check_post (hashing a POST body) is not supported");
        return null;
      }
      return Balance.queryParam(name);
    } else if (algo.startsWith("hdr(")) {
      int close = algo.indexOf(')');
      if (close < 0 || close == 4) {
        throw r.error("balance", "hdr requires an http header field name");
      }
      if (close != algo.length() - 1) {
        throw r.error("balance", "unexpected characters after ')' in '" + algo + "'");
      }
      String name = algo.substring(4, close);
      if (!HaproxySyntax.isToken(name)) {
        throw r.error("balance", "hdr(name) needs a header name that is an HTTP token, was '" + name + "'");
      }
      if (args > 0) {
        if (!w.get(from + 1).equals("use_domain_only")) {
          throw r.error("balance", algo + " only accepts 'use_domain_only' modifier (got '" + w.get(from + 1) + "')");
        }
        r.unsupported("use_domain_only", "balance hdr(name) use_domain_only is not supported");
        return null;
      }
      return Balance.header(name);
    } else if (algo.equals("hash")) {
      // balance hash <expr>: the one expression routing maps exactly is a path field, path,field(N,/): the N-th
      // '/'-separated field of the path (field 1 is the empty one before the leading '/'), i.e. path segment N-2
      if (args < 1 || w.get(from + 1).isEmpty()) {
        throw r.error("balance", "hash requires a sample expression");
      }
      String expr = w.get(from + 1);
      Matcher m = PATH_FIELD.matcher(expr);
      long field = m.matches() ? Long.parseLong(m.group(1)) : -1;
      if (field < 2 || field - 2 > Integer.MAX_VALUE) {
        r.unsupported("balance", "balance hash " + expr + " is not supported (routing maps 'hash path,field(N,/)',"
            + " 2 <= N <= " + (Integer.MAX_VALUE + 2L) + ", onto a path segment)");
        return null;
      }
      b = Balance.pathSegment((int) (field - 2));
      if (args > 1) {
        throw r.error("balance", "unexpected argument '" + w.get(from + 2) + "'");
      }
      return b;
    } else if (UNSUPPORTED.contains(algo) || algo.startsWith("random") || algo.startsWith("rdp-cookie")) {
      r.unsupported("balance", "balance " + algo + " is not supported (routing has roundrobin, uri, url_param,"
          + " hdr(name) and hash path,field(N,/))");
      return null;
    } else {
      throw r.error("balance", "only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param',"
          + " 'hdr(name)' and 'rdp-cookie(name)' options, was '" + algo + "'");
    }
    if (args > 0) {
      throw r.error("balance", "unexpected argument '" + w.get(from + 1) + "'");
    }
    return b;
  }

  private static int positive(List<String> w, int i, String what, Reporter r) {
    String v = i < w.size() ? w.get(i) : "";
    if (v.isEmpty()) {
      throw r.error("balance", "uri: '" + what + "' expects a positive integer (got '')");
    }
    try {
      return HaproxySyntax.integer("balance uri " + what, v, 1, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw r.error("balance uri " + what, String.valueOf(e.getMessage()), e);
    }
  }
}
