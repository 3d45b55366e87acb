package io.flotilla.chaos.cluster;

import com.github.dockerjava.api.model.Capability;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;

/**
 * A group of agent-node containers (n1..nN, all voters of group {@value #GROUP}) on their own
 * Docker network, each able to run iptables on itself. Built from the locally made base image
 * plus the agent jar; nothing is pulled.
 */
public final class DockerCluster implements Closeable {
  public static final String GROUP = "fleet";
  static final String LABEL = "io.flotilla.chaos";
  private static final Map<Path, String> IMAGES = new ConcurrentHashMap<>();

  private final Network network;
  private final List<ClusterNode> nodes = new ArrayList<>();

  /** What differs between clusters. */
  public record Settings(int nodes, String profile, boolean unsafeLocalReads) {
    public Settings {
      if (nodes < 1 || nodes > 9) {
        throw new IllegalArgumentException("a cluster has 1 to 9 nodes, not " + nodes);
      }
    }
  }

  public DockerCluster(Settings settings) {
    String image = IMAGES.computeIfAbsent(AgentJar.locate(), DockerCluster::buildImage);
    network = Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, "true")))
        .build();
    List<GenericContainer<?>> containers = new ArrayList<>();
    try {
      for (int i = 1; i <= settings.nodes(); i++) {
        String id = "n" + i;
        GenericContainer<?> c = new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases(id)
            .withLabel(LABEL, "true")
            .withExposedPorts(ClusterNode.API_PORT, 7201)
            .withCopyToContainer(Transferable.of(config(id, settings)), "/etc/flotilla/agent.yaml")
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                .withCapAdd(Capability.NET_ADMIN))
            .withCommand("java", "-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", "/opt/flotilla/agent.jar",
                "io.flotilla.agent.AgentMain", "--config", "/etc/flotilla/agent.yaml")
            .waitingFor(Wait.forHttp("/healthz").forPort(7201)
                .withStartupTimeout(Duration.ofMinutes(2)));
        containers.add(c);
        nodes.add(new ClusterNode(id, c));
      }
      Startables.deepStart(containers).join();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static String buildImage(Path jar) {
    return new ImageFromDockerfile("flotilla-agent-chaos", false)
        .withFileFromPath("agent.jar", jar)
        .withDockerfileFromBuilder(b -> b.from(DockerEnvironment.BASE_IMAGE)
            .copy("agent.jar", "/opt/flotilla/agent.jar")
            .label(LABEL, "true")
            .build())
        .get();
  }

  private static String config(String id, Settings s) {
    StringBuilder y = new StringBuilder()
        .append("id: ").append(id).append('\n')
        .append("data-dir: /var/lib/flotilla\n")
        .append("raft-address: ").append(id).append(':').append(ClusterNode.RAFT_PORT).append('\n')
        .append("api-address: 0.0.0.0:").append(ClusterNode.API_PORT).append('\n')
        .append("metrics-address: 0.0.0.0:7201\n")
        .append("profile: ").append(s.profile()).append('\n')
        .append("read-mode: ").append(s.unsafeLocalReads() ? "unsafe-local" : "read-index").append('\n')
        .append("groups:\n  - id: ").append(GROUP).append("\n    members:\n");
    for (int i = 1; i <= s.nodes(); i++) {
      y.append("      - {id: n").append(i).append(", address: n").append(i).append(':')
          .append(ClusterNode.RAFT_PORT).append("}\n");
    }
    return y.toString();
  }

  public List<ClusterNode> nodes() {
    return List.copyOf(nodes);
  }

  public ClusterNode node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /** The node that says it leads the group, if one answers so. */
  public Optional<ClusterNode> leader() {
    ClusterNode best = null;
    long bestTerm = -1;
    for (ClusterNode n : nodes) {
      try {
        GroupStatus g = StatusGrpc.newBlockingStub(n.channel())
            .withDeadlineAfter(1, TimeUnit.SECONDS).status(StatusCall.getDefaultInstance())
            .getGroups(0);
        if (g.getRole().equals("LEADER") && g.getTerm() > bestTerm) {
          best = n;
          bestTerm = g.getTerm();
        }
      } catch (RuntimeException e) {
        // down, paused or cut off: not a leader we can see
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public void close() {
    for (ClusterNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // keep stopping the rest; scripts/docker-engine.sh removes leftovers by label
      }
    }
    network.close();
  }
}
