package io.flotilla.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.access.Role;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.consensus.group.FleetPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileTest {
  @TempDir Path dir;

  /** Every key of the schema set, none to its default. */
  private AgentFile everyKey() {
    Path certs = dir.resolve("certs");
    FleetCa.init(certs).issue("drone-7", List.of(), Duration.ofDays(1), certs);
    String self = "127.0.0.1:7001";
    AgentFile.Member ground = AgentFile.Member.voter("ground-1", "127.0.0.1:7301");
    return new AgentFile("drone-7", dir.resolve("data").toString(), self, "127.0.0.1:7101",
        "127.0.0.1:7201", "radio", "leader-lease",
        new AgentFile.Limits(100, 2000, 30, 500L, 60_000L, 50),
        new AgentFile.ClientLimits(10, 20, 3, 4),
        new AgentFile.Tls(certs.resolve(FleetCa.CA_CERTIFICATE).toString(),
            certs.resolve("drone-7.pem").toString(), certs.resolve("drone-7.key").toString()),
        List.of(new AgentFile.Access("operator", "admin", null),
            new AgentFile.Access("autopilot", "write", "mission/")),
        certs.resolve("drone-7.identity.key").toString(), "required", "ground", false,
        List.of(new AgentFile.Group("squad-1", null, 2,
                new AgentFile.Forward(AgentFile.Group.of("council", List.of(ground)), "up/",
                    "down/", 16, 200L),
                List.of(new AgentFile.Member("drone-7", self, "voter", 2),
                    AgentFile.Member.withRole("drone-8", "127.0.0.1:7002", "listener"))),
            AgentFile.Group.of("council", List.of(ground)).joining()));
  }

  @Test
  void aWrittenFileReadsBackEqualAndLoadsAsWritten() throws Exception {
    AgentFile f = everyKey();
    Path file = dir.resolve("drone-7.yaml");
    f.write(file);

    assertThat(AgentFile.read(file)).isEqualTo(f);
    AgentConfig c = ConfigLoader.load(file, Map.of(), Map.of());
    assertThat(c.id()).isEqualTo("drone-7");
    assertThat(c.limits().maxTxnOps()).isEqualTo(30);
    assertThat(c.clientLimits().burst()).isEqualTo(20);
    assertThat(c.access()).extracting(r -> r.role()).containsExactly(Role.ADMIN, Role.WRITE);
    assertThat(c.requireSignedProposals()).isTrue();
    assertThat(c.voterEligible()).isFalse();
    assertThat(c.joining()).containsExactly("council");
    assertThat(c.groups().get(0).peer("drone-8").orElseThrow().role())
        .isEqualTo(FleetPeer.Role.LISTENER);
    assertThat(c.forwarding().get("squad-1").batch()).isEqualTo(16);
    assertThat(c.forwarding().get("squad-1").delay()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void keysLeftOutAreNotWrittenAndTakeTheirDefaults() throws Exception {
    AgentFile f = AgentFile.builder("agent-1", dir.resolve("data").toString(), "127.0.0.1:7001",
        "127.0.0.1:7101", "127.0.0.1:7201").build();
    assertThat(f.toYaml()).isEqualTo("id: agent-1\ndata-dir: " + dir.resolve("data") + "\n"
        + "raft-address: 127.0.0.1:7001\napi-address: 127.0.0.1:7101\n"
        + "metrics-address: 127.0.0.1:7201\n");
    Path file = dir.resolve("agent-1.yaml");
    f.write(file);
    assertThat(AgentFile.read(file)).isEqualTo(f);
    assertThat(ConfigLoader.load(file, Map.of(), Map.of()).groups()).singleElement()
        .satisfies(g -> assertThat(g.peers()).extracting(FleetPeer::id).containsExactly("agent-1"));
  }
}
