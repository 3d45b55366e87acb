package io.flotilla.cli.bench;

import java.util.List;

/**
 * How long writes stopped each time the leader was killed: for each kill, the milliseconds
 * from the kill to the first acknowledged write sent after it; and the min, median, p99
 * (nearest rank) and max of those.
 */
public record FailoverSummary(List<Double> samplesMs, double minMs, double medianMs,
    double p99Ms, double maxMs) {

  public FailoverSummary {
    samplesMs = List.copyOf(samplesMs);
  }

  public static FailoverSummary of(List<Double> samplesMs) {
    if (samplesMs.isEmpty()) {
      throw new IllegalArgumentException("no failover was measured");
    }
    List<Double> sorted = samplesMs.stream().sorted().toList();
    return new FailoverSummary(samplesMs, sorted.get(0), median(sorted),
        nearestRank(sorted, 99), sorted.get(sorted.size() - 1));
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double nearestRank(List<Double> sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
