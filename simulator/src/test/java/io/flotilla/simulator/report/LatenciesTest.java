package io.flotilla.simulator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatenciesTest {
  @Test
  void runsPutTogetherHaveThePercentilesOfAllTheirSamplesNotTheMeanOfTheirs() {
    Latencies calm = run(100, 0);
    Latencies stormy = run(90, 10);
    assertThat(calm.election().p99()).isCloseTo(10, within(0.1));
    assertThat(stormy.election().p99()).isCloseTo(1000, within(10.0));

    Latencies both = Latencies.merged(List.of(calm, stormy));

    // The mean of the two p99s would be 505 ms, a time no election took.
    assertThat(both.election().count()).isEqualTo(200);
    assertThat(both.election().p99()).isCloseTo(1000, within(10.0));
    assertThat(both.election().p50()).isCloseTo(10, within(0.1));
    assertThat(both.commitLatency().count()).isEqualTo(200);
    assertThat(both.commitLatency().p99()).isCloseTo(1000, within(10.0));
  }

  @Test
  void mergingCopiesSoTheRunsKeepTheirOwnSamples() {
    Latencies one = run(10, 0);

    Latencies.merged(List.of(one, one));

    assertThat(one.election().count()).isEqualTo(10);
  }

  /** {@code fast} elections and commits of 10 ms and {@code slow} of 1 s. */
  private static Latencies run(int fast, int slow) {
    Histogram elections = Latencies.millisUpToAnHour();
    Histogram commits = Latencies.microsUpToAnHour();
    elections.recordValueWithCount(10, fast);
    commits.recordValueWithCount(10_000, fast);
    if (slow > 0) {
      elections.recordValueWithCount(1000, slow);
      commits.recordValueWithCount(1_000_000, slow);
    }
    return new Latencies(elections, commits);
  }
}
