package io.flotilla.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverSummaryTest {

  @Test
  void summarisesSamplesInAnyOrder() {
    FailoverSummary s = FailoverSummary.of(List.of(420.0, 310.0, 900.0, 350.0, 500.0));

    assertThat(s.minMs()).isEqualTo(310.0);
    assertThat(s.medianMs()).isEqualTo(420.0);
    assertThat(s.p99Ms()).isEqualTo(900.0);
    assertThat(s.maxMs()).isEqualTo(900.0);
    assertThat(s.samplesMs()).containsExactly(420.0, 310.0, 900.0, 350.0, 500.0);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(FailoverSummary.of(List.of(400.0, 100.0, 300.0, 200.0)).medianMs()).isEqualTo(250.0);
  }

  @Test
  void p99IsTheNearestRank() {
    List<Double> samples = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      samples.add((double) i);
    }

    FailoverSummary s = FailoverSummary.of(samples);

    assertThat(s.p99Ms()).isEqualTo(198.0);
    assertThat(s.maxMs()).isEqualTo(200.0);
  }

  @Test
  void oneSampleIsEveryFigure() {
    FailoverSummary s = FailoverSummary.of(List.of(480.0));

    assertThat(List.of(s.minMs(), s.medianMs(), s.p99Ms(), s.maxMs())).containsOnly(480.0);
  }

  @Test
  void noSampleIsAnError() {
    assertThatThrownBy(() -> FailoverSummary.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
