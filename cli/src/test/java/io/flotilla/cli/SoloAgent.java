package io.flotilla.cli;

import static org.awaitility.Awaitility.await;

import io.flotilla.agent.AgentNode;
import io.flotilla.agent.LocalPorts;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** One agent node in this JVM, alone in its group and leading it, for the CLI to talk to. */
final class SoloAgent implements AutoCloseable {
  private final AgentNode node;
  private final String endpoint;

  private SoloAgent(AgentNode node, String endpoint) {
    this.node = node;
    this.endpoint = endpoint;
  }

  /** @param extraYaml top-level keys added to the agent's file (tls, access, identity-key...) */
  static SoloAgent start(Path dir, String extraYaml) throws Exception {
    int[] ports = LocalPorts.free(3);
    Path yaml = dir.resolve("agent-1.yaml");
    Files.writeString(yaml, AgentFile.builder("agent-1", dir.resolve("data").toString(),
        "127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]).build().toYaml()
        + extraYaml);
    AgentNode node = AgentNode.start(ConfigLoader.load(yaml, Map.of(), Map.of()));
    await().atMost(Duration.ofSeconds(60)).until(() -> node.server().status("default").isLeader());
    return new SoloAgent(node, "127.0.0.1:" + ports[1]);
  }

  /** host:port of its API. */
  String endpoint() {
    return endpoint;
  }

  @Override
  public void close() throws IOException {
    node.close();
  }
}
