package io.flotilla.simulator.ratis;

import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.group.FleetGroup;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One simulated agent as a real agent-node server: a {@link FleetServer} with the fleet state
 * machine and the scenario's tuning profile, on the simulated radio ({@link RadioTransport}),
 * hosting the agent's replica of every group it belongs to. A crash closes the server; a reboot
 * starts a new one on the same storage, which recovers every group from its log.
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
   * Ratis keeps a replica's open log segment and its last closed ones in memory, and a 32 MB
   * segment of the workload's small entries holds a whole hour of them: hundreds of replicas
   * would hold every entry they ever wrote. Small segments, two of them cached, keep a few
   * thousand entries per replica in memory.
   */
  static final SizeInBytes SEGMENT = SizeInBytes.valueOf("1MB");
  static final int CACHED_SEGMENTS = 2;

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
  private final RadioLinks radio;
  private final ScheduledExecutorService timers;
  private final List<FleetGroup> groups = new ArrayList<>();
  private volatile FleetServer server;
  /** The last close or restart in the background; the next one waits for it. */
  private CompletableFuture<Void> closing = CompletableFuture.completedFuture(null);

  /**
   * @param radio the links the server talks over
   * @param timers the simulation's one thread for every server's periodic work (lease expiry,
   *     quorum looks): hundreds of timer threads would cost more wake-ups than their work
   */
  RatisAgent(String name, Path storage, TuningProfile profile, Limits limits, RadioLinks radio,
      ScheduledExecutorService timers) {
    this.name = name;
    this.radio = radio;
    this.timers = timers;
    this.storage = storage;
    this.profile = profile;
    this.limits = limits;
  }

  String name() {
    return name;
  }

  /** Starts with no groups; {@link #join} adds them once every server is on the air. */
  void start() throws IOException {
    server = build();
    server.start();
  }

  void join(FleetGroup group) throws IOException {
    groups.add(group);
    server.addGroup(group);
  }

  boolean isUp() {
    return server != null;
  }

  /**
   * Takes the server off the air at once and closes it in the background: closing can take
   * seconds, and the world must not stall for it.
   */
  void crash() {
    FleetServer running = server;
    server = null;
    if (running != null) {
      radio.offAir(running.ratis());
    }
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

  /** Waits until a crashed server has let go of its storage. */
  void awaitClosed() throws IOException {
    try {
      closing.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e);
    }
  }

  /**
   * Starts again on the same storage, in the background once the crashed server has
   * closed; Ratis recovers the groups from the log. Until then the agent has no server.
   */
  void reboot() {
    closing = closing.thenRunAsync(() -> {
      try {
        FleetServer s = build();
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

  private FleetServer build() throws IOException {
    FleetServer.Builder b = FleetServer.builder().id(name).storageDir(storage).profile(profile)
        .limits(limits).sharedTimers(timers).hostTuning((p, parameters) -> {
          RaftServerConfigKeys.Log.setWriteBufferSize(p, WRITE_BUFFER);
          RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, APPEND_LIMIT);
          RaftServerConfigKeys.Log.setSegmentSizeMax(p, SEGMENT);
          RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, CACHED_SEGMENTS);
          RaftServerConfigKeys.setCloseThreshold(p, CLOSE_THRESHOLD);
          RadioTransport.use(radio, p, parameters);
        });
    groups.forEach(b::group);
    return b.build();
  }
}
