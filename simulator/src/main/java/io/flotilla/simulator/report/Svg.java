package io.flotilla.simulator.report;

import java.util.List;
import java.util.Locale;

/** Small inline-SVG chart builders; every chart is self-contained markup, no scripts. */
final class Svg {
  static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
      "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31"};

  private Svg() {}

  static String color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** One named series of (x, y) points; NaN y values leave gaps. */
  record Series(String name, double[] x, double[] y) {}

  /** A line chart with axes, grid lines and a legend. */
  static String lines(String title, String xLabel, String yLabel, List<Series> series,
      double yMin, double yMax) {
    int w = 760;
    int h = 260;
    int left = 60;
    int right = 150;
    int top = 30;
    int bottom = 40;
    double xMax = 1e-9;
    for (Series s : series) {
      for (double x : s.x) {
        xMax = Math.max(xMax, x);
      }
    }
    if (Double.isNaN(yMax)) {
      yMax = 1e-9;
      for (Series s : series) {
        for (double y : s.y) {
          if (!Double.isNaN(y)) {
            yMax = Math.max(yMax, y);
          }
        }
      }
      yMax *= 1.1;
    }
    double xs = (w - left - right) / xMax;
    double ys = (h - top - bottom) / (yMax - yMin);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
        w, h, w, h));
    out.append("<text x=\"").append(left).append("\" y=\"18\" class=\"t\">").append(esc(title))
        .append("</text>");
    for (int i = 0; i <= 4; i++) {
      double v = yMin + (yMax - yMin) * i / 4;
      double y = h - bottom - (v - yMin) * ys;
      out.append("<line x1=\"").append(left).append("\" x2=\"").append(w - right)
          .append("\" y1=\"").append(f(y)).append("\" y2=\"").append(f(y))
          .append("\" class=\"g\"/><text x=\"").append(left - 4).append("\" y=\"")
          .append(f(y + 4)).append("\" class=\"a\" text-anchor=\"end\">")
          .append(String.format(Locale.ROOT, "%.3g", v)).append("</text>");
    }
    for (int i = 0; i <= 5; i++) {
      double v = xMax * i / 5;
      double x = left + v * xs;
      out.append("<text x=\"").append(f(x)).append("\" y=\"").append(h - bottom + 16)
          .append("\" class=\"a\" text-anchor=\"middle\">")
          .append(String.format(Locale.ROOT, "%.3g", v)).append("</text>");
    }
    out.append("<text x=\"").append(left + (w - left - right) / 2).append("\" y=\"")
        .append(h - 6).append("\" class=\"a\" text-anchor=\"middle\">").append(esc(xLabel))
        .append("</text><text x=\"12\" y=\"").append(top + (h - top - bottom) / 2)
        .append("\" class=\"a\" transform=\"rotate(-90 12 ").append(top + (h - top - bottom) / 2)
        .append(")\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.x.length; i++) {
        if (Double.isNaN(s.y[i])) {
          pen = false;
          continue;
        }
        double y = Math.max(yMin, Math.min(yMax, s.y[i]));
        path.append(pen ? "L" : "M").append(f(left + s.x[i] * xs)).append(',')
            .append(f(h - bottom - (y - yMin) * ys));
        pen = true;
      }
      out.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"")
          .append(color(k)).append("\" stroke-width=\"1.5\"><title>").append(esc(s.name))
          .append("</title></path>");
      // Few points (a sweep) get markers, so a single value still shows.
      for (int i = 0; s.x.length <= 30 && i < s.x.length; i++) {
        if (!Double.isNaN(s.y[i])) {
          double y = Math.max(yMin, Math.min(yMax, s.y[i]));
          out.append("<circle cx=\"").append(f(left + s.x[i] * xs)).append("\" cy=\"")
              .append(f(h - bottom - (y - yMin) * ys)).append("\" r=\"3\" fill=\"")
              .append(color(k)).append("\"><title>").append(esc(s.name)).append(": ")
              .append(String.format(Locale.ROOT, "%.4g", s.y[i])).append("</title></circle>");
        }
      }
      out.append("<rect x=\"").append(w - right + 10).append("\" y=\"").append(top + k * 16)
          .append("\" width=\"10\" height=\"10\" fill=\"").append(color(k)).append("\"/>")
          .append("<text x=\"").append(w - right + 24).append("\" y=\"").append(top + k * 16 + 9)
          .append("\" class=\"a\">").append(esc(s.name)).append("</text>");
    }
    return out.append("</svg>").toString();
  }

  /** Vertical bars over labelled bins. */
  static String bars(String title, String xLabel, String[] bins, long[] counts) {
    int w = 760;
    int h = 240;
    int left = 60;
    int bottom = 50;
    int top = 30;
    long max = 1;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    double bw = (w - left - 20.0) / bins.length;
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
        w, h, w, h));
    out.append("<text x=\"").append(left).append("\" y=\"18\" class=\"t\">").append(esc(title))
        .append("</text>");
    for (int i = 0; i < bins.length; i++) {
      double bh = (h - top - bottom) * (double) counts[i] / max;
      double x = left + i * bw;
      out.append("<rect x=\"").append(f(x + 2)).append("\" y=\"").append(f(h - bottom - bh))
          .append("\" width=\"").append(f(bw - 4)).append("\" height=\"").append(f(bh))
          .append("\" fill=\"#1f77b4\"><title>").append(counts[i]).append("</title></rect>")
          .append("<text x=\"").append(f(x + bw / 2)).append("\" y=\"").append(h - bottom + 14)
          .append("\" class=\"a\" text-anchor=\"middle\">").append(esc(bins[i])).append("</text>");
      if (counts[i] > 0) {
        out.append("<text x=\"").append(f(x + bw / 2)).append("\" y=\"")
            .append(f(h - bottom - bh - 3)).append("\" class=\"a\" text-anchor=\"middle\">")
            .append(counts[i]).append("</text>");
      }
    }
    out.append("<text x=\"").append(w / 2).append("\" y=\"").append(h - 8)
        .append("\" class=\"a\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
    return out.append("</svg>").toString();
  }
}
