package io.veza.routing.haproxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** On any input the parser returns or throws its documented exception, never anything else. */
class ParserNeverThrowsProperties {
  static final List<String> SOUP = List.of("global", "defaults", "backend", "frontend", "listen", "resolvers",
      "server", "server-template", "default-server", "balance", "roundrobin", "uri", "len", "depth", "whole",
      "path-only", "url_param", "hdr(X)", "hdr()", "hash-type", "consistent", "map-based", "cookie", "SRV", "insert",
      "rewrite", "prefix", "indirect", "nocache", "maxidle", "maxlife", "domain", "attr", "dynamic",
      "dynamic-cookie-key", "option", "no", "default", "redispatch", "persist", "allbackups", "httpchk", "http-check",
      "send", "expect", "status", "!", "meth", "uri", "ver", "timeout", "check", "connect", "retries", "stick-table",
      "stick", "on", "type", "string", "ip", "size", "expire", "src", "req.cook(S)", "spread-checks", "mode", "http",
      "tcp", "inter", "fastinter", "downinter", "rise", "fall", "slowstart", "weight", "backup", "id", "observe",
      "layer7", "error-limit", "on-error", "on-marked-down", "shutdown-sessions", "disabled", "enabled", "init-state",
      "agent-check", "resolvers", "init-addr", "none", "hold", "valid", "from", "127.0.0.1:80", "[::1]:8080",
      "localhost:1", "a.invalid:80", ":80", "0", "1", "-1", "5s", "5x", "99999999999", "200-399", "\"", "'", "\\",
      "#", "\"${X}\"", "\"${X[*]}\"", "\"${X-d}\"", "\"$\"", "\\x4", "\t", ".if", ".notice", ".alert", "[scope]", "s1",
      "b", "\"\"", "\n", "\r", "  ");

  static HaproxyConfig parse(String text, boolean lenient) {
    return HaproxyConfig.parser().lenient(lenient).environment(Map.of("X", "a b")).resolver(ParserNeverThrowsProperties::resolve)
        .parse(text);
  }

  static List<InetAddress> resolve(String host) throws UnknownHostException {
    if (host.equals("localhost") || host.chars().allMatch(c -> c == '.' || c == ':' || Character.isDigit(c)
        || (c >= 'a' && c <= 'f'))) {
      return List.of(InetAddress.getByName(host));
    }
    throw new UnknownHostException(host);
  }

  static void onlyDocumentedException(String text, boolean lenient) {
    try {
      parse(text, lenient);
    } catch (HaproxyConfigException expected) {
      // the documented failure
    }
  }

  @Property(tries = 1000, seed = "1471")
  void randomText(@ForAll String text, @ForAll boolean lenient) {
    onlyDocumentedException(text, lenient);
    onlyDocumentedException(text + "\n", lenient);
  }

  @Property(tries = 2000, seed = "1472")
  void keywordSoup(@ForAll("soup") String text, @ForAll boolean lenient) {
    onlyDocumentedException(text, lenient);
  }

  @Property(tries = 300, seed = "1473")
  void randomBytes(@ForAll byte[] bytes) throws IOException {
    Path file = Files.createTempFile("garbage", ".cfg");
    try {
      Files.write(file, bytes);
      try {
        HaproxyConfig.parser().resolver(ParserNeverThrowsProperties::resolve).parse(file);
      } catch (HaproxyConfigException expected) {
        // the documented failure
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Provide
  Arbitrary<String> soup() {
    Arbitrary<String> word = Arbitraries.oneOf(Arbitraries.of(SOUP), Arbitraries.strings().ofMaxLength(6));
    Arbitrary<String> line = word.list().ofMaxSize(8).map(ws -> String.join(" ", ws));
    Arbitrary<String> sectioned = Arbitraries.of("backend b\n    mode http\n", "defaults\n    mode http\n", "global\n",
        "");
    return net.jqwik.api.Combinators.combine(sectioned, line.list().ofMaxSize(12))
        .as((head, lines) -> head + String.join("\n", lines) + "\n");
  }
}
