package io.flotilla.cli.bench;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * Throughput and latency of one measured window: completed requests, failed requests,
 * completed requests per second of the window, and latency percentiles in milliseconds.
 * Percentiles are ordered (p50 &lt;= p90 &lt;= p99 &lt;= p99.9 &lt;= max); with no completed
 * request every figure is zero.
 */
public record LatencySummary(long ops, long errors, double opsPerSecond, double p50Ms,
    double p90Ms, double p99Ms, double p999Ms, double maxMs) {
  /** The longest latency recorded; longer ones are recorded as this. */
  public static final long MAX_NANOS = Duration.ofMinutes(1).toNanos();

  /**
   * @param nanos latencies of the completed requests, in nanoseconds
   * @param errors requests that failed in the window
   * @param window how long the window lasted
   */
  public static LatencySummary of(Histogram nanos, long errors, Duration window) {
    long ops = nanos.getTotalCount();
    double seconds = window.toNanos() / 1e9;
    if (ops == 0) {
      return new LatencySummary(0, errors, 0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(ops, errors, seconds > 0 ? ops / seconds : 0,
        ms(nanos.getValueAtPercentile(50)), ms(nanos.getValueAtPercentile(90)),
        ms(nanos.getValueAtPercentile(99)), ms(nanos.getValueAtPercentile(99.9)),
        ms(nanos.getMaxValue()));
  }

  /** A histogram for request latencies: nanoseconds up to a minute, three significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(MAX_NANOS, 3);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
