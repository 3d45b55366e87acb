package io.flotilla.simulator.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report as one self-contained HTML page: inline SVG charts and CSS, no scripts and no
 * external resources, so it opens anywhere and can be archived with the run.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(RunSummary s, Metrics m) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flotilla simulation: ")
        .append(Svg.esc(s.scenario())).append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 20px;font-size:12px}")
        .append("td,th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:right}")
        .append("th:first-child,td:first-child{text-align:left}")
        .append(".t{font-weight:600;font-size:13px}.a{font-size:11px;fill:#555}")
        .append(".g{stroke:#eee}.bad{color:#b00;font-weight:600}.ok{color:#070}")
        .append("svg{display:block;margin:8px 0 18px}</style></head><body>");
    out.append("<h1>").append(Svg.esc(s.scenario())).append("</h1><p>engine ")
        .append(Svg.esc(s.engine())).append(" &middot; seed ").append(s.seed())
        .append(" &middot; ").append(fmt(s.simulatedSeconds())).append(" s simulated in ")
        .append(fmt(s.wallSeconds())).append(" s (").append(fmt(s.simToWall()))
        .append("&times;) &middot; ").append(String.format(Locale.ROOT, "%,d", s.events()))
        .append(" events &middot; trace ").append(s.traceHash()).append("</p>");
    if (s.violation() == null) {
      out.append("<p class=\"ok\">Every invariant held.</p>");
    } else {
      out.append("<p class=\"bad\">").append(Svg.esc(s.violation().message()))
          .append(" at event ").append(s.violation().event()).append(" (")
          .append(s.violation().time()).append("); replay with ")
          .append(Svg.esc(s.violation().replay())).append("</p>");
    }
    table(out, s);
    out.append("<h2>Leaders over time</h2>").append(leaders(m, s.simulatedSeconds()));
    out.append("<h2>Availability</h2>").append(availability(m));
    out.append("<h2>Time to elect after a leader loss</h2>").append(elections(m));
    out.append("<h2>Commit latency</h2>").append(latency(m));
    out.append("<h2>Agents and links</h2><p>Each dot is an agent, coloured by squad; ground"
        + " stations are squares, leaders are ringed, crashed agents grey. Lines join each"
        + " group's leader to the members it can reach, darker for better links.</p>");
    for (MapSnapshot snap : m.maps()) {
      out.append(map(snap));
    }
    return out.append("</body></html>").toString();
  }

  private static void table(StringBuilder out, RunSummary s) {
    out.append("<table><tr><th>group</th><th>voters</th><th>listeners</th><th>leader changes</th>"
        + "<th>losses</th><th>availability</th><th>leaderless s</th><th>elect p50 ms</th>"
        + "<th>elect p99 ms</th><th>commit p50 ms</th><th>commit p99 ms</th><th>commits/s</th>"
        + "<th>msgs sent</th><th>dropped</th><th>MTBF s</th><th>MTTR s</th></tr>");
    for (RunSummary.GroupSummary g : s.groups()) {
      out.append("<tr><td>").append(Svg.esc(g.name())).append("</td><td>").append(g.voters())
          .append("</td><td>").append(g.listeners()).append("</td><td>").append(g.leaderChanges())
          .append("</td><td>").append(g.leaderLosses()).append("</td><td>")
          .append(pct(g.availability())).append("</td><td>").append(fmt(g.unavailableSeconds()))
          .append("</td><td>").append(fmt(g.electionMillis().p50())).append("</td><td>")
          .append(fmt(g.electionMillis().p99())).append("</td><td>")
          .append(fmt(g.commitLatencyMillis().p50())).append("</td><td>")
          .append(fmt(g.commitLatencyMillis().p99())).append("</td><td>")
          .append(fmt(g.commitsPerSecond())).append("</td><td>").append(g.messagesSent())
          .append("</td><td>").append(g.messagesDropped()).append("</td><td>")
          .append(opt(g.mtbfSeconds())).append("</td><td>").append(opt(g.mttrSeconds()))
          .append("</td></tr>");
    }
    RunSummary.Fleet f = s.fleet();
    out.append("<tr><th>fleet</th><th>").append(f.agents()).append(" agents</th><th></th><th>")
        .append(f.leaderChanges()).append("</th><th>").append(f.leaderLosses()).append("</th><th>")
        .append(pct(f.availability())).append("</th><th>").append(fmt(f.unavailableSeconds()))
        .append("</th><th>").append(fmt(f.electionMillis().p50())).append("</th><th>")
        .append(fmt(f.electionMillis().p99())).append("</th><th>")
        .append(fmt(f.commitLatencyMillis().p50())).append("</th><th>")
        .append(fmt(f.commitLatencyMillis().p99())).append("</th><th>")
        .append(fmt(f.commitsPerSecond())).append("</th><th>").append(f.messagesSent())
        .append("</th><th>").append(f.messagesDropped()).append("</th><th>")
        .append(opt(f.mtbfSeconds())).append("</th><th>").append(opt(f.mttrSeconds()))
        .append("</th></tr></table>");
    out.append("<p>Client requests: ").append(f.writesAcked()).append(" writes acknowledged, ")
        .append(f.writesFailed()).append(" given up; ").append(f.readsAnswered())
        .append(" reads answered, ").append(f.readsFailed()).append(" given up; latency p50 ")
        .append(fmt(f.clientLatencyMillis().p50())).append(" ms, p99 ")
        .append(fmt(f.clientLatencyMillis().p99())).append(" ms. Messages dropped: ")
        .append(f.drops().lost()).append(" lost on the radio, ").append(f.drops().outOfRange())
        .append(" out of range, ").append(f.drops().cut()).append(" cut by partitions, ")
        .append(f.drops().crashed()).append(" to crashed agents.</p>");
  }

  private static String leaders(Metrics m, double seconds) {
    int rowH = 18;
    int left = 90;
    int w = 760;
    List<GroupMetrics> groups = m.groups();
    int h = 30 + groups.size() * rowH + 20;
    double xs = (w - left - 10) / Math.max(seconds, 1e-9);
    Map<String, Integer> colors = new LinkedHashMap<>();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
        w, h, w, h));
    out.append("<text x=\"").append(left).append("\" y=\"18\" class=\"t\">Who led each group"
        + " (colour per leader; red: no leader)</text>");
    for (int i = 0; i < groups.size(); i++) {
      GroupMetrics g = groups.get(i);
      int y = 26 + i * rowH;
      out.append("<text x=\"").append(left - 6).append("\" y=\"").append(y + 12)
          .append("\" class=\"a\" text-anchor=\"end\">").append(Svg.esc(g.group().name()))
          .append("</text>");
      for (GroupMetrics.Window win : g.windows()) {
        out.append(rect(left + win.start() / 1e6 * xs, y, (win.end() - win.start()) / 1e6 * xs,
            rowH - 4, "#d62728", "no leader " + fmt((win.end() - win.start()) / 1e6) + " s"));
      }
      for (GroupMetrics.Segment seg : g.segments()) {
        int c = colors.computeIfAbsent(seg.leader(), k -> colors.size());
        out.append(rect(left + seg.start() / 1e6 * xs, y, (seg.end() - seg.start()) / 1e6 * xs,
            rowH - 4, Svg.color(c), seg.leader()));
      }
    }
    out.append("<text x=\"").append(left).append("\" y=\"").append(h - 4)
        .append("\" class=\"a\">0 s</text><text x=\"").append(w - 10).append("\" y=\"")
        .append(h - 4).append("\" class=\"a\" text-anchor=\"end\">").append(fmt(seconds))
        .append(" s</text>");
    return out.append("</svg>").toString();
  }

  private static String rect(double x, double y, double w, double h, String fill, String tip) {
    return "<rect x=\"" + Svg.f(x) + "\" y=\"" + Svg.f(y) + "\" width=\"" + Svg.f(Math.max(w, 0.5))
        + "\" height=\"" + Svg.f(h) + "\" fill=\"" + fill + "\"><title>" + Svg.esc(tip)
        + "</title></rect>";
  }

  private static String availability(Metrics m) {
    List<double[]> a = m.availability();
    double[] x = new double[a.size()];
    double[] mean = new double[a.size()];
    double[] worst = new double[a.size()];
    for (int i = 0; i < a.size(); i++) {
      x[i] = (i + 1) * m.bucket() / 1e6;
      double sum = 0;
      double min = 1;
      for (double v : a.get(i)) {
        sum += v;
        min = Math.min(min, v);
      }
      mean[i] = a.get(i).length == 0 ? 1 : sum / a.get(i).length;
      worst[i] = min;
    }
    return Svg.lines("Share of each " + fmt(m.bucket() / 1e6) + " s with a leader", "seconds",
        "availability", List.of(new Svg.Series("mean of groups", x, mean),
            new Svg.Series("worst group", x, worst)), 0, 1);
  }

  private static String elections(Metrics m) {
    long[] edges = {100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000, 30000};
    String[] bins = new String[edges.length + 1];
    long[] counts = new long[edges.length + 1];
    for (int i = 0; i < edges.length; i++) {
      bins[i] = "<" + (edges[i] >= 1000 ? edges[i] / 1000 + "s" : edges[i] + "ms");
    }
    bins[edges.length] = "more";
    for (GroupMetrics g : m.groups()) {
      for (GroupMetrics.Window w : g.windows()) {
        if (!w.afterLoss()) {
          continue;
        }
        long ms = (w.end() - w.start()) / 1000;
        int b = 0;
        while (b < edges.length && ms >= edges[b]) {
          b++;
        }
        counts[b]++;
      }
    }
    return Svg.bars("Leaderless windows after a loss, by length", "time to elect", bins, counts);
  }

  private static String latency(Metrics m) {
    List<double[]> l = m.latency();
    double[] x = new double[l.size()];
    double[] p50 = new double[l.size()];
    double[] p99 = new double[l.size()];
    for (int i = 0; i < l.size(); i++) {
      x[i] = (i + 1) * m.bucket() / 1e6;
      p50[i] = l.get(i)[0];
      p99[i] = l.get(i)[1];
    }
    return Svg.lines("Proposal to commit at the leader, per " + fmt(m.bucket() / 1e6) + " s",
        "seconds", "milliseconds", List.of(new Svg.Series("p50", x, p50),
            new Svg.Series("p99", x, p99)), 0, Double.NaN);
  }

  private static String map(MapSnapshot snap) {
    double maxX = 1;
    double maxY = 1;
    for (MapSnapshot.Dot d : snap.agents()) {
      maxX = Math.max(maxX, d.x());
      maxY = Math.max(maxY, d.y());
    }
    int w = 760;
    double scale = (w - 20) / maxX;
    int h = (int) Math.min(760, maxY * scale + 40);
    scale = Math.min(scale, (h - 40) / maxY);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
        + " style=\"background:#fafafa\">", w, h, w, h));
    out.append("<text x=\"10\" y=\"18\" class=\"t\">t = ").append(fmt(snap.time() / 1e6))
        .append(" s</text>");
    List<String> dots = new ArrayList<>();
    for (MapSnapshot.Link l : snap.links()) {
      out.append("<line x1=\"").append(Svg.f(10 + l.x1() * scale)).append("\" y1=\"")
          .append(Svg.f(30 + l.y1() * scale)).append("\" x2=\"").append(Svg.f(10 + l.x2() * scale))
          .append("\" y2=\"").append(Svg.f(30 + l.y2() * scale)).append("\" stroke=\"#333\""
              + " stroke-opacity=\"").append(Svg.f(0.1 + 0.5 * (1 - l.loss()))).append("\"/>");
    }
    for (MapSnapshot.Dot d : snap.agents()) {
      double x = 10 + d.x() * scale;
      double y = 30 + d.y() * scale;
      String fill = d.up() ? (d.group() < 0 ? "#000" : Svg.color(d.group())) : "#bbb";
      String tip = "<title>" + Svg.esc(d.name()) + (d.up() ? "" : " (down)")
          + (d.leader() ? " (leader)" : "") + "</title>";
      if (d.group() < 0) {
        dots.add("<rect x=\"" + Svg.f(x - 5) + "\" y=\"" + Svg.f(y - 5) + "\" width=\"10\""
            + " height=\"10\" fill=\"" + fill + "\">" + tip + "</rect>");
      } else {
        dots.add("<circle cx=\"" + Svg.f(x) + "\" cy=\"" + Svg.f(y) + "\" r=\""
            + (d.leader() ? 5 : 2.5) + "\" fill=\"" + fill + "\""
            + (d.leader() ? " stroke=\"#000\" stroke-width=\"2\"" : "") + ">" + tip + "</circle>");
      }
    }
    dots.forEach(out::append);
    return out.append("</svg>").toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.3f%%", v * 100);
  }

  private static String opt(Double v) {
    return v == null ? "&ndash;" : fmt(v);
  }
}
