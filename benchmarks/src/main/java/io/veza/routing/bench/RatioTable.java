package io.veza.routing.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns JMH results into ratio tables, ratios first:
 * <ul>
 *   <li>benchmarks with a {@code veza} method: every other method (the peers) against {@code veza} with the
 *       same parameters, as {@code peer time / our time} (above 1: ours is faster); a method named
 *       {@code veza...} is a variant of ours (other input, latency) and is labelled {@code variant/ours};</li>
 *   <li>benchmarks with a {@code downPercent} parameter: every case against the {@code downPercent = 0}
 *       case of the same method and other parameters, as {@code time / all-up time};</li>
 *   <li>{@link CompareLookupBenchmark}: every algorithm against {@code veza} at the same n;</li>
 *   <li>benchmarks with a {@code statistics} parameter ({@link StatisticsBenchmark}): the counted case against
 *       the {@code statistics = false} case of the same method and other parameters, as
 *       {@code time / time without statistics};</li>
 *   <li>declared {@link Comparison}s ({@link RouteBenchmark#COMPARISONS}): one method's time over another's with
 *       the same parameters, with the difference in time and the target, in a table of their own.</li>
 * </ul>
 * The ratio's error combines the two scores' JMH error bars (99.9 % confidence half-widths) in quadrature of
 * relative errors, a first-order approximation. {@code B/op} is {@code gc.alloc.rate.norm} when the run used
 * {@code -prof gc}.
 */
public final class RatioTable {

  private RatioTable() {}

  /** One benchmark case: benchmark class, method, parameters and scores. */
  record Case(String benchmark, String method, Map<String, String> params, double score, double error,
      String unit, Optional<Double> bytesPerOp) {

    String paramsText() {
      StringBuilder sb = new StringBuilder();
      params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
      return sb.toString();
    }
  }

  /** One line of a ratio table. */
  record Line(Case subject, Case baseline, double ratio, double ratioError) {}

  /**
   * A declared ratio between two methods of one benchmark class, measured with the same parameters:
   * {@code numerator time / denominator time}, and the difference {@code numerator - denominator}.
   *
   * @param benchmark the benchmark class's simple name
   * @param numerator the method whose time is divided
   * @param denominator the method whose time divides
   * @param label what the ratio means
   * @param target the goal, as text (empty: none)
   */
  record Comparison(String benchmark, String numerator, String denominator, String label, String target) {}

  /** Every declared comparison. */
  static final List<Comparison> COMPARISONS = List.copyOf(RouteBenchmark.COMPARISONS);

  /** One line of the comparison table. */
  record ComparisonLine(Comparison comparison, Case numerator, Case denominator, double ratio, double ratioError,
      double difference, double differenceError) {}

  /** The declared comparisons whose two cases are both in {@code results}, per parameter combination. */
  static List<ComparisonLine> comparisons(Collection<RunResult> results) {
    List<Case> cases = new ArrayList<>();
    for (RunResult r : results) {
      cases.add(toCase(r));
    }
    List<ComparisonLine> out = new ArrayList<>();
    for (Comparison cmp : COMPARISONS) {
      for (Case num : cases) {
        if (!num.benchmark().equals(cmp.benchmark()) || !num.method().equals(cmp.numerator())) {
          continue;
        }
        Case den = find(cases, cmp.benchmark(), cmp.denominator(), num.params());
        if (den == null) {
          continue;
        }
        double ratio = num.score() / den.score();
        double relN = finiteOrZero(num.error() / num.score());
        double relD = finiteOrZero(den.error() / den.score());
        double eN = finiteOrZero(num.error());
        double eD = finiteOrZero(den.error());
        out.add(new ComparisonLine(cmp, num, den, ratio, ratio * Math.sqrt(relN * relN + relD * relD),
            num.score() - den.score(), Math.sqrt(eN * eN + eD * eD)));
      }
    }
    return out;
  }

  static Case toCase(RunResult result) {
    BenchmarkParams params = result.getParams();
    String full = params.getBenchmark();
    int dot = full.lastIndexOf('.');
    String clazz = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
    Map<String, String> p = new LinkedHashMap<>();
    for (String key : params.getParamsKeys()) {
      p.put(key, params.getParam(key));
    }
    Result<?> primary = result.getPrimaryResult();
    Optional<Double> bytes = Optional.empty();
    for (Map.Entry<String, Result> e : result.getSecondaryResults().entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        bytes = Optional.of(e.getValue().getScore());
      }
    }
    return new Case(clazz, full.substring(dot + 1), p, primary.getScore(), primary.getScoreError(),
        primary.getScoreUnit(), bytes);
  }

  static List<Line> lines(Collection<RunResult> results) {
    List<Case> cases = new ArrayList<>();
    for (RunResult r : results) {
      cases.add(toCase(r));
    }
    List<Line> lines = new ArrayList<>();
    for (Case c : cases) {
      Case baseline = baselineOf(c, cases);
      if (baseline == null) {
        continue;
      }
      // always time over baseline time: peer over ours, or degraded over all-up
      double ratio = c.score() / baseline.score();
      double relC = finiteOrZero(c.error() / c.score());
      double relB = finiteOrZero(baseline.error() / baseline.score());
      lines.add(new Line(c, baseline, ratio, ratio * Math.sqrt(relC * relC + relB * relB)));
    }
    return lines;
  }

  private static double finiteOrZero(double x) {
    return Double.isFinite(x) ? x : 0;
  }

  /** The case {@code c} is compared with, or null if {@code c} is itself a baseline. */
  static Case baselineOf(Case c, List<Case> all) {
    if (c.params().containsKey("statistics")) {
      if ("false".equals(c.params().get("statistics"))) {
        return null;
      }
      Map<String, String> p = new LinkedHashMap<>(c.params());
      p.put("statistics", "false");
      return find(all, c.benchmark(), c.method(), p);
    }
    if (c.params().containsKey("downPercent")) {
      if ("0".equals(c.params().get("downPercent"))) {
        return null;
      }
      Map<String, String> p = new LinkedHashMap<>(c.params());
      p.put("downPercent", "0");
      return find(all, c.benchmark(), c.method(), p);
    }
    if (c.params().containsKey("algorithm")) {
      if ("veza".equals(c.params().get("algorithm"))) {
        return null;
      }
      Map<String, String> p = new LinkedHashMap<>(c.params());
      p.put("algorithm", "veza");
      return find(all, c.benchmark(), c.method(), p);
    }
    if (c.method().equals("veza")) {
      return null;
    }
    return find(all, c.benchmark(), "veza", c.params());
  }

  private static Case find(List<Case> all, String benchmark, String method, Map<String, String> params) {
    for (Case x : all) {
      if (x.benchmark().equals(benchmark) && x.method().equals(method) && Objects.equals(x.params(), params)) {
        return x;
      }
    }
    return null;
  }

  /** A markdown table of every case with a baseline, followed by the raw scores with B/op. */
  public static String markdown(Collection<RunResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append("| benchmark | case | vs | ratio | ± | B/op (case) | B/op (vs) |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|\n");
    for (Line l : lines(results)) {
      Case c = l.subject();
      Case b = l.baseline();
      boolean peerOverOurs = !c.params().containsKey("downPercent") && !c.params().containsKey("statistics");
      String caseText = (c.params().containsKey("algorithm") || c.params().containsKey("downPercent")
          ? "" : c.method() + " ") + c.paramsText();
      String vsText = c.params().containsKey("downPercent") ? "downPercent=0"
          : c.params().containsKey("statistics") ? "statistics=false"
          : c.params().containsKey("algorithm") ? "algorithm=veza" : "veza";
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s%.2f | %.2f | %s | %s |%n", c.benchmark(),
          caseText, vsText, !peerOverOurs ? "" : c.method().startsWith("veza") ? "variant/ours " : "peer/ours ",
          l.ratio(), l.ratioError(),
          bytes(c.bytesPerOp()), bytes(b.bytesPerOp())));
    }
    List<ComparisonLine> declared = comparisons(results);
    if (!declared.isEmpty()) {
      sb.append("\n| comparison | params | ratio | ± | difference | ± | target | B/op (numerator) "
          + "| B/op (denominator) |\n");
      sb.append("|---|---|---:|---:|---:|---:|---|---:|---:|\n");
      for (ComparisonLine l : declared) {
        sb.append(String.format(Locale.ROOT, "| %s (%s / %s) | %s | %.2f | %.2f | %+.1f %s | %.1f | %s | %s | %s |%n",
            l.comparison().label(), l.comparison().numerator(), l.comparison().denominator(),
            l.numerator().paramsText(), l.ratio(), l.ratioError(), l.difference(), l.numerator().unit(),
            l.differenceError(), l.comparison().target(), bytes(l.numerator().bytesPerOp()),
            bytes(l.denominator().bytesPerOp())));
      }
    }
    sb.append("\n| benchmark | method | params | score | ± | unit | B/op |\n");
    sb.append("|---|---|---|---:|---:|---|---:|\n");
    for (RunResult r : results) {
      Case c = toCase(r);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %s | %s |%n", c.benchmark(),
          c.method(), c.paramsText(), c.score(), c.error(), c.unit(), bytes(c.bytesPerOp())));
    }
    return sb.toString();
  }

  private static String bytes(Optional<Double> b) {
    return b.map(x -> String.format(Locale.ROOT, "%.1f", x)).orElse("n/a");
  }
}
