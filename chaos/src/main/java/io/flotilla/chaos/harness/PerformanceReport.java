package io.flotilla.chaos.harness;

import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained page in the spirit of Jepsen's perf plots: every operation's latency
 * against the time it started (coloured by outcome), and completed operations per second, with
 * the nemesis's faults shaded.
 */
final class PerformanceReport {
  private static final int W = 960;
  private static final int H = 260;
  private static final int PAD = 48;
  private static final double MAX_LATENCY_MS = 2_000;

  private PerformanceReport() {}

  static String render(String title, History history, Validity validity) {
    List<Operation> ops = history.operations();
    List<Operation> faults = ops.stream().filter(op -> op.process() == Recorder.NEMESIS).toList();
    List<Operation> clients = ops.stream().filter(op -> op.process() >= 0).toList();
    double end = Math.max(1, ops.stream().mapToDouble(op -> seconds(
        op.completeTime() == Operation.NEVER ? op.invokeTime() : op.completeTime())).max().orElse(1));

    StringBuilder latency = new StringBuilder(chart("Latency (ms, capped at 2 s) by start time", end, faults));
    for (Operation op : clients) {
      double ms = op.completeTime() == Operation.NEVER ? MAX_LATENCY_MS
          : Math.min(MAX_LATENCY_MS, (op.completeTime() - op.invokeTime()) / 1e6);
      latency.append(String.format(Locale.ROOT,
          "<circle cx='%.1f' cy='%.1f' r='1.6' fill='%s'><title>%s %s %s</title></circle>",
          x(seconds(op.invokeTime()), end), H - PAD - ms / MAX_LATENCY_MS * (H - 2 * PAD),
          colour(op.outcome()), op.function(), op.key() == null ? "" : op.key(), op.outcome()));
    }
    latency.append("</svg>");

    int buckets = (int) Math.ceil(end);
    int[] done = new int[buckets + 1];
    for (Operation op : clients) {
      if (op.outcome() == Outcome.OK) {
        done[(int) seconds(op.completeTime())]++;
      }
    }
    int peak = 1;
    for (int d : done) {
      peak = Math.max(peak, d);
    }
    StringBuilder throughput = new StringBuilder(chart("Acknowledged operations per second (peak "
        + peak + ")", end, faults)).append("<polyline fill='none' stroke='#1f6feb' points='");
    for (int s = 0; s < buckets; s++) {
      throughput.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s + 0.5, end),
          H - PAD - (double) done[s] / peak * (H - 2 * PAD)));
    }
    throughput.append("'/></svg>");

    StringBuilder faultList = new StringBuilder("<ul>");
    for (Operation f : faults) {
      faultList.append(String.format(Locale.ROOT, "<li>%.1f s to %s: %s %s</li>",
          seconds(f.invokeTime()),
          f.completeTime() == Operation.NEVER ? "the end" : String.format(Locale.ROOT, "%.1f s", seconds(f.completeTime())),
          escape(f.function()), f.output() == null ? "" : escape(f.output().toString())));
    }
    faultList.append("</ul>");
    return "<!doctype html><html><head><meta charset='utf-8'><title>" + escape(title)
        + "</title><style>body{font:14px sans-serif;margin:24px}svg{background:#fafafa;"
        + "border:1px solid #ddd;margin:8px 0}</style></head><body><h1>" + escape(title) + "</h1>"
        + "<p>Verdict: <b>" + validity + "</b>. " + clients.size() + " client operations; "
        + "<span style='color:#2da44e'>ok</span>, <span style='color:#cf222e'>fail</span>, "
        + "<span style='color:#bf8700'>info</span> (timed out or unknown, drawn at the cap). "
        + "Shaded: faults.</p>" + latency + throughput + "<h2>Faults</h2>" + faultList
        + "</body></html>";
  }

  private static String chart(String caption, double end, List<Operation> faults) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "<h2>%s</h2><svg width='%d' height='%d' xmlns='http://www.w3.org/2000/svg'>", caption, W, H));
    for (Operation f : faults) {
      double from = seconds(f.invokeTime());
      double to = f.completeTime() == Operation.NEVER ? end : seconds(f.completeTime());
      b.append(String.format(Locale.ROOT,
          "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='#f0b8b8' opacity='0.5'><title>%s</title></rect>",
          x(from, end), PAD, Math.max(1, x(to, end) - x(from, end)), H - 2 * PAD, escape(f.function())));
    }
    b.append(String.format(Locale.ROOT,
        "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#888'/><text x='%d' y='%d' font-size='11'>0 s</text>"
            + "<text x='%d' y='%d' font-size='11' text-anchor='end'>%.0f s</text>",
        PAD, H - PAD, W - PAD, H - PAD, PAD, H - PAD + 16, W - PAD, H - PAD + 16, end));
    return b.toString();
  }

  private static double x(double seconds, double end) {
    return PAD + seconds / end * (W - 2 * PAD);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String colour(Outcome o) {
    return switch (o) {
      case OK -> "#2da44e";
      case FAIL -> "#cf222e";
      case INFO -> "#bf8700";
    };
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
