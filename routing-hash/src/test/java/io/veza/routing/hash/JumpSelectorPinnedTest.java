package io.veza.routing.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pins {@link JumpSelector#select(long)} bit for bit: {@code select-pinned.txt} holds the results of the selector as
 * it was before its general path was restructured for speed (commit d965a14), for selectors and keys drawn from a
 * fixed seed. Any change of a single selection fails this test. The configurations cover all-up, 1 / 10 / 50 / 99 %
 * down (99 % of 1000 slots goes past the 64 attempts into the rendezvous fallback for most keys), weights < 1 with
 * and without down slots, and slot counts that are not multiples of 64.
 *
 * <p>Regenerate only for an intended change of the selection function: run {@link #main} with the test class path
 * and redirect to the resource file.
 */
class JumpSelectorPinnedTest {

  private static final long SEED = 0x5EED_2026_1124L;

  static List<String> compute() {
    SplittableRandom random = new SplittableRandom(SEED);
    int[] slotCounts = {1, 7, 64, 100, 130, 1000};
    double[] downFractions = {0, 0.01, 0.10, 0.50, 0.99};
    List<String> lines = new ArrayList<>();
    for (int slots : slotCounts) {
      for (double down : downFractions) {
        for (int weighted = 0; weighted < 2; weighted++) {
          JumpSelector.Builder b = JumpSelector.builder(slots);
          int downCount = (int) Math.round(slots * down);
          for (int k = 0; k < downCount; k++) {
            b.usable(random.nextInt(slots), false);
          }
          if (weighted == 1) {
            for (int k = 0; k < Math.max(1, slots / 4); k++) {
              b.weight(random.nextInt(slots), 0.05 + 0.95 * random.nextDouble());
            }
          }
          JumpSelector sel = b.build();
          StringBuilder line = new StringBuilder()
              .append(slots).append(' ').append(down).append(' ').append(weighted).append(':');
          for (int k = 0; k < 12; k++) {
            line.append(' ').append(sel.select(random.nextLong()));
          }
          lines.add(line.toString());
        }
      }
    }
    return lines;
  }

  @Test
  void selectionsAreBitIdenticalToThePinnedOnes() throws IOException {
    List<String> expected = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        JumpSelectorPinnedTest.class.getResourceAsStream("select-pinned.txt"), StandardCharsets.US_ASCII))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        expected.add(line);
      }
    }
    List<String> actual = compute();
    assertEquals(60, expected.size());
    assertEquals(expected, actual);
  }

  public static void main(String[] args) {
    compute().forEach(System.out::println);
  }
}
