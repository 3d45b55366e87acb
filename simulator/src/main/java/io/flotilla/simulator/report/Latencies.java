package io.flotilla.simulator.report;

import java.util.Collection;
import org.HdrHistogram.Histogram;

/**
 * A run's fleet-wide election times (milliseconds) and commit latencies (microseconds) as
 * samples, so that runs put together are described by percentiles of all their samples: a
 * percentile of several runs is not the mean of theirs.
 */
public record Latencies(Histogram electionMillis, Histogram commitMicros) {
  /** A histogram of milliseconds up to an hour, at two significant digits. */
  static Histogram millisUpToAnHour() {
    return new Histogram(3_600_000L, 2);
  }

  /** A histogram of microseconds up to an hour, at two significant digits. */
  static Histogram microsUpToAnHour() {
    return new Histogram(3_600_000_000L, 2);
  }

  /** All the samples of these runs. */
  public static Latencies merged(Collection<Latencies> runs) {
    Histogram elections = millisUpToAnHour();
    Histogram commits = microsUpToAnHour();
    for (Latencies r : runs) {
      elections.add(r.electionMillis);
      commits.add(r.commitMicros);
    }
    return new Latencies(elections, commits);
  }

  public Distribution election() {
    return Distribution.of(electionMillis, 1);
  }

  public Distribution commitLatency() {
    return Distribution.of(commitMicros, 1000);
  }
}
