package io.flotilla.agent;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.ConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Agent nodes in this JVM, configured through real YAML files, on free loopback ports. */
public final class InProcessAgents implements Closeable {
  final List<AgentNode> nodes = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();

  public InProcessAgents(Path dir, int n, String extraYaml) throws Exception {
    int[] ports = new int[3 * n];
    List<ServerSocket> held = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      ServerSocket s = new ServerSocket(0);
      held.add(s);
      ports[i] = s.getLocalPort();
    }
    for (ServerSocket s : held) {
      s.close();
    }
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < n; i++) {
      members.append("      - {id: n").append(i + 1).append(", address: 127.0.0.1:")
          .append(ports[3 * i]).append("}\n");
    }
    for (int i = 0; i < n; i++) {
      Path yaml = dir.resolve("n" + (i + 1) + ".yaml");
      Files.writeString(yaml, "id: n" + (i + 1) + "\n"
          + "data-dir: " + dir.resolve("n" + (i + 1)) + "\n"
          + "raft-address: 127.0.0.1:" + ports[3 * i] + "\n"
          + "api-address: 127.0.0.1:" + ports[3 * i + 1] + "\n"
          + "metrics-address: 127.0.0.1:" + ports[3 * i + 2] + "\n"
          + extraYaml
          + "groups:\n  - id: fleet\n    members:\n" + members);
      AgentConfig config = ConfigLoader.load(yaml, Map.of(), Map.of());
      ConfigLoader.checkRunnable(config);
      nodes.add(AgentNode.start(config));
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", ports[3 * i + 1])
          .usePlaintext().build());
    }
  }

  public ManagedChannel channel(int i) {
    return channels.get(i);
  }

  public AgentNode node(int i) {
    return nodes.get(i);
  }

  public int apiPort(int i) {
    return nodes.get(i).apiPort();
  }

  public int metricsPort(int i) {
    return nodes.get(i).metricsPort();
  }

  public int leaderIndex() {
    for (int i = 0; i < nodes.size(); i++) {
      try {
        var s = nodes.get(i).server().status("fleet");
        if (s.isLeader() && s.leaderReady()) {
          return i;
        }
      } catch (IOException e) {
        // not up yet
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (AgentNode n : nodes) {
      n.close();
    }
  }
}
