package io.veza.routing.examples;

/** One verified claim of the acceptance run: what was checked, whether it held, and the measured evidence. */
public record Check(String step, String claim, boolean passed, String evidence) {
  @Override
  public String toString() {
    return (passed ? "  PASS " : "  FAIL ") + claim + (evidence.isEmpty() ? "" : " -- " + evidence);
  }
}
