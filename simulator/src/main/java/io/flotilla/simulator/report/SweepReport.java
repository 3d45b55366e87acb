package io.flotilla.simulator.report;

import io.flotilla.simulator.Sweep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** A sweep's results as CSV (one row per run) and as an HTML page of charts. */
public final class SweepReport {
  private SweepReport() {}

  /** A charted measure of a setting's runs; NaN where they have none (no elections). */
  private record Metric(String name, String unit, double max,
      ToDoubleFunction<List<Sweep.Point>> value) {}

  private static final List<Metric> METRICS = List.of(
      new Metric("availability", "share of time with a leader", 1,
          mean(s -> s.fleet().availability())),
      new Metric("leader losses", "count", Double.NaN, mean(s -> s.fleet().leaderLosses())),
      new Metric("election p99", "ms", Double.NaN, p99(Latencies::election)),
      new Metric("commit latency p99", "ms", Double.NaN, p99(Latencies::commitLatency)),
      new Metric("commits per second", "1/s", Double.NaN, mean(s -> s.fleet().commitsPerSecond())),
      new Metric("writes given up", "count", Double.NaN, mean(s -> s.fleet().writesFailed())));

  private static ToDoubleFunction<List<Sweep.Point>> mean(ToDoubleFunction<RunSummary> value) {
    return runs -> runs.stream().mapToDouble(p -> value.applyAsDouble(p.summary())).average()
        .orElse(Double.NaN);
  }

  private static ToDoubleFunction<List<Sweep.Point>> p99(
      Function<Latencies, Distribution> measure) {
    return runs -> {
      Distribution d = measure.apply(
          Latencies.merged(runs.stream().map(Sweep.Point::latencies).toList()));
      return d.count() == 0 ? Double.NaN : d.p99();
    };
  }

  public static String csv(List<String> keys, List<Sweep.Point> points) {
    StringBuilder out = new StringBuilder();
    keys.forEach(k -> out.append(k).append(','));
    out.append("seed,availability,leader_losses,election_p50_ms,election_p99_ms,"
        + "commit_p50_ms,commit_p99_ms,commits_per_s,writes_acked,writes_failed,"
        + "messages_sent,messages_dropped,violation,trace\n");
    for (Sweep.Point p : points) {
      RunSummary s = p.summary();
      RunSummary.Fleet f = s.fleet();
      keys.forEach(k -> out.append(p.settings().get(k)).append(','));
      out.append(String.format(Locale.ROOT,
          "%d,%.6f,%d,%.1f,%.1f,%.2f,%.2f,%.2f,%d,%d,%d,%d,%s,%s%n",
          p.seed(), f.availability(), f.leaderLosses(), f.electionMillis().p50(),
          f.electionMillis().p99(), f.commitLatencyMillis().p50(), f.commitLatencyMillis().p99(),
          f.commitsPerSecond(), f.writesAcked(), f.writesFailed(), f.messagesSent(),
          f.messagesDropped(), s.violation() == null ? "" : s.violation().invariant(),
          s.traceHash()));
    }
    return out.toString();
  }

  /**
   * Charts of each metric over seeds against the first key's values, one line for each
   * combination of the other keys.
   */
  public static String html(String scenario, List<String> keys, List<Sweep.Point> points) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Flotilla sweep: ")
        .append(Svg.esc(scenario)).append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}")
        .append(".t{font-weight:600;font-size:13px}.a{font-size:11px;fill:#555}.g{stroke:#eee}")
        .append("</style></head><body><h1>Sweep of ").append(Svg.esc(scenario)).append("</h1>")
        .append("<p>").append(points.size())
        .append(" runs; each point is the mean over seeds, a percentile that of all the seeds'"
            + " samples together.</p>");
    if (keys.isEmpty()) {
      return out.append("</body></html>").toString();
    }
    String xKey = keys.get(0);
    List<String> xs = new ArrayList<>();
    Map<String, List<Sweep.Point>> lines = new LinkedHashMap<>();
    for (Sweep.Point p : points) {
      String x = p.settings().get(xKey);
      if (!xs.contains(x)) {
        xs.add(x);
      }
      StringBuilder name = new StringBuilder();
      for (String k : keys.subList(1, keys.size())) {
        name.append(name.isEmpty() ? "" : ", ").append(k).append('=').append(p.settings().get(k));
      }
      lines.computeIfAbsent(name.isEmpty() ? "mean" : name.toString(), n -> new ArrayList<>())
          .add(p);
    }
    boolean numeric = xs.stream().allMatch(x -> x.matches("-?[0-9.eE+-]+"));
    for (Metric metric : METRICS) {
      List<Svg.Series> series = new ArrayList<>();
      for (Map.Entry<String, List<Sweep.Point>> line : lines.entrySet()) {
        double[] x = new double[xs.size()];
        double[] y = new double[xs.size()];
        for (int i = 0; i < xs.size(); i++) {
          String xv = xs.get(i);
          x[i] = numeric ? Double.parseDouble(xv) : i;
          List<Sweep.Point> runs = line.getValue().stream()
              .filter(p -> p.settings().get(xKey).equals(xv)).toList();
          y[i] = runs.isEmpty() ? Double.NaN : metric.value.applyAsDouble(runs);
        }
        series.add(new Svg.Series(line.getKey(), x, y));
      }
      out.append(Svg.lines(metric.name + " against " + xKey
          + (numeric ? "" : " (" + String.join(", ", xs) + ")"), xKey, metric.unit, series, 0,
          metric.max));
    }
    return out.append("</body></html>").toString();
  }
}
