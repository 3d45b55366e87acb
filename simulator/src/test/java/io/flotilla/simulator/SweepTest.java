package io.flotilla.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.simulator.report.Latencies;
import io.flotilla.simulator.report.SweepTable;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioException;
import io.flotilla.simulator.scenario.ScenarioLoader;
import io.flotilla.simulator.scenario.Span;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void aKeyPathSetsNestedAndListValuesWithTheirTypes() {
    JsonNode tree = ScenarioLoader.tree("tunnel-convoy");
    Sweep.set(tree, "radio.loss", "0.25", "t");
    Sweep.set(tree, "squads[0].voters", "3", "t");
    Sweep.set(tree, "workload.requestTimeout", "2s", "t");

    Scenario s = ScenarioLoader.bind(tree, "t");

    assertThat(s.radio().loss()).isEqualTo(0.25);
    assertThat(s.squads().get(0).voters()).isEqualTo(3);
    assertThat(s.workload().requestTimeout()).isEqualTo(Span.parse("2s"));
  }

  @Test
  void aSettingThatBreaksTheScenarioIsReportedBeforeAnythingRuns() {
    JsonNode tree = ScenarioLoader.tree("tunnel-convoy");
    List<Sweep.Point> seen = new ArrayList<>();

    assertThatThrownBy(() -> Sweep.run(tree, "t", List.of(Sweep.Axis.parse("radio.loss=0,2")),
        1, 1, Span.parse("1s"), 1, seen::add))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("scenario t: radio.loss must be a probability between 0 and 1");
    assertThat(seen).isEmpty();
  }

  @Test
  void resultsComeBackInGridOrderAndMatchSingleRuns() throws Exception {
    JsonNode tree = ScenarioLoader.tree("tunnel-convoy");
    List<Sweep.Point> points = Sweep.run(tree, "t",
        List.of(Sweep.Axis.parse("radio.loss=0,0.1")), 2, 5, Span.parse("10s"), 2, p -> { });

    assertThat(points).extracting(p -> p.settings().get("radio.loss") + "/" + p.seed())
        .containsExactly("0/5", "0/6", "0.1/5", "0.1/6");
    JsonNode lossless = ScenarioLoader.tree("tunnel-convoy");
    Sweep.set(lossless, "radio.loss", "0", "t");
    Scenario alone = ScenarioLoader.bind(lossless, "t").withSeed(6)
        .withDuration(Span.parse("10s"));
    String hash = Simulation.create(alone, SimulationOptions.defaults()).run(Progress.NONE)
        .summary().traceHash();
    assertThat(points.get(1).summary().traceHash()).isEqualTo(hash);
  }

  @Test
  void theTableGivesEachSettingThePercentilesOfAllItsRunsSamples() throws Exception {
    JsonNode tree = ScenarioLoader.tree("tunnel-convoy");
    List<Sweep.Point> points = Sweep.run(tree, "t",
        List.of(Sweep.Axis.parse("radio.loss=0.1")), 3, 5, Span.parse("30s"), 2, p -> { });
    for (Sweep.Point p : points) {
      assertThat(p.latencies().commitLatency()).isEqualTo(p.summary().fleet()
          .commitLatencyMillis());
      assertThat(p.latencies().election()).isEqualTo(p.summary().fleet().electionMillis());
    }
    Latencies all = Latencies.merged(points.stream().map(Sweep.Point::latencies).toList());
    assertThat(all.commitLatency().count()).isEqualTo(points.stream()
        .mapToLong(p -> p.summary().fleet().commitLatencyMillis().count()).sum());

    StringWriter out = new StringWriter();
    long violations = SweepTable.print(new PrintWriter(out, true), points);

    assertThat(violations).isZero();
    assertThat(out.toString().lines().toList()).hasSize(2);
    assertThat(out.toString().lines().toList().get(1))
        .startsWith("{radio.loss=0.1}")
        .contains(String.format(Locale.ROOT, "%.0f ms", all.commitLatency().p99()));
  }
}
