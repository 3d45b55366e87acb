package io.flotilla.simulator.ratis;

import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.server.FleetGroup;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.TuningProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One simulated agent as a real agent-node server: a {@link FleetServer} with the fleet state
 * machine and the scenario's tuning profile, on loopback, hosting the agent's replica of every
 * group it belongs to. A crash closes the server; a reboot starts a new one on the same port
 * and storage, which recovers every group from its log.
 */
final class RatisAgent {
  /**
   * Many servers share one JVM: a small log write buffer instead of Ratis's 8 MB each. Ratis
   * wants it larger than what one append may carry, so that shrinks too; the simulated
   * workload's entries are a few dozen bytes.
   */
  static final SizeInBytes WRITE_BUFFER = SizeInBytes.valueOf("512KB");
  static final SizeInBytes APPEND_LIMIT = SizeInBytes.valueOf("256KB");

  /**
   * The world stalls for no one, but a simulation of hundreds of servers on a small machine
   * can pause for longer than a real agent would; Ratis's pause monitor must not close servers
   * for it. Leaders still step down after the sleep deviation, as on a real agent.
   */
  static final TimeDuration CLOSE_THRESHOLD = TimeDuration.valueOf(1, TimeUnit.HOURS);

  private final String name;
  private final Path storage;
  private final TuningProfile profile;
  private final Limits limits;
  private final List<FleetGroup> groups = new ArrayList<>();
  private volatile FleetServer server;
  /** The last close or restart in the background; the next one waits for it. */
  private CompletableFuture<Void> closing = CompletableFuture.completedFuture(null);
  private int port;

  RatisAgent(String name, Path storage, TuningProfile profile, Limits limits) {
    this.name = name;
    this.storage = storage;
    this.profile = profile;
    this.limits = limits;
  }

  String name() {
    return name;
  }

  /** Starts with no groups on a free port; {@link #join} adds them once every port is known. */
  void start() throws IOException {
    server = build(0);
    server.start();
    port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  void join(FleetGroup group) throws IOException {
    groups.add(group);
    server.addGroup(group);
  }

  boolean isUp() {
    return server != null;
  }

  /**
   * Stops the server at once for the simulation and closes it in the background: closing
   * can take seconds (gRPC waits for open streams), and the world must not stall for it.
   */
  void crash() {
    FleetServer running = server;
    server = null;
    closing = closing.thenRunAsync(() -> {
      // A crash during a restart closes the server the restart has just started.
      FleetServer s = running != null ? running : server;
      server = null;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          throw new UncheckedIOException("closing " + name, e);
        }
      }
    }, background("close-" + name));
  }

  /** Waits until a crashed server has let go of its port and storage. */
  void awaitClosed() throws IOException {
    try {
      closing.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e);
    }
  }

  /**
   * Starts again on the same port and storage, in the background once the crashed server has
   * closed; Ratis recovers the groups from the log. Until then the agent has no server.
   */
  void reboot() {
    closing = closing.thenRunAsync(() -> {
      try {
        FleetServer s = build(port);
        s.start();
        server = s;
      } catch (IOException e) {
        throw new UncheckedIOException("restarting " + name, e);
      }
    }, background("reboot-" + name));
  }

  private static Executor background(String thread) {
    return runnable -> {
      Thread t = new Thread(runnable, thread);
      t.setDaemon(true);
      t.start();
    };
  }

  /** This agent's view of a group: its role and term, or null while it is down. */
  DivisionInfo info(RaftGroupId group) {
    FleetServer s = server;
    if (s == null) {
      return null;
    }
    try {
      return s.ratis().getDivision(group).getInfo();
    } catch (IOException | RuntimeException e) {
      // Closing, or not yet hosting the group: no view.
      return null;
    }
  }

  RaftServer ratis() {
    return server == null ? null : server.ratis();
  }

  private FleetServer build(int onPort) throws IOException {
    FleetServer.Builder b = FleetServer.builder().id(name).address("127.0.0.1", onPort)
        .storageDir(storage).profile(profile).limits(limits);
    groups.forEach(b::group);
    FleetServer s = b.build();
    // FleetServer has no knob for these; its Ratis server reads its properties only when it
    // starts and when it creates each group's log, so they are set before start().
    RaftProperties p = s.ratis().getProperties();
    RaftServerConfigKeys.Log.setWriteBufferSize(p, WRITE_BUFFER);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, APPEND_LIMIT);
    RaftServerConfigKeys.setCloseThreshold(p, CLOSE_THRESHOLD);
    return s;
  }
}
