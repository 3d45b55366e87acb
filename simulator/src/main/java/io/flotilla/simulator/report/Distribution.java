package io.flotilla.simulator.report;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of a recorded distribution, in the histogram's unit divided by the scale it was
 * built with (1000 turns microseconds into milliseconds).
 */
public record Distribution(long count, double p50, double p90, double p99, double max) {
  public static Distribution of(Histogram h, double scale) {
    if (h.getTotalCount() == 0) {
      return new Distribution(0, 0, 0, 0, 0);
    }
    return new Distribution(h.getTotalCount(), h.getValueAtPercentile(50) / scale,
        h.getValueAtPercentile(90) / scale, h.getValueAtPercentile(99) / scale,
        h.getMaxValue() / scale);
  }
}
