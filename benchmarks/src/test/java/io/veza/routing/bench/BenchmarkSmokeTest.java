package io.veza.routing.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * CI smoke pass: every {@code @Benchmark} method, with every parameter combination, compiles and runs one
 * short measurement iteration (no warm-up, 100 ms, in this JVM: {@code forks(0)}), so the suite never rots.
 * with {@code -prof gc}. It checks that each case produced a finite score and an allocation figure, and that
 * the ratio tables can be built; it measures no performance (those numbers are meaningless: no warm-up, no
 * fork). That the routing paths allocate nothing is checked deterministically by {@link AllocationFreeTest}.
 * {@code StringAccessBenchmark.segmentSetString} runs only on JDK 22+ (CI's Temurin 25 pass), as its setup requires.
 */
class BenchmarkSmokeTest {

  private static Collection<RunResult> results;

  /** The one benchmark that needs {@code java.lang.foreign} (JDK 22+): run on such a JDK, expected only there. */
  private static final String JDK22_ONLY = "io.veza.routing.bench.StringAccessBenchmark.segmentSetString";
  private static final boolean MEMORY_SEGMENTS = Runtime.version().feature() >= 22;

  @BeforeAll
  static void runEveryBenchmarkOnce() throws Exception {
    OptionsBuilder builder = new OptionsBuilder();
    if (!MEMORY_SEGMENTS) {
      builder.exclude(JDK22_ONLY);
    }
    Options options = builder
        .include("^io\\.veza\\.routing\\.bench\\.")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .shouldFailOnError(true)
        .addProfiler(GCProfiler.class)
        .verbosity(VerboseMode.SILENT)
        .build();
    results = new Runner(options).run();
  }

  /** Expected cases per benchmark method: the product of the value counts of its class's @Param fields. */
  static Map<String, Integer> expectedCases() throws ClassNotFoundException {
    Map<String, Integer> expected = new TreeMap<>();
    for (BenchmarkListEntry entry : BenchmarkList.defaultList()
        .getAll(OutputFormatFactory.createFormatInstance(new PrintStream(PrintStream.nullOutputStream()),
            VerboseMode.SILENT), List.of())) {
      int cases = 1;
      for (Class<?> c = Class.forName(entry.getUserClassQName()); c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          Param p = f.getAnnotation(Param.class);
          if (p != null) {
            cases *= p.value().length;
          }
        }
      }
      if (MEMORY_SEGMENTS || !entry.getUsername().equals(JDK22_ONLY)) {
        expected.put(entry.getUsername(), cases);
      }
    }
    return expected;
  }

  @Test
  void everyBenchmarkMethodRanWithEveryParameterCombination() throws ClassNotFoundException {
    Map<String, Integer> expected = expectedCases();
    assertTrue(expected.size() >= 9, () -> "benchmark list looks incomplete: " + expected.keySet());
    Map<String, Integer> actual = results.stream().collect(Collectors.groupingBy(
        r -> r.getParams().getBenchmark(), TreeMap::new, Collectors.summingInt(r -> 1)));
    assertEquals(expected, actual);
  }

  @Test
  void everyCaseHasAFinitePositiveScore() {
    assertFalse(results.isEmpty());
    for (RunResult r : results) {
      double score = r.getPrimaryResult().getScore();
      assertTrue(Double.isFinite(score) && score > 0,
          () -> r.getParams().getBenchmark() + " " + r.getParams() + " scored " + score);
      assertEquals(1, r.getPrimaryResult().getSampleCount(), r.getParams().getBenchmark());
      // -prof gc works on every benchmark (its values here are not meaningful: no warm-up, no fork)
      assertTrue(RatioTable.toCase(r).bytesPerOp().isPresent(), r.getParams().getBenchmark());
    }
  }

  @Test
  void everyPeerAndEveryDegradedCaseHasAFiniteRatioToItsBaseline() {
    List<RatioTable.Line> lines = RatioTable.lines(results);
    // classes with a 'veza' method compare their other methods with it; downPercent and algorithm
    // parameters compare with downPercent=0 and algorithm=veza; the rest (route, health) has no peer
    java.util.Set<String> withVezaMethod = results.stream()
        .map(RatioTable::toCase)
        .filter(c -> c.method().equals("veza"))
        .map(RatioTable.Case::benchmark)
        .collect(Collectors.toSet());
    long withBaseline = results.stream()
        .map(RatioTable::toCase)
        .filter(c -> c.params().containsKey("statistics") ? !"false".equals(c.params().get("statistics"))
            : c.params().containsKey("downPercent") ? !"0".equals(c.params().get("downPercent"))
            : c.params().containsKey("algorithm") ? !"veza".equals(c.params().get("algorithm"))
            : withVezaMethod.contains(c.benchmark()) && !c.method().equals("veza"))
        .count();
    assertTrue(withBaseline >= 20, "expected peers for jump hash, track id, selector and lookups");
    assertEquals(withBaseline, lines.size(), "every non-baseline case finds its baseline");
    for (RatioTable.Line l : lines) {
      assertNotNull(l.baseline());
      assertTrue(Double.isFinite(l.ratio()) && l.ratio() > 0, () -> l.toString());
    }
    String table = RatioTable.markdown(results);
    assertTrue(table.contains("| TrackIdBenchmark | guava n=1000 | veza |"), table);
  }

  @Test
  void everyDeclaredComparisonFindsBothCasesForEveryParameterCombination() throws ClassNotFoundException {
    List<RatioTable.ComparisonLine> lines = RatioTable.comparisons(results);
    Map<String, Integer> cases = expectedCases();
    for (RatioTable.Comparison c : RatioTable.COMPARISONS) {
      String numerator = "io.veza.routing.bench." + c.benchmark() + "." + c.numerator();
      assertTrue(cases.containsKey(numerator), () -> "no benchmark " + numerator);
      long found = lines.stream().filter(l -> l.comparison().equals(c)).count();
      assertEquals((long) cases.get(numerator), found, () -> "lines of " + c);
    }
    for (RatioTable.ComparisonLine l : lines) {
      assertTrue(Double.isFinite(l.ratio()) && l.ratio() > 0, l::toString);
    }
    assertTrue(RatioTable.markdown(results).contains("| comparison | params | ratio |"));
  }
}
