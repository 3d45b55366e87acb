package io.flotilla.simulator.report;

import io.flotilla.simulator.Sweep;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results as text: one row for each setting, over its seeds. Availability and
 * losses are means of the runs; percentiles are of all the runs' samples together.
 */
public final class SweepTable {
  private SweepTable() {}

  /** The runs of each setting, in the order the sweep made them. */
  private static Map<String, List<Sweep.Point>> bySetting(List<Sweep.Point> points) {
    Map<String, List<Sweep.Point>> out = new LinkedHashMap<>();
    points.forEach(p -> out.computeIfAbsent(p.settings().isEmpty() ? "(scenario as is)"
        : p.settings().toString(), k -> new ArrayList<>()).add(p));
    return out;
  }

  /** Prints the table; returns how many runs broke an invariant. */
  public static long print(PrintWriter out, List<Sweep.Point> points) {
    String row = "%-40s %5s %12s %12s %12s %14s %10s%n";
    out.printf(Locale.ROOT, row, "setting", "runs", "availability", "losses/run",
        "elect p99", "commit p99", "violations");
    long violations = 0;
    for (Map.Entry<String, List<Sweep.Point>> e : bySetting(points).entrySet()) {
      List<RunSummary> runs = e.getValue().stream().map(Sweep.Point::summary).toList();
      Latencies all = Latencies.merged(e.getValue().stream().map(Sweep.Point::latencies)
          .toList());
      long bad = runs.stream().filter(r -> r.violation() != null).count();
      violations += bad;
      out.printf(Locale.ROOT, row, e.getKey(), runs.size(),
          SummaryText.pct(runs.stream().mapToDouble(r -> r.fleet().availability()).average()
              .orElse(0)),
          String.format(Locale.ROOT, "%.1f",
              runs.stream().mapToLong(r -> r.fleet().leaderLosses()).average().orElse(0)),
          SummaryText.p99(all.election()), SummaryText.p99(all.commitLatency()), bad);
    }
    return violations;
  }
}
