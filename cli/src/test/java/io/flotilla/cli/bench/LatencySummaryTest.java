package io.flotilla.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void percentilesAreInMillisecondsAndOrdered() {
    Histogram h = LatencySummary.newHistogram();
    for (int ms = 1; ms <= 1000; ms++) {
      h.recordValue(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    LatencySummary s = LatencySummary.of(h, 3, Duration.ofSeconds(4));

    assertThat(s.ops()).isEqualTo(1000);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.opsPerSecond()).isEqualTo(250.0);
    assertThat(s.p50Ms()).isCloseTo(500, within(1.0));
    assertThat(s.p90Ms()).isCloseTo(900, within(1.0));
    assertThat(s.p99Ms()).isCloseTo(990, within(1.0));
    assertThat(s.p999Ms()).isCloseTo(999, within(1.0));
    assertThat(s.maxMs()).isCloseTo(1000, within(1.0));
    assertThat(s.p50Ms()).isLessThanOrEqualTo(s.p90Ms());
    assertThat(s.p90Ms()).isLessThanOrEqualTo(s.p99Ms());
    assertThat(s.p99Ms()).isLessThanOrEqualTo(s.p999Ms());
    assertThat(s.p999Ms()).isLessThanOrEqualTo(s.maxMs());
  }

  @Test
  void aSkewedDistributionKeepsItsTailApart() {
    Histogram h = LatencySummary.newHistogram();
    h.recordValueWithCount(TimeUnit.MICROSECONDS.toNanos(800), 9_990);
    h.recordValueWithCount(TimeUnit.MILLISECONDS.toNanos(250), 10);

    LatencySummary s = LatencySummary.of(h, 0, Duration.ofSeconds(10));

    assertThat(s.p50Ms()).isCloseTo(0.8, within(0.001));
    assertThat(s.p99Ms()).isCloseTo(0.8, within(0.001));
    assertThat(s.p999Ms()).isCloseTo(0.8, within(0.001));
    assertThat(s.maxMs()).isCloseTo(250, within(0.5));
    assertThat(s.opsPerSecond()).isEqualTo(1000.0);
  }

  @Test
  void anEmptyWindowIsAllZeroButKeepsItsErrors() {
    LatencySummary s = LatencySummary.of(LatencySummary.newHistogram(), 5, Duration.ofSeconds(1));

    assertThat(s).isEqualTo(new LatencySummary(0, 5, 0, 0, 0, 0, 0, 0));
  }
}
