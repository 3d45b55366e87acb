package io.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose start fails at its last step leaves nothing running: no thread, no port. */
class FailedStartTest {
  @TempDir Path dir;

  @Test
  void aStartThatFailsAtTheMetricsEndpointClosesEverythingStartedBefore() throws Exception {
    int[] ports = LocalPorts.free(3);
    String id = "failing-1";
    Path yaml = dir.resolve(id + ".yaml");
    AgentFile.builder(id, dir.resolve(id).toString(), "127.0.0.1:" + ports[0],
            "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2])
        .groups(AgentFile.Group.of("squad", List.of(
            AgentFile.Member.voter(id, "127.0.0.1:" + ports[0]))).withVoters(1))
        .build().write(yaml);
    AgentConfig config = ConfigLoader.load(yaml, Map.of(), Map.of());
    List<String> threadsBefore = threadNames();

    // Taken after the config's check, as another process could: the node finds out only when
    // it binds the metrics endpoint, its last step.
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", ports[2]));
      assertThatThrownBy(() -> AgentNode.start(config)).isInstanceOf(IOException.class);
    }

    await("the failed node's threads end").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(threadNames()).filteredOn(t -> !threadsBefore.contains(t))
            .filteredOn(t -> t.startsWith("flotilla-") || t.startsWith("grpc-") || t.contains(id))
            .isEmpty());
    for (int port : new int[] {ports[0], ports[1]}) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).toList();
  }
}
