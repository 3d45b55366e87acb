package io.flotilla.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Image;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
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
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.SquadsAndCouncil;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;

/**
 * Agent-node containers on their own Docker network, each able to run iptables on itself. Built
 * from the locally made base image plus the agent jar; nothing is pulled.
 *
 * <p>Two shapes: {@link #DockerCluster(Settings) one group} (n1..nN, all voters of group
 * {@value #GROUP}), which the chaos runs use, and {@link #squadAndCouncil(Squads) a squad and a
 * council} as {@link SquadsAndCouncil} lays them out: agent-1..N, voters of {@value #SQUAD},
 * whose leader forwards to and from the council's ground-1..M.
 */
public final class DockerCluster implements Closeable {
  public static final String GROUP = "fleet";
  public static final String SQUAD = "squad-1";
  static final String LABEL = "io.flotilla.chaos";
  /**
   * The value of {@link #LABEL} on containers and networks: this process, so that
   * scripts/docker-engine.sh removes what a run left behind only once the run has ended.
   */
  private static final String OWNER = Long.toString(ProcessHandle.current().pid());
  static final String IMAGE = "flotilla-agent-chaos";
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

  /** A squad of {@code agents} voters and a council of {@code stations} ground stations. */
  public record Squads(int agents, int stations, String profile) {
    public Squads {
      if (agents < 1 || agents > 7 || stations < 1 || stations > 7) {
        throw new IllegalArgumentException("a squad and a council have 1 to 7 members each, not "
            + agents + " and " + stations);
      }
    }
  }

  /** One container to start: the agent's id, the group it is a member of, its config file. */
  record Agent(String id, String group, AgentFile config) {}

  public DockerCluster(Settings settings) {
    this(singleGroup(settings));
  }

  /** Starts a squad ({@value #SQUAD}) that forwards to and from a council. */
  public static DockerCluster squadAndCouncil(Squads s) {
    return new DockerCluster(squadAndCouncilAgents(s));
  }

  static List<Agent> squadAndCouncilAgents(Squads s) {
    List<String> squad = ids("agent-", s.agents());
    List<String> council = ids("ground-", s.stations());
    AgentFile.Group squadGroup = AgentFile.Group.of(SQUAD, members(squad))
        .withVoters(s.agents()).withForward(SquadsAndCouncil.forward(members(council)));
    AgentFile.Group councilGroup = AgentFile.Group.of(SquadsAndCouncil.COUNCIL, members(council))
        .withVoters(s.stations());
    List<Agent> agents = new ArrayList<>();
    for (String id : squad) {
      agents.add(new Agent(id, SQUAD, agentFile(id, s.profile(), false, squadGroup).build()));
    }
    for (String id : council) {
      agents.add(new Agent(id, SquadsAndCouncil.COUNCIL,
          agentFile(id, s.profile(), false, councilGroup).kind("ground").build()));
    }
    return agents;
  }

  private DockerCluster(List<Agent> agents) {
    String image = IMAGES.computeIfAbsent(AgentJar.locate(), DockerCluster::buildImage);
    network = Network.builder()
        .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, OWNER)))
        .build();
    List<GenericContainer<?>> containers = new ArrayList<>();
    try {
      for (Agent a : agents) {
        String config = a.config().toYaml();
        GenericContainer<?> c = new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases(a.id())
            .withLabel(LABEL, OWNER)
            .withExposedPorts(ClusterNode.API_PORT, 7201)
            .withCopyToContainer(Transferable.of(config), ClusterNode.CONFIG)
            // The agent's wall clock, and only its own, is the clock nemeses' to step: libfaketime
            // adds the offset in this file to it; the monotonic clock stays true.
            .withCopyToContainer(Transferable.of(ClusterNode.TRUE_TIME), ClusterNode.CLOCK_OFFSET)
            .withEnv("LD_PRELOAD", "/opt/flotilla/libfaketime.so.1")
            .withEnv("FAKETIME_TIMESTAMP_FILE", ClusterNode.CLOCK_OFFSET)
            .withEnv("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .withEnv("FAKETIME_CACHE_DURATION", "1")
            // Its "monotonic fix" stretches the JVM's timed waits on the monotonic clock.
            .withEnv("FAKETIME_FORCE_MONOTONIC_FIX", "0")
            // How each replica repaired its log, in the node's log: a replica that never caught
            // up left nothing at WARN to say why.
            .withEnv("FLOTILLA_RATIS_SERVER_LOG_LEVEL", "INFO")
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                .withCapAdd(Capability.NET_ADMIN))
            .withCommand("java", "-Xms32m", "-Xmx192m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", "/opt/flotilla/agent.jar",
                "io.flotilla.agent.AgentMain", "--config", "/etc/flotilla/agent.yaml")
            .waitingFor(Wait.forHttp("/healthz").forPort(7201)
                .withStartupTimeout(Duration.ofMinutes(2)));
        containers.add(c);
        nodes.add(new ClusterNode(a.id(), a.group(), config, c));
      }
      Startables.deepStart(containers).join();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Tagged by the jar's content, not {@code latest}: two runs on one engine (a suite and a
   * command-line run, or two checkouts) would otherwise retag each other's image between its
   * build and their containers' start, and test the other's jar.
   */
  private static String buildImage(Path jar) {
    String image = new ImageFromDockerfile(IMAGE + ":" + AgentJar.digest(jar), false)
        .withFileFromPath("agent.jar", jar)
        .withDockerfileFromBuilder(b -> b.from(DockerEnvironment.BASE_IMAGE)
            .copy("agent.jar", "/opt/flotilla/agent.jar")
            .label(LABEL, "true")
            .build())
        .get();
    removeOldImages(image);
    return image;
  }

  /**
   * Removes the agent images of earlier builds, one a jar, but none made in the last hour (a run
   * on the same engine may be about to start containers of it) nor any a container uses.
   */
  private static void removeOldImages(String keep) {
    DockerClient docker = DockerClientFactory.instance().client();
    long hourAgo = System.currentTimeMillis() / 1000 - 3600;
    for (Image i : docker.listImagesCmd().withImageNameFilter(IMAGE).exec()) {
      if (i.getCreated() > hourAgo || i.getRepoTags() == null) {
        continue;
      }
      for (String tag : i.getRepoTags()) {
        if (!tag.equals(keep)) {
          try {
            docker.removeImageCmd(tag).withForce(false).exec();
          } catch (DockerException inUse) {
            // a container still runs it; a later build removes it
          }
        }
      }
    }
  }

  static List<Agent> singleGroup(Settings s) {
    List<String> ids = ids("n", s.nodes());
    AgentFile.Group group = AgentFile.Group.of(GROUP, members(ids));
    return ids.stream().map(id -> new Agent(id, GROUP,
        agentFile(id, s.profile(), s.unsafeLocalReads(), group).build())).toList();
  }

  private static List<String> ids(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }

  /** Voters, each at its container's name. */
  private static List<AgentFile.Member> members(List<String> ids) {
    return ids.stream().map(m -> AgentFile.Member.voter(m, m + ":" + ClusterNode.RAFT_PORT))
        .toList();
  }

  /** The config of the agent in container {@code id}, a member of {@code group}. */
  private static AgentFile.Builder agentFile(String id, String profile,
      boolean unsafeLocalReads, AgentFile.Group group) {
    return AgentFile.builder(id, "/var/lib/flotilla", id + ":" + ClusterNode.RAFT_PORT,
            "0.0.0.0:" + ClusterNode.API_PORT, "0.0.0.0:7201")
        .profile(profile)
        .readMode(unsafeLocalReads ? "unsafe-local" : "read-index")
        .groups(group);
  }

  public List<ClusterNode> nodes() {
    return List.copyOf(nodes);
  }

  /** Writes each node's log so far to {@code dir}/ID.log, or why it could not be had. */
  public void saveLogs(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (ClusterNode n : nodes) {
      String log;
      try {
        log = n.logs();
      } catch (RuntimeException e) {
        log = "logs unavailable: " + e.getMessage() + "\n";
      }
      Files.writeString(dir.resolve(n.id() + ".log"), log);
    }
  }

  public ClusterNode node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /** The members of one group. */
  public List<ClusterNode> nodes(String group) {
    return nodes.stream().filter(n -> n.group().equals(group)).toList();
  }

  /** The node that says it leads the first group, if one answers so. */
  public Optional<ClusterNode> leader() {
    return leader(nodes.get(0).group());
  }

  /** The member of {@code group} that says it leads it, if one answers so. */
  public Optional<ClusterNode> leader(String group) {
    ClusterNode best = null;
    long bestTerm = -1;
    for (ClusterNode n : nodes(group)) {
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
