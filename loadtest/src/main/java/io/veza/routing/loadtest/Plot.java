package io.veza.routing.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Draws the load test as an SVG: throughput and p99 latency per second, one line per phase, kills marked. */
final class Plot {
  private static final int W = 1000;
  private static final int PANEL = 260;
  private static final int LEFT = 70;
  private static final int RIGHT = 180;
  private static final int TOP = 40;
  private static final int GAP = 60;
  private static final String[] GATEWAY = {"#1f5fbf", "#6b9be0", "#0b2f66", "#9fc0ee"};
  private static final String[] HAPROXY = {"#d9650b", "#f0a060", "#8a3d00", "#f5c79b"};

  private Plot() {}

  static String svg(List<LoadTest.Phase> phases, double[] kills, int seconds) {
    int h = TOP + 2 * PANEL + GAP + 50;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
        W, h));
    s.append("<text x=\"").append(LEFT).append("\" y=\"22\" font-size=\"15\">Example gateway vs HAProxy 2.6, same "
        + "backends, backend-api-1 killed and restarted twice per phase</text>\n");
    double maxRps = 1;
    double maxP99 = 0.1;
    for (LoadTest.Phase p : phases) {
      for (LoadTest.Second x : p.series()) {
        maxRps = Math.max(maxRps, x.requests());
        maxP99 = Math.max(maxP99, x.p99Ms());
      }
    }
    panel(s, phases, kills, seconds, TOP, "requests per second", niceCeil(maxRps), LoadTest.Second::requests);
    panel(s, phases, kills, seconds, TOP + PANEL + GAP, "p99 latency per second (ms)", niceCeil(maxP99),
        LoadTest.Second::p99Ms);
    s.append("</svg>\n");
    return s.toString();
  }

  private static void panel(StringBuilder s, List<LoadTest.Phase> phases, double[] kills, int seconds, int top,
      String title, double max, ToDoubleFunction<LoadTest.Second> f) {
    int plotW = W - LEFT - RIGHT;
    int plotH = PANEL - 30;
    int y0 = top + 20;
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>%n", LEFT, top + 12, title));
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        + "stroke=\"#888\"/>%n", LEFT, y0, plotW, plotH));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4;
      double y = y0 + plotH - plotH * i / 4.0;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4,
          v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v)));
    }
    for (int t = 0; t <= seconds; t += Math.max(1, seconds / 10)) {
      double x = LEFT + plotW * t / (double) seconds;
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>%n", x,
          y0 + plotH + 16, t));
    }
    for (int k = 0; k < kills.length; k++) {
      double x = LEFT + plotW * kills[k];
      String color = k % 2 == 0 ? "#c00" : "#080";
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" fill=\"%s\" text-anchor=\"middle\">%s</text>%n", x, y0,
          x, y0 + plotH, color, x, y0 - 4, color, k % 2 == 0 ? "kill api-1" : "restart api-1"));
    }
    int legend = 0;
    for (LoadTest.Phase p : phases) {
      boolean gw = p.proxy().equals("gateway");
      String color = (gw ? GATEWAY : HAPROXY)[(p.round() - 1) % 4];
      StringBuilder pts = new StringBuilder();
      for (LoadTest.Second x : p.series()) {
        double px = LEFT + plotW * Math.min(1, x.t() / seconds);
        double py = y0 + plotH - plotH * Math.min(1, f.applyAsDouble(x) / max);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
          + "points=\"%s\"/>%n", color, pts.toString().trim()));
      int ly = y0 + 14 + 18 * legend++;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s, round %d</text>%n", LEFT + plotW + 10, ly - 4,
          LEFT + plotW + 34, ly - 4, color, LEFT + plotW + 40, ly, gw ? "gateway" : "HAProxy", p.round()));
    }
  }

  static double niceCeil(double v) {
    double e = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * e >= v) {
        return m * e;
      }
    }
    return 10 * e;
  }
}
