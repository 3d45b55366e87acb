package io.flotilla.simulator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.simulator.Progress;
import io.flotilla.simulator.report.RunSummary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatisSimulationTest {
  @TempDir Path dir;

  @Test
  void realRatisGroupsElectCommitAndLoseWhatTheRadioCannotCarry() throws Exception {
    RatisSimulation.Run run;
    try (RatisSimulation sim = RatisSimulation.create(RatisScenarios.twoDistantSquads("lan",
        "8s", "faults: [{type: crash-leader, group: s-0, at: 4s, rebootAfter: 2s}]"),
        dir.resolve("servers"))) {
      run = sim.run(Progress.NONE);
    }
    RunSummary s = run.result().summary();

    assertThat(s.engine()).isEqualTo(RunSummary.RATIS);
    assertThat(s.traceHash()).isEqualTo(RatisSimulation.NO_TRACE);
    for (String squad : new String[] {"s-0", "s-1"}) {
      RunSummary.GroupSummary g = s.groups().stream().filter(x -> x.name().equals(squad))
          .findFirst().orElseThrow();
      assertThat(g.availability()).as(squad + " had a leader").isGreaterThan(0);
      assertThat(g.committed()).as(squad + " committed").isPositive();
    }
    RunSummary.GroupSummary s0 = s.groups().get(0);
    assertThat(s0.leaderLosses()).as("the crashed leader was noticed").isPositive();
    assertThat(s.fleet().drops().outOfRange()).as("the council's delegates are out of range")
        .isPositive();
    RunSummary.GroupSummary council = s.groups().stream()
        .filter(x -> x.name().equals("council")).findFirst().orElseThrow();
    assertThat(council.availability()).as("no vote crossed the gap").isZero();
    assertThat(s.fleet().messagesSent()).isGreaterThan(s.fleet().messagesDropped());
    assertThat(run.resources().peakThreads()).isPositive();
  }
}
