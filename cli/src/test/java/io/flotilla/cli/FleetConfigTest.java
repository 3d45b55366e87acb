package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import io.flotilla.agent.config.SquadsAndCouncil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config files {@code fleet up} and {@code members join} write read back as written. */
class FleetConfigTest {
  @TempDir Path dir;

  /** Writes each file, reads it back equal, and loads it as the agent would. */
  private List<AgentConfig> roundTrip(List<AgentFile> files) throws Exception {
    return files.stream().map(f -> {
      try {
        Path file = dir.resolve(f.id() + ".yaml");
        f.write(file);
        assertThat(AgentFile.read(file)).as(f.id()).isEqualTo(f);
        return ConfigLoader.load(file, Map.of(), Map.of());
      } catch (Exception e) {
        throw new AssertionError(f.id() + ": " + e.getMessage(), e);
      }
    }).toList();
  }

  @Test
  void oneGroupOfVoters() throws Exception {
    List<ProcessFleet.Agent> agents = ProcessFleet.layout(dir, Topology.single(3));
    List<AgentConfig> configs = roundTrip(ProcessFleet.agentFiles(dir, Topology.single(3),
        "lan", agents));
    assertThat(configs).allSatisfy(c -> {
      assertThat(c.groups()).singleElement().satisfies(g -> assertThat(g.voters()).hasSize(3));
      assertThat(c.forwarding()).isEmpty();
      assertThat(c.targetVoters()).isEmpty();
    });
  }

  @Test
  void squadsOfVotersAndListenersForwardingToAGroundCouncil() throws Exception {
    Topology t = Topology.parse(6, 2, 2, "ground:3");
    List<ProcessFleet.Agent> agents = ProcessFleet.layout(dir, t);
    List<AgentConfig> configs = roundTrip(ProcessFleet.agentFiles(dir, t, "radio", agents));
    assertThat(configs).hasSize(9);
    AgentConfig mobile = configs.get(0);
    assertThat(mobile.kind()).isEqualTo("mobile");
    assertThat(mobile.groups().get(0).voters()).hasSize(2);
    assertThat(mobile.groups().get(0).peers()).hasSize(3);
    assertThat(mobile.targetVoters()).containsEntry("squad-1", 2);
    assertThat(mobile.forwarding().get("squad-1").council().peers()).hasSize(3);
    assertThat(mobile.forwarding().get("squad-1").up()).isEqualTo(SquadsAndCouncil.UP);
    AgentConfig ground = configs.get(8);
    assertThat(ground.kind()).isEqualTo("ground");
    assertThat(ground.targetVoters()).containsEntry(SquadsAndCouncil.COUNCIL, 3);
    assertThat(ground.forwarding()).isEmpty();
  }

  @Test
  void agentsUnderMutualTlsAndOneThatJoins() throws Exception {
    List<ProcessFleet.Agent> agents = ProcessFleet.layout(dir, Topology.single(2));
    ProcessFleet.issueCertificates(dir, agents);
    List<AgentConfig> configs = roundTrip(ProcessFleet.agentFiles(dir, Topology.single(2),
        "lan", agents));
    assertThat(configs).allSatisfy(c -> assertThat(Files.isReadable(c.tls().key())).isTrue());

    ProcessFleet.Agent joiner = ProcessFleet.layout(dir, Topology.single(1)).get(0);
    joiner.id = "agent-3";
    AgentConfig joining = roundTrip(List.of(ProcessFleet.agentFile(dir, joiner, "lan",
        ProcessFleet.group(ProcessFleet.GROUP, agents).joining()))).get(0);
    assertThat(joining.joining()).containsExactly(ProcessFleet.GROUP);
  }
}
