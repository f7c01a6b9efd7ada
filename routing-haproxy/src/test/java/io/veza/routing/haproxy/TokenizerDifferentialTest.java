package io.veza.routing.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veza.routing.syntax.HaproxySyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link HaproxySyntax#words} splits lines exactly as the real HAProxy 2.6 does: random lines full of quotes,
 * escapes, variables and comments are given to {@code haproxy -c} as {@code .notice <line>}, which prints its first
 * argument, or refuses the line (a syntax error, or more than one argument); the tokenizer must predict which.
 */
class TokenizerDifferentialTest {
  private static final String ALPHABET = "ab  \t\"\"''\\\\$${}[*]-#x46.LINE_X";
  private static final Map<String, String> ENV = Map.of("X", "a  b", "LINE_X", "v", "Y", "");

  @Test
  void wordsAgreeWithHaproxy() {
    Random r = new Random(16_2_6);
    int checked = 0;
    for (int batch = 0; batch < 12; batch++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        StringBuilder sb = new StringBuilder(".notice ");
        int len = 1 + r.nextInt(12);
        for (int k = 0; k < len; k++) {
          sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        lines.add(sb.toString());
      }
      Haproxy.Check c = Haproxy.check(String.join("\n", lines) + "\n", ENV);
      String out = c.output();
      for (int i = 0; i < lines.size(); i++) {
        int n = i + 1;
        String line = lines.get(i);
        int no = n;
        List<String> words;
        try {
          words = HaproxySyntax.words(line, name -> name.equals(".LINE") ? Integer.toString(no) : ENV.get(name));
        } catch (IllegalArgumentException e) {
          words = null;
        }
        Matcher notice = Pattern.compile("\\[NOTICE\\].*parsing \\[[^\\]]*:" + n + "\\]: '(.*)'\\.\\n").matcher(out);
        boolean alert = Pattern.compile("\\[ALERT\\].*\\[[^\\]]*:" + n + "\\]").matcher(out).find();
        if (words == null || words.size() > 2) {
          assertTrue(alert, "haproxy accepted line " + n + " " + line + " (tokenizer: " + words + ")\n" + out);
        } else {
          assertTrue(notice.find(), "haproxy refused line " + n + " " + line + " (tokenizer: " + words + ")\n"
              + out);
          assertEquals(words.size() > 1 ? words.get(1) : "", notice.group(1), "line " + n + " " + line);
        }
        checked++;
      }
    }
    assertEquals(480, checked);
  }
}
