package io.flotilla.simulator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.simulator.report.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineComparisonTest {
  @TempDir Path dir;

  @Test
  void bothEnginesRunTheSameScenarioAndAgreeWithinEachMeasuresBounds() throws Exception {
    EngineComparison.Result r = EngineComparison.run(RatisScenarios.twoDistantSquads("lan", "10s",
        """
        faults:
          - {type: crash-leader, group: s-0, at: 3s, rebootAfter: 2s}
          - {type: crash-leader, group: s-1, at: 5s, rebootAfter: 2s}
        """), 1, 1, dir, (engine, summary) -> { });

    assertThat(r.modelRuns()).extracting(RunSummary::engine).containsExactly(RunSummary.MODEL);
    assertThat(r.ratisRuns()).extracting(RunSummary::engine).containsExactly(RunSummary.RATIS);
    assertThat(r.measures()).extracting(EngineComparison.Measure::name).containsExactly(
        "time to elect after a leader loss", "leader changes per hour",
        "commit latency, median of a run");
    for (EngineComparison.Measure m : r.measures()) {
      assertThat(m.model()).as("model " + m.name()).isNotEmpty();
      assertThat(m.ratis()).as("ratis " + m.name()).isNotEmpty();
    }
    StringWriter out = new StringWriter();
    EngineComparison.print(new PrintWriter(out, true), r);
    String text = out.toString();
    System.out.print(text);
    assertThat(text).contains("model", "ratis", "rel. diff", "time to elect after a leader loss",
        "leader changes per hour", "commit latency");
    assertThat(text.lines().count()).isEqualTo(5);
    for (EngineComparison.Measure m : r.measures()) {
      assertThat(m.agrees()).as("%s within its bounds:%n%s", m.name(), text).isTrue();
    }
  }

  @Test
  void aMeasureAgreesOnlyWithSamplesOnBothEnginesAndAMedianWithinItsBounds() {
    var bounds = new EngineComparison.Bounds(1.0, 3.0, "for the test");
    assertThat(measure(List.of(10.0), List.of(10.0, 30.0), bounds).agrees()).isTrue();
    assertThat(measure(List.of(10.0), List.of(31.0), bounds).agrees()).isFalse();
    assertThat(measure(List.of(10.0), List.of(9.0), bounds).agrees()).isFalse();
    assertThat(measure(List.of(10.0), List.of(), bounds).agrees()).isFalse();
  }

  private static EngineComparison.Measure measure(List<Double> model, List<Double> ratis,
      EngineComparison.Bounds bounds) {
    return new EngineComparison.Measure("m", "ms", model, ratis, bounds);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(EngineComparison.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(EngineComparison.median(List.of())).isNaN();
  }
}
