package io.flotilla.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import io.flotilla.agent.config.SquadsAndCouncil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config files the container cluster gives its agents read back as written. */
class ClusterConfigTest {
  @TempDir Path dir;

  private List<AgentConfig> roundTrip(List<DockerCluster.Agent> agents) throws Exception {
    List<AgentConfig> configs = new ArrayList<>();
    for (DockerCluster.Agent a : agents) {
      Path file = dir.resolve(a.id() + ".yaml");
      a.config().write(file);
      assertThat(AgentFile.read(file)).as(a.id()).isEqualTo(a.config());
      configs.add(ConfigLoader.load(file, Map.of(), Map.of()));
    }
    return configs;
  }

  @Test
  void theChaosRunsGroupOfVoters() throws Exception {
    List<AgentConfig> configs = roundTrip(DockerCluster.singleGroup(
        new DockerCluster.Settings(3, "radio", true)));
    assertThat(configs).extracting(AgentConfig::id).containsExactly("n1", "n2", "n3");
    assertThat(configs).allSatisfy(c -> {
      assertThat(c.unsafeLocalReads()).isTrue();
      assertThat(c.groups()).singleElement()
          .satisfies(g -> assertThat(g.voters()).hasSize(3));
    });
  }

  @Test
  void aSquadForwardingToAGroundCouncil() throws Exception {
    List<AgentConfig> configs = roundTrip(DockerCluster.squadAndCouncilAgents(
        new DockerCluster.Squads(3, 2, "lan")));
    assertThat(configs).hasSize(5);
    AgentConfig agent = configs.get(0);
    assertThat(agent.forwarding().get(DockerCluster.SQUAD).council().peers())
        .extracting(p -> p.id()).containsExactly("ground-1", "ground-2");
    assertThat(agent.forwarding().get(DockerCluster.SQUAD).down())
        .isEqualTo(SquadsAndCouncil.DOWN);
    assertThat(agent.targetVoters()).containsEntry(DockerCluster.SQUAD, 3);
    AgentConfig ground = configs.get(4);
    assertThat(ground.kind()).isEqualTo("ground");
    assertThat(ground.targetVoters()).containsEntry(SquadsAndCouncil.COUNCIL, 2);
  }
}
