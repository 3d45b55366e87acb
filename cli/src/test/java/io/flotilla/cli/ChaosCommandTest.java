package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.chaos.cluster.DockerEnvironment;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosCommandTest {
  @TempDir Path dir;

  @Test
  void unknownWorkloadsAndNemesesAreUsageErrors() {
    CliRun workload = CliRun.of("chaos", "run", "--workload", "queue");
    assertThat(workload.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(workload.err().strip())
        .isEqualTo("flotilla: unknown workload 'queue' (one of register, set, counter, append, election)");

    CliRun nemesis = CliRun.of("chaos", "run", "--nemesis", "meteor");
    assertThat(nemesis.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(nemesis.err()).startsWith("flotilla: unknown nemesis 'meteor'");
  }

  @Test
  void aSeededRunFromTheCommandLineChecksItsHistoryAndSaysHowToReplayIt() throws Exception {
    Optional<String> missing = DockerEnvironment.missing();
    if (missing.isPresent() && DockerEnvironment.required()) {
      throw new AssertionError("the chaos command must be tested here but " + missing.get());
    }
    Assumptions.assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));

    CliRun r = CliRun.of("chaos", "run", "--nodes", "3", "--workload", "set",
        "--nemesis", "kill-leader", "--time", "15s", "--seed", "11", "--out", dir.toString());

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("chaos run: 3 nodes, workload set, nemeses [kill-leader], 15s, seed 11")
        .contains("kill-leader: killed n").contains("VALID").contains("replay with --seed 11");
    assertThat(new ObjectMapper().readTree(dir.resolve("verdicts.json").toFile())
        .get("validity").asText()).isEqualTo("VALID");
  }
}
