package io.flotilla.chaos.cluster;

import com.github.dockerjava.api.DockerClient;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.consensus.proto.StateDigestResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * One agent-node container. Clients reach its API through a port published on loopback; its
 * Raft traffic to the other nodes stays on the cluster's Docker network, where the nemeses cut
 * and degrade it with iptables.
 */
public final class ClusterNode {
  /** Where the node's Raft server listens: peers, clients and admin alike. */
  public static final int RAFT_PORT = 7001;
  static final int API_PORT = 7101;

  static final String CONFIG = "/etc/flotilla/agent.yaml";
  /** libfaketime's offset of the agent's wall clock (see DockerCluster). */
  static final String CLOCK_OFFSET = "/etc/flotilla/clock-offset";
  static final String TRUE_TIME = "+0\n";
  private static final String STROBE_PID = "/tmp/clock-strobe.pid";

  private final String id;
  private final String group;
  private final String config;
  private final GenericContainer<?> container;
  private volatile ManagedChannel channel;
  private volatile int apiPort;

  ClusterNode(String id, String group, String config, GenericContainer<?> container) {
    this.id = id;
    this.group = group;
    this.config = config;
    this.container = container;
  }

  /** The config the node was created with. */
  public String config() {
    return config;
  }

  /**
   * Stops the agent gracefully (SIGTERM), replaces its config file and starts it again on its
   * data, as an operator rolls out a config change; returns once the node is running.
   */
  public void restartWith(String newConfig) {
    docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    awaitRunning(false);
    container.copyFileToContainer(Transferable.of(newConfig), CONFIG);
    start();
  }

  /** This node's own replica's digest of its group's state, with the index it has applied. */
  public StateDigestResponse stateDigest() {
    return ClusterGrpc.newBlockingStub(channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
        .stateDigest(GroupCall.newBuilder().setGroup(group).build());
  }

  public String id() {
    return id;
  }

  /** The group this node is a member of. */
  public String group() {
    return group;
  }

  /** The node's address on the cluster network. */
  public String ip() {
    return container.getContainerInfo().getNetworkSettings().getNetworks().values().iterator()
        .next().getIpAddress();
  }

  public String raftAddress() {
    return id + ":" + RAFT_PORT;
  }

  /** A channel to this node's API; replaced when a restart moves the published port. */
  public synchronized ManagedChannel channel() {
    int port = publishedApiPort();
    if (channel == null || port != apiPort) {
      if (channel != null) {
        channel.shutdownNow();
      }
      apiPort = port;
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }
    return channel;
  }

  private int publishedApiPort() {
    var bindings = docker().inspectContainerCmd(container.getContainerId()).exec()
        .getNetworkSettings().getPorts().getBindings();
    for (var e : bindings.entrySet()) {
      if (e.getKey().getPort() == API_PORT && e.getValue() != null && e.getValue().length > 0) {
        return Integer.parseInt(e.getValue()[0].getHostPortSpec());
      }
    }
    return apiPort;
  }

  /** kill -9 of the agent process (the container's only process). */
  public void kill() {
    docker().killContainerCmd(container.getContainerId()).exec();
    awaitRunning(false);
  }

  /** Starts a killed node again on its data, which lives in the container's filesystem. */
  public void start() {
    docker().startContainerCmd(container.getContainerId()).exec();
    awaitRunning(true);
  }

  public boolean running() {
    Boolean r = docker().inspectContainerCmd(container.getContainerId()).exec().getState()
        .getRunning();
    return Boolean.TRUE.equals(r);
  }

  /** SIGSTOP: the process freezes with its sockets open, as in a long GC pause. */
  public void pause() {
    docker().killContainerCmd(container.getContainerId()).withSignal("STOP").exec();
  }

  /** SIGCONT. */
  public void resume() {
    docker().killContainerCmd(container.getContainerId()).withSignal("CONT").exec();
  }

  /**
   * Runs iptables commands in the node (it has NET_ADMIN), all in one exec since each exec costs
   * a round trip to the engine; fails loudly at the first rule refused.
   */
  public void iptables(List<List<String>> commands) {
    StringBuilder script = new StringBuilder();
    for (List<String> args : commands) {
      script.append(script.length() == 0 ? "" : " && ").append("iptables");
      for (String a : args) {
        if (!a.matches("[A-Za-z0-9_.:/-]+")) {
          throw new IllegalArgumentException("unexpected iptables argument '" + a + "'");
        }
        script.append(' ').append(a);
      }
    }
    sh(script.toString());
  }

  /**
   * Steps the agent's wall clock to {@code offsetSeconds} from true time (its monotonic clock
   * is untouched); the agent reads the change within a second.
   */
  public void stepClock(long offsetSeconds) {
    sh("echo " + offset(offsetSeconds) + " > " + CLOCK_OFFSET);
  }

  /** Swings the agent's wall clock between {@code +seconds} and {@code -seconds}, every second. */
  public void strobeClock(long seconds) {
    sh("nohup sh -c 'while :; do echo " + offset(seconds) + " > " + CLOCK_OFFSET + "; sleep 1; "
        + "echo " + offset(-seconds) + " > " + CLOCK_OFFSET + "; sleep 1; done' "
        + ">/dev/null 2>&1 & echo $! > " + STROBE_PID);
  }

  /** Ends any strobe and gives the agent true time again. */
  public void trueClock() {
    sh("if [ -f " + STROBE_PID + " ]; then kill $(cat " + STROBE_PID + ") 2>/dev/null; rm -f "
        + STROBE_PID + "; fi; echo +0 > " + CLOCK_OFFSET);
  }

  private static String offset(long seconds) {
    return (seconds >= 0 ? "+" : "") + seconds + "s";
  }

  /** Runs a shell script in the node; fails loudly when it exits non-zero. */
  private void sh(String script) {
    ExecResult r;
    try {
      r = container.execInContainer("sh", "-c", script);
    } catch (IOException e) {
      throw new IllegalStateException("shell in " + id + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (r.getExitCode() != 0) {
      throw new IllegalStateException(script + " in " + id + " exited " + r.getExitCode() + ": "
          + r.getStderr().strip());
    }
  }

  /** The agent's output so far (its log). */
  public String logs() {
    return container.getLogs();
  }

  private void awaitRunning(boolean wanted) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (running() != wanted) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not " + (wanted ? "start" : "stop"));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  GenericContainer<?> container() {
    return container;
  }

  void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    container.stop();
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }
}
