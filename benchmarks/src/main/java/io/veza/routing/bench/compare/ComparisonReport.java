package io.veza.routing.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints the comparison of consistent-routing algorithms: balance, disruption, lookup memory and build time.
 * A plain program, not a JMH benchmark: the build times are medians of {@link System#nanoTime()} over
 * repeated builds after warm-up builds, good for orders of magnitude, not for claims. Lookup speed is
 * measured by JMH ({@code CompareLookupBenchmark}).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.veza.routing.bench.compare.ComparisonReport
 * [keys] [n...]} (defaults: 1000000 keys, n = 10 100 1000).
 *
 * <p>Keys are uniformly random 64-bit key hashes (SplittableRandom, seed 42), which is what a good key hash
 * of real track ids delivers. For each n every algorithm is built with all servers up; then one server (the
 * same for every algorithm, chosen by a seeded random) fails; then it returns.
 */
public final class ComparisonReport {

  static final long KEY_SEED = 42;
  static final long FAILURE_SEED = 7;

  private ComparisonReport() {}

  /** The algorithms in the report: ours first, then the comparison algorithms, then the negative baseline. */
  public static List<Router.Factory> factories() {
    List<Router.Factory> all = new ArrayList<>();
    all.addAll(OurSelector.factories());
    all.add(KetamaRing.factory());
    all.add(Rendezvous.factory());
    all.add(Maglev.factory());
    all.add(FilteredJump.factory());
    return all;
  }

  /**
   * The factory with the given {@link Router.Factory#id()}.
   *
   * @throws IllegalArgumentException naming the id if there is none
   */
  public static Router.Factory factory(String id) {
    return factories().stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("algorithm must be one of "
            + factories().stream().map(Router.Factory::id).toList() + ", was " + id));
  }

  /** One row of the report. */
  record Row(
      String algorithm,
      int n,
      double maxOverMean,
      double chiSquare,
      double pValue,
      double movedOnFailure,
      double movedOnReturn,
      double excessMoved,
      long analyticBytes,
      long walkedBytes,
      double buildMicros) {}

  static long[] keys(int count) {
    SplittableRandom random = new SplittableRandom(KEY_SEED);
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = random.nextLong();
    }
    return keys;
  }

  static int failingServer(int n) {
    return new SplittableRandom(FAILURE_SEED + n).nextInt(n);
  }

  static int[] assign(Router router, long[] keys, boolean[] down) {
    int[] servers = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      int s = router.lookup(keys[i]);
      if (s < 0 || s >= down.length || down[s]) {
        throw new IllegalStateException("lookup returned server " + s + ", which is not an up server");
      }
      servers[i] = s;
    }
    return servers;
  }

  static double movedFraction(int[] before, int[] after) {
    long moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] != after[i]) {
        moved++;
      }
    }
    return (double) moved / before.length;
  }

  /** Fraction of keys that moved although their server was {@code failed} neither before nor after. */
  static double excessMovedFraction(int[] before, int[] after, int failed) {
    long moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] != after[i] && before[i] != failed && after[i] != failed) {
        moved++;
      }
    }
    return (double) moved / before.length;
  }

  static Row measure(Router.Factory factory, int n, long[] keys) {
    boolean[] allUp = new boolean[n];
    boolean[] oneDown = new boolean[n];
    int failed = failingServer(n);
    oneDown[failed] = true;

    Router up = factory.build(n, allUp);
    int[] before = assign(up, keys, allUp);
    long[] counts = new long[n];
    for (int s : before) {
      counts[s]++;
    }
    long max = Arrays.stream(counts).max().orElseThrow();
    double mean = (double) keys.length / n;
    double chi = Stats.chiSquare(counts);
    double p = Stats.chiSquarePValue(chi, n - 1);

    int[] during = assign(factory.build(n, oneDown), keys, oneDown);
    int[] after = assign(factory.build(n, allUp), keys, allUp);
    double movedOnFailure = movedFraction(before, during);
    double movedOnReturn = movedFraction(during, after);
    double excess = Math.max(excessMovedFraction(before, during, failed),
        excessMovedFraction(during, after, failed));

    long walked;
    try {
      walked = RetainedSize.of(up);
    } catch (IllegalArgumentException e) {
      walked = -1;
    }
    return new Row(factory.name(), n, max / mean, chi, p, movedOnFailure, movedOnReturn, excess,
        up.lookupBytes(), walked, buildMicros(factory, n, oneDown));
  }

  /** Median build time in microseconds: warm-up builds for 200 ms, then builds for 300 ms (5 to 1000). */
  static double buildMicros(Router.Factory factory, int n, boolean[] down) {
    long sink = 0;
    long warmupEnd = System.nanoTime() + 200_000_000L;
    while (System.nanoTime() < warmupEnd) {
      sink += factory.build(n, down).lookup(sink);
    }
    long[] samples = new long[1000];
    int count = 0;
    long measureEnd = System.nanoTime() + 300_000_000L;
    while (count < samples.length && (count < 5 || System.nanoTime() < measureEnd)) {
      long t0 = System.nanoTime();
      Router r = factory.build(n, down);
      samples[count++] = System.nanoTime() - t0;
      sink += r.lookup(sink);
    }
    if (sink == 42) {
      System.out.print(""); // keeps the builds observable to the JIT
    }
    long[] used = Arrays.copyOf(samples, count);
    Arrays.sort(used);
    return used[count / 2] / 1000.0;
  }

  static String formatP(double p) {
    return p < 1e-300 ? "<1e-300" : String.format(Locale.ROOT, "%.3g", p);
  }

  public static void main(String[] args) {
    int keyCount = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int[] ns = args.length > 1
        ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 100, 1000};
    long[] keys = keys(keyCount);
    System.out.printf(Locale.ROOT, "# Consistent-routing comparison: %,d keys (uniform 64-bit key hashes, seed %d), "
        + "all weights 1%n", keyCount, KEY_SEED);
    System.out.printf(Locale.ROOT, "# JVM: %s %s (%s), %d CPUs%n", System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"), System.getProperty("java.vendor"),
        Runtime.getRuntime().availableProcessors());
    System.out.println("# max/mean: highest server load over the mean (1.0 is perfect).");
    System.out.println("# chi2 p: chi-square goodness of fit to uniform, df = n - 1; exact p-value via the"
        + " regularized upper incomplete gamma Q(df/2, chi2/2). p ~ U(0,1) for an ideal random assignment;"
        + " p < 1e-3 means measurably worse balance than random.");
    System.out.println("# moved fail/return: fraction of keys whose server changed when one server fails,"
        + " then when it returns (ideal 1/n).");
    System.out.println("# excess: keys moved between two servers that both stayed up (ideal 0).");
    System.out.println("# memory: lookup structure in bytes; 'analytic' from array lengths, 'walked' by a"
        + " reflective walk of the object graph (same layout model: compressed oops, 8-byte alignment).");
    System.out.println("# build: median of System.nanoTime() over repeated builds after 200 ms of warm-up"
        + " builds (one JVM, not JMH: orders of magnitude only).");
    for (int n : ns) {
      System.out.printf(Locale.ROOT, "%n## n = %d servers (failing server: %d, ideal moved fraction 1/n = %.5f)%n%n",
          n, failingServer(n), 1.0 / n);
      System.out.println("| algorithm | max/mean | chi2 | chi2 p | moved on fail | moved on return | excess "
          + "| memory B (analytic) | memory B (walked) | build us (median) |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Router.Factory f : factories()) {
        Row r = measure(f, n, keys);
        System.out.printf(Locale.ROOT, "| %s | %.4f | %.1f | %s | %.5f | %.5f | %.5f | %s | %s | %.1f |%n",
            r.algorithm(), r.maxOverMean(), r.chiSquare(), formatP(r.pValue()), r.movedOnFailure(),
            r.movedOnReturn(), r.excessMoved(), r.analyticBytes() < 0 ? "n/a" : String.format(Locale.ROOT,
                "%,d", r.analyticBytes()), r.walkedBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d",
                r.walkedBytes()), r.buildMicros());
      }
    }
  }
}
