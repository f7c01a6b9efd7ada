package io.veza.routing.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH exactly like {@code java -jar benchmarks.jar} (same command-line options), then prints the
 * {@link RatioTable}: {@code java -cp benchmarks/target/benchmarks.jar io.veza.routing.bench.RunWithRatios
 * -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc TrackIdBenchmark}.
 */
public final class RunWithRatios {

  private RunWithRatios() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions options = new CommandLineOptions(args);
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.println("## Ratios (peer/ours: above 1 means ours is faster; downPercent: time over the all-up time)");
    System.out.println();
    System.out.print(RatioTable.markdown(results));
  }
}
