package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where HAProxy 2.6 refuses a server keyword's argument, the importer and the single-line parsers refuse it with
 * HAProxy's own text: each {@link HaproxyConfigException#reason()} followed by a period is what {@code haproxy -c}
 * prints for the same line (after its {@code 'server b/s1' : } prefix). The runtime API prints the same texts.
 */
class ServerKeywordTextsTest {
  /** Server lines HAProxy refuses, after {@code server sN 127.0.0.1:8080}. */
  static final List<String> SERVER_OPTIONS = List.of("weight 300", "weight -1", "weight 99999999999", "rise 0",
      "rise abc", "rise", "fall -2", "fall", "error-limit 0", "error-limit abc", "error-limit", "inter 0",
      "inter 0ms", "inter 99999999999", "inter", "fastinter 0", "downinter", "slowstart 5x", "slowstart 1.5s",
      "slowstart 99999999999", "id 0", "id abc", "id -3", "id", "observe foo", "observe", "on-error foo", "on-error",
      "on-marked-down x", "on-marked-up x", "cookie", "bogus", "check weight 300 rise 0");

  /** Default-server lines HAProxy refuses, after {@code default-server}. */
  static final List<String> DEFAULT_SERVER_OPTIONS = List.of("weight 300", "inter 0", "rise 0", "fall abc",
      "error-limit 0", "slowstart 99999999999", "inter 99999999999", "observe layer5");

  /** Whole lines HAProxy refuses. */
  static final List<String> SERVER_LINES = List.of("server bad!name 127.0.0.1:8080", "server s99");

  private static final Map<Integer, String> HAPROXY = new HashMap<>();
  private static final int FIRST_LINE = 7; // after DEFAULTS and "backend b"

  @BeforeAll
  static void runHaproxy() {
    StringBuilder config = new StringBuilder(HaproxyAgreementTest.DEFAULTS).append("backend b\n");
    for (String line : lines()) {
      config.append("    ").append(line).append('\n');
    }
    Haproxy.Check c = Haproxy.check(config.toString(), Map.of());
    assertFalse(c.accepted(), c.output());
    Matcher m = Pattern.compile("(?m)^\\[ALERT].*?\\[[^\\]]+:(\\d+)] : (?:'server b/\\S+' : )?(.*)$")
        .matcher(c.output());
    while (m.find()) {
      HAPROXY.put(Integer.parseInt(m.group(1)), m.group(2));
    }
  }

  /** The configuration's lines, one error each. */
  static List<String> lines() {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < SERVER_OPTIONS.size(); i++) {
      out.add("server s" + i + " 127.0.0.1:8080 " + SERVER_OPTIONS.get(i));
    }
    for (String o : DEFAULT_SERVER_OPTIONS) {
      out.add("default-server " + o);
    }
    out.addAll(SERVER_LINES);
    return out;
  }

  @Test
  void theImporterGivesHaproxysTextForEveryServerKeywordItRefuses() {
    List<String> lines = lines();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String haproxy = HAPROXY.get(FIRST_LINE + i);
      assertTrue(haproxy != null, "haproxy -c printed nothing for line " + (FIRST_LINE + i) + ": " + line);
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class,
          () -> HaproxyAgreementTest.importStrict(HaproxyAgreementTest.DEFAULTS + "backend b\n    " + line + "\n"),
          line);
      assertEquals(haproxy, e.reason() + ".", line);
      assertEquals(FIRST_LINE, e.line(), line);
    }
  }

  @Test
  void aServerLineOnItsOwnGivesTheSameTexts() {
    for (int i = 0; i < SERVER_OPTIONS.size(); i++) {
      String options = SERVER_OPTIONS.get(i);
      if (options.startsWith("on-marked-")) {
        continue; // a pool setting: a line on its own refuses the keyword before reading its argument
      }
      String line = "s" + i + " 127.0.0.1:8080 " + options;
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse(line));
      assertEquals(HAPROXY.get(FIRST_LINE + i), e.reason() + ".", line);
      assertEquals("", e.file());
      assertEquals("'" + e.keyword() + "': " + e.reason(), e.getMessage());
    }
    for (String line : SERVER_LINES) {
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse(line));
      assertEquals(HAPROXY.get(FIRST_LINE + lines().indexOf(line)), e.reason() + ".", line);
    }
  }

  @Test
  void healthOptionsOnTheirOwnGiveTheDefaultServerTexts() {
    for (int i = 0; i < DEFAULT_SERVER_OPTIONS.size(); i++) {
      String options = DEFAULT_SERVER_OPTIONS.get(i);
      if (options.startsWith("weight") || options.startsWith("id")) {
        continue; // not health options
      }
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class,
          () -> HaproxyHealthOptions.parse(options));
      assertEquals(HAPROXY.get(FIRST_LINE + SERVER_OPTIONS.size() + i), e.reason() + ".", options);
    }
  }

  /** The three places where HAProxy 2.6's text is not copied, and why. */
  @Test
  void knownDifferencesFromHaproxysTexts() {
    String config = HaproxyAgreementTest.DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 inter 5x\n"
        + "    server s2 127.0.0.1:8080 chekc\n";
    String out = Haproxy.check(config, Map.of()).output();
    // HAProxy names the wrong keyword for inter, fastinter and downinter
    assertTrue(out.contains("unexpected character 'x' in 'agent-inter' argument of server s1."), out);
    assertEquals("unexpected character 'x' in 'inter' argument of server s1.",
        assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse("s1 127.0.0.1:8080 inter 5x"))
            .reason());
    // HAProxy suggests the closest keyword (its fingerprint distance over its keyword registration order)
    assertTrue(out.contains("unknown keyword 'chekc'; did you mean 'check' maybe ?"), out);
    assertEquals("unknown keyword 'chekc'",
        assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse("s2 127.0.0.1:8080 chekc"))
            .reason());
    // slowstart without a delay: HAProxy prints a message cut at the NUL it formats ("unexpected character '")
    assertEquals("'slowstart' expects a delay as argument.",
        assertThrows(HaproxyConfigException.class, () -> HaproxyServerLine.parse("s3 127.0.0.1:8080 slowstart"))
            .reason());
  }

  /** Where HAProxy accepts what routing refuses, the reason is routing's and names the value. */
  @Test
  void stricterRefusalsNameTheValue() {
    for (String options : List.of("weight 2x", "rise 3x", "inter 5sx", "id 2x", "error-limit 4x", "weight ' 12'",
        "id 99999999", "rise 99999999")) {
      String config = HaproxyAgreementTest.DEFAULTS + "backend b\n    server s1 127.0.0.1:8080 " + options + "\n";
      assertTrue(Haproxy.check(config, Map.of()).accepted(), config);
      HaproxyConfigException e = assertThrows(HaproxyConfigException.class,
          () -> HaproxyServerLine.parse("s1 127.0.0.1:8080 " + options));
      String value = options.substring(options.indexOf(' ') + 1).replace("'", "");
      assertTrue(e.reason().contains("'" + value + "'"), e.reason() + " names '" + value + "'");
    }
  }
}
