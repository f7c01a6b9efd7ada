package io.veza.routing.hash;

import java.util.SplittableRandom;

/**
 * Not a test: prints the mean number of jump-hash attempts {@link JumpSelector#select} makes with 1 %, 10 %, 50 %
 * and 90 % of the slots down (random slots, fixed seed), next to the expectation {@code sum_{i<64} (1-p)^i}.
 * Run: {@code java -cp routing-hash/target/classes:routing-hash/target/test-classes io.veza.routing.hash.AttemptCounts}
 */
final class AttemptCounts {
  private AttemptCounts() {}

  public static void main(String[] args) {
    int keys = 1_000_000;
    System.out.printf("%6s %6s %8s %10s %10s %12s%n", "n", "down", "usable", "mean", "expected", "fallbacks");
    for (int n : new int[] {100, 1000}) {
      for (double down : new double[] {0.01, 0.10, 0.50, 0.90}) {
        SplittableRandom r = new SplittableRandom(n * 31L + (long) (down * 100));
        JumpSelector sel = JumpSelector.allUsable(n);
        int toRemove = (int) Math.round(n * down);
        while (n - sel.usableCount() < toRemove) {
          sel = sel.withUsable(r.nextInt(n), false);
        }
        long attempts = 0;
        long fallbacks = 0;
        for (int i = 0; i < keys; i++) {
          int a = sel.attempts(r.nextLong());
          attempts += Math.min(a, JumpSelector.MAX_ATTEMPTS);
          fallbacks += a > JumpSelector.MAX_ATTEMPTS ? 1 : 0;
        }
        double p = sel.usableCount() / (double) n;
        double expected = (1 - Math.pow(1 - p, JumpSelector.MAX_ATTEMPTS)) / p;
        System.out.printf("%6d %5.0f%% %8d %10.4f %10.4f %12d%n", n, down * 100, sel.usableCount(),
            attempts / (double) keys, expected, fallbacks);
      }
    }
  }
}
