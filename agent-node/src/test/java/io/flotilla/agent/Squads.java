package io.flotilla.agent;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.ConfigLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Groups of agent nodes in this JVM, each agent configured through a real YAML file on free
 * loopback ports: a squad of voters and listeners, and optionally a council it forwards to.
 */
public final class Squads implements Closeable {
  private final Path dir;
  private final Map<String, Agent> agents = new LinkedHashMap<>();

  /** One agent: its config file, and its node while it runs. */
  public static final class Agent {
    final String id;
    final Path yaml;
    final String raftAddress;
    final int apiPort;
    AgentNode node;
    ManagedChannel channel;

    Agent(String id, Path yaml, String raftAddress, int apiPort) {
      this.id = id;
      this.yaml = yaml;
      this.raftAddress = raftAddress;
      this.apiPort = apiPort;
    }

    public AgentNode node() {
      return node;
    }

    public ManagedChannel channel() {
      return channel;
    }
  }

  public Squads(Path dir) {
    this.dir = dir;
  }

  /**
   * Writes the configs of a group's agents, the first {@code voters} of them voters.
   *
   * @param duties what the group's entry holds besides its members, such as
   *     {@code g -> g.withVoters(3)}
   */
  public List<String> group(String group, String prefix, int size, int voters,
      UnaryOperator<AgentFile.Group> duties) throws IOException {
    List<String> ids = new ArrayList<>();
    int[] ports = LocalPorts.free(3 * size);
    List<AgentFile.Member> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String id = prefix + (i + 1);
      ids.add(id);
      members.add(AgentFile.Member.withRole(id, "127.0.0.1:" + ports[3 * i],
          i < voters ? "voter" : "listener"));
    }
    AgentFile.Group entry = duties.apply(AgentFile.Group.of(group, members));
    for (int i = 0; i < size; i++) {
      String id = ids.get(i);
      Path yaml = dir.resolve(id + ".yaml");
      AgentFile.builder(id, dir.resolve(id).toString(), members.get(i).address(),
          "127.0.0.1:" + ports[3 * i + 1], "127.0.0.1:" + ports[3 * i + 2])
          .groups(entry).build().write(yaml);
      agents.put(id, new Agent(id, yaml, members.get(i).address(), ports[3 * i + 1]));
    }
    return ids;
  }

  /** Adds top-level keys (such as {@code limits:}) to the config of an agent not started. */
  public void configure(String id, String yaml) throws IOException {
    Files.writeString(agents.get(id).yaml, yaml, java.nio.file.StandardOpenOption.APPEND);
  }

  /** The members of a group whose configs were written, as voters: another group's forward. */
  public List<AgentFile.Member> members(List<String> ids) {
    return ids.stream().map(id -> AgentFile.Member.voter(id, agents.get(id).raftAddress))
        .toList();
  }

  /** Starts every agent not running, all at once (a group needs a majority to elect). */
  public void startAll() throws Exception {
    for (Agent a : agents.values()) {
      if (a.node == null) {
        start(a.id);
      }
    }
  }

  public void start(String id) throws Exception {
    Agent a = agents.get(id);
    AgentConfig config = ConfigLoader.load(a.yaml, Map.of(), Map.of());
    ConfigLoader.checkRunnable(config);
    a.node = AgentNode.start(config);
    a.channel = NettyChannelBuilder.forAddress("127.0.0.1", a.apiPort).usePlaintext().build();
  }

  /** Stops an agent gracefully. */
  public void stop(String id) throws IOException {
    Agent a = agents.get(id);
    a.channel.shutdownNow();
    a.node.close();
    a.node = null;
  }

  public Agent agent(String id) {
    return agents.get(id);
  }

  /** The running agent leading the group, or null. */
  public String leader(String group) {
    for (Agent a : agents.values()) {
      try {
        if (a.node != null && a.node.server().hosts(group)) {
          var s = a.node.server().status(group);
          if (s.isLeader() && s.leaderReady()) {
            return a.id;
          }
        }
      } catch (IOException e) {
        // not up yet
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    for (Agent a : agents.values()) {
      if (a.node != null) {
        stop(a.id);
      }
    }
  }
}
