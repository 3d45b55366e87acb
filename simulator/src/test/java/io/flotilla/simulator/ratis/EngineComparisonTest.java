package io.flotilla.simulator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.simulator.report.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineComparisonTest {
  @TempDir Path dir;

  @Test
  void bothEnginesRunTheSameScenarioAndTheirMeasuresArePrintedSideBySide() throws Exception {
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
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(EngineComparison.median(java.util.List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(EngineComparison.median(java.util.List.of())).isNaN();
  }
}
