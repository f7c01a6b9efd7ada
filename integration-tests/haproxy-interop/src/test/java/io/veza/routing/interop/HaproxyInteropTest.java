package io.veza.routing.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * HAProxy 2.6 and the library side by side: every scenario of {@link Scenarios} runs on a real HAProxy and on a
 * library pool built from the same configuration text, over the same loopback backends, and every request is
 * compared (status, server, the Cookie headers the backend received, every Set-Cookie, every Cache-Control). A
 * difference fails the test unless the step is marked as a known difference (README.md, "Differences kept on
 * purpose"), in which case the test fails if the two sides agree there. The table of cases is written to
 * {@code target/haproxy-interop-report.md}.
 */
class HaproxyInteropTest {
  private static final List<Interop.Case> ALL = Collections.synchronizedList(new ArrayList<>());

  @TestFactory
  Stream<DynamicTest> scenarios() {
    String only = System.getProperty("interop.only", "");
    return Scenarios.all().stream().filter(sc -> sc.name.contains(only)).map(sc -> DynamicTest.dynamicTest(sc.name, () -> {
      List<Interop.Case> cases = Interop.run(sc);
      ALL.addAll(cases);
      StringBuilder failures = new StringBuilder();
      for (Interop.Case c : cases) {
        if (!c.asExpected()) {
          failures.append("\n- ").append(c.label()).append(": not as expected (known difference: library ")
              .append(c.expectedDifference()).append(", RoutingProxy ").append(c.proxyDifference()).append(')')
              .append("\n    haproxy: ").append(c.haproxy()).append("\n    library: ").append(c.library())
              .append("\n    netty:   ").append(c.proxy());
        }
      }
      assertTrue(failures.length() == 0, "scenario '" + sc.name + "':" + failures);
    }));
  }

  @AfterAll
  static void report() throws IOException {
    Interop.shutdown();
    StringBuilder sb = new StringBuilder("| scenario | case | library (API) | RoutingProxy (Netty) |\n"
        + "|---|---|---|---|\n");
    int library = 0;
    int proxy = 0;
    for (Interop.Case c : ALL) {
      library += c.libraryIdentical() ? 1 : 0;
      proxy += c.proxyIdentical() ? 1 : 0;
      sb.append("| ").append(c.scenario()).append(" | ").append(c.label().replace("|", "\\|")).append(" | ")
          .append(verdict(c.libraryIdentical(), c.expectedDifference())).append(" | ")
          .append(verdict(c.proxyIdentical(), c.proxyDifference()))
          .append(" |\n");
    }
    String summary = ALL.size() + " cases: " + library + " identical through the API, " + proxy
        + " through RoutingProxy; " + Interop.RERUNS.get() + " scenario runs repeated (second boundary)";
    sb.append("\n").append(summary).append("\n\n## Every case\n");
    for (Interop.Case c : ALL) {
      sb.append("\n### ").append(c.scenario()).append(": ").append(c.label())
          .append(c.identical() ? " (identical)\n- all: " + c.haproxy() + "\n"
              : " (differs)\n- haproxy: " + c.haproxy() + "\n- library: " + c.library() + "\n- netty:   "
                  + c.proxy() + "\n");
    }
    Path out = Path.of("target", "haproxy-interop-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
    System.out.println("[haproxy-interop] " + summary + " (table: " + out + ")");
  }

  private static String verdict(boolean identical, String knownDifference) {
    return identical ? "identical" : knownDifference != null ? "differs (" + knownDifference + ")" : "DIFFERS";
  }
}
