package io.flotilla.cli.bench;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The HDR log of a benchmark, for plotting with HdrHistogram's tools (HistogramLogProcessor,
 * the online plotter): one interval histogram per second and operation, tagged
 * {@code SYSTEM/OP} (e.g. {@code flotilla/put}), latencies in nanoseconds.
 */
public final class IntervalLog implements AutoCloseable {
  private final HistogramLogWriter writer;

  private IntervalLog(HistogramLogWriter writer) {
    this.writer = writer;
  }

  public static IntervalLog open(Path file) throws FileNotFoundException {
    HistogramLogWriter w = new HistogramLogWriter(file.toFile());
    long now = System.currentTimeMillis();
    w.outputLogFormatVersion();
    w.outputComment("flotilla bench: request latencies in nanoseconds, tagged SYSTEM/OP");
    w.outputStartTime(now);
    w.setBaseTime(now);
    w.outputLegend();
    return new IntervalLog(w);
  }

  /** Writes one interval; the histogram carries its start and end time stamps. */
  synchronized void write(String tag, Histogram interval) {
    interval.setTag(tag);
    writer.outputIntervalHistogram(interval);
  }

  @Override
  public synchronized void close() {
    writer.close();
  }
}
