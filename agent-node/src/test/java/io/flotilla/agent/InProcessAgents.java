package io.flotilla.agent;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import io.flotilla.consensus.server.GroupStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Agent nodes in this JVM, configured through real YAML files, on free loopback ports. */
public final class InProcessAgents implements Closeable {
  /** By index; null while stopped. */
  final List<AgentNode> nodes = new ArrayList<>();
  final List<AgentConfig> configs = new ArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();
  private final LongSupplier nanoClock;

  /** @param extraYaml top-level keys added to every agent's file, {@code {id}} its id */
  public InProcessAgents(Path dir, int n, String extraYaml) throws Exception {
    this(dir, n, extraYaml, System::nanoTime);
  }

  /** Agents whose client limits count time on {@code nanoClock}. */
  public InProcessAgents(Path dir, int n, String extraYaml, LongSupplier nanoClock)
      throws Exception {
    this.nanoClock = nanoClock;
    int[] ports = LocalPorts.free(3 * n);
    List<AgentFile.Member> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(AgentFile.Member.voter("n" + (i + 1), "127.0.0.1:" + ports[3 * i]));
    }
    for (int i = 0; i < n; i++) {
      String id = "n" + (i + 1);
      Path yaml = dir.resolve(id + ".yaml");
      Files.writeString(yaml, AgentFile.builder(id, dir.resolve(id).toString(),
              "127.0.0.1:" + ports[3 * i], "127.0.0.1:" + ports[3 * i + 1],
              "127.0.0.1:" + ports[3 * i + 2])
          .groups(AgentFile.Group.of("fleet", members)).build().toYaml()
          + extraYaml.replace("{id}", id));
      AgentConfig config = ConfigLoader.load(yaml, Map.of(), Map.of());
      ConfigLoader.checkRunnable(config);
      configs.add(config);
      nodes.add(AgentNode.start(config, nanoClock));
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", ports[3 * i + 1])
          .usePlaintext().build());
    }
  }

  /** Stops agent {@code i} as a SIGTERM would; its data stays for {@link #restart}. */
  public void stop(int i) throws IOException {
    nodes.set(i, null).close();
  }

  /** Starts agent {@code i} again on its data and addresses. */
  public void restart(int i) throws IOException {
    nodes.set(i, AgentNode.start(configs.get(i), nanoClock));
  }

  public AgentNode node(int i) {
    return nodes.get(i);
  }

  public ManagedChannel channel(int i) {
    return channels.get(i);
  }

  public int apiPort(int i) {
    return nodes.get(i).apiPort();
  }

  /** Agent {@code i}'s replica of the group, as its server reports it. */
  public GroupStatus status(int i) throws IOException {
    return nodes.get(i).server().status("fleet");
  }

  public int metricsPort(int i) {
    return nodes.get(i).metricsPort();
  }

  public int leaderIndex() {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) == null) {
        continue;
      }
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

  /**
   * The leader's index once it leads with a majority answering it and no running agent names
   * another leader, as a client that has just started a fleet waits before relying on one agent
   * (at start-up leadership can still move); -1 until then. An agent that names no leader (one
   * kept out of the group) does not hold it back.
   */
  public int settledLeaderIndex() {
    int leader = leaderIndex();
    if (leader < 0) {
      return -1;
    }
    try {
      if (!nodes.get(leader).server().quorum("fleet").leadsWithQuorum()) {
        return -1;
      }
      for (AgentNode n : nodes) {
        String named = n == null ? "" : n.server().status("fleet").leaderId();
        if (!named.isEmpty() && !named.equals("n" + (leader + 1))) {
          return -1;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return leader;
  }

  @Override
  public void close() throws IOException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (AgentNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }
}
