package io.veza.routing.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * HAProxy 2.6's {@code parse_line}, {@code parse_time_err} and {@code parse_size_err} on worked examples; the real
 * haproxy binary checks the tokenizer on random lines in routing-haproxy's TokenizerDifferentialTest.
 */
class HaproxySyntaxTest {
  static final Map<String, String> ENV = Map.of("HOME", "/root", "ARGS", " check  rise 5", "EMPTY", "");
  static final Function<String, String> VARS = ENV::get;

  static List<String> w(String line) {
    return HaproxySyntax.words(line, VARS);
  }

  @Test
  void splitsLikeParseLine() {
    assertEquals(List.of("server", "s1", "127.0.0.1:80", "check"), w("  server  s1\t127.0.0.1:80 check  "));
    assertEquals(List.of(), w("   # only a comment"));
    assertEquals(List.of("a"), w("a#b c"));
    assertEquals(List.of("ab cd"), w("a\"b c\"d"));
    assertEquals(List.of("a#b", "c"), w("'a#b' c"));
    assertEquals(List.of("$HOME", "/root", "/root"), w("$HOME \"$HOME\" \"${HOME}\""));
    assertEquals(List.of("x", "", "check", "rise", "5"), w("x \"${ARGS[*]}\""));
    assertEquals(List.of("a", "dflt", "", "z"), w("a \"${NOPE-dflt}\" \"${EMPTY-dflt}\" z "));
    assertEquals(List.of("a b", "c\\d", "#", "'", "\"", "\t"), w("a\\ b c\\d \\# \\' \\\" \\t"));
    assertEquals(List.of("$x", "\\$x", "A"), w("\"\\$x\" \\$x \\x41"));
    assertEquals(List.of("a", "", "b"), w("a '' b"));
    assertEquals(List.of("7"), w("\"${.LINE}\"", n -> n.equals(".LINE") ? "7" : null));
    assertEquals(List.of("a"), w("a\rb"));
    assertEquals(List.of("a", "b"), w("a \rb"));
  }

  private static List<String> w(String line, Function<String, String> env) {
    return HaproxySyntax.words(line, env);
  }

  @Test
  void reportsErrorsAtTheirPosition() {
    assertEquals(7, assertThrows(HaproxySyntaxException.class, () -> w("cookie \"SRV")).position());
    assertEquals(9, assertThrows(HaproxySyntaxException.class, () -> w("cookie \"${SRV\"")).position());
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> w("a \"$1\"")).getMessage().contains("forbidden"));
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> w("a \\xZ1")).getMessage().contains("hexadecimal"));
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> w("\"${.FOO}\"")).getMessage().contains(".FOO"));
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> w("\"${A[x]}\"")).getMessage().contains("expansion"));
    assertEquals(64, w("w ".repeat(63) + "w").size());
    assertThrows(HaproxySyntaxException.class, () -> w("w ".repeat(64)));
  }

  @Test
  void timesInTheKeywordsUnit() {
    assertEquals(5000, HaproxySyntax.time("inter", "5s", TimeUnit.MILLISECONDS));
    assertEquals(5, HaproxySyntax.time("inter", "5", TimeUnit.MILLISECONDS));
    assertEquals(1, HaproxySyntax.time("inter", "1us", TimeUnit.MILLISECONDS)); // rounded up
    assertEquals(1800, HaproxySyntax.time("maxidle", "30m", TimeUnit.SECONDS));
    assertEquals(30, HaproxySyntax.time("maxidle", "30", TimeUnit.SECONDS));
    assertEquals(86_400_000, HaproxySyntax.time("t", "1d", TimeUnit.MILLISECONDS));
    assertEquals(0, HaproxySyntax.time("t", "0ms", TimeUnit.SECONDS));
    assertEquals(1, HaproxySyntax.time("maxidle", "500ms", TimeUnit.SECONDS)); // rounded up, as HAProxy does
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.time("inter", "25d",
        TimeUnit.MILLISECONDS)).getMessage().contains("overflows"));
    assertTrue(assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.time("inter", "5x",
        TimeUnit.MILLISECONDS)).getMessage().contains("'5x'"));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.time("inter", "5sx", TimeUnit.MILLISECONDS));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.time("inter", "", TimeUnit.MILLISECONDS));
  }

  @Test
  void sizesIntegersTokens() {
    assertEquals(102_400, HaproxySyntax.size("size", "100k"));
    assertEquals(1L << 30, HaproxySyntax.size("size", "1G"));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.size("size", "4g"));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.size("size", "1kb"));
    assertEquals(-2, HaproxySyntax.integer("n", "-2", -5, 5));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.integer("n", "2x", 0, 5));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.integer("n", "6", 0, 5));
    assertThrows(HaproxySyntaxException.class, () -> HaproxySyntax.integer("n", "99999999999999999999", 0, 5));
    assertTrue(HaproxySyntax.isToken("X-Track-Id"));
    assertTrue(!HaproxySyntax.isToken("a b") && !HaproxySyntax.isToken("") && !HaproxySyntax.isToken("a;"));
    assertEquals(-1, HaproxySyntax.invalidNameChar("api_pool-1.x:y"));
    assertEquals(3, HaproxySyntax.invalidNameChar("api/pool"));
  }

  @Property(tries = 1000, seed = "3141")
  void quotedWordsReadBackUnchanged(@ForAll("words") List<String> words) {
    List<String> expected = new java.util.ArrayList<>(words);
    while (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
      expected.remove(expected.size() - 1);
    }
    if (!expected.isEmpty() && !expected.get(0).isEmpty()) {
      assertEquals(expected, HaproxySyntax.words(HaproxySyntax.line(expected), name -> "EXPANDED"));
    }
  }

  @Property(tries = 1000, seed = "3142")
  void anyLineSplitsOrFailsWithTheSyntaxException(@ForAll String line) {
    try {
      for (String word : HaproxySyntax.words(line, VARS)) {
        assertTrue(word.indexOf('\0') < 0);
      }
    } catch (HaproxySyntaxException expected) {
      // the documented failure
    }
  }

  @Provide
  Arbitrary<List<String>> words() {
    return Arbitraries.strings().withChars("ab $#'\"\\\t\n\r{}-x.").ofMaxLength(6).list().ofMaxSize(6);
  }
}
