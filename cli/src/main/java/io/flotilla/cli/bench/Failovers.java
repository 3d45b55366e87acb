package io.flotilla.cli.bench;

import io.flotilla.cli.grpc.AgentChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes a fleet's leader down, again and again, and measures how long writes stop: from just
 * before the fault to the first acknowledged write sent after it. Probe writes go every
 * {@code 5 ms}, alternating between the surviving agents, while the run's load goes on. After
 * each fault the agent is restarted and left to catch up before the next one.
 */
public final class Failovers {
  private static final long PROBE_EVERY_MS = 5;
  private static final Duration SETTLE = Duration.ofSeconds(1);

  /** How the leader goes down. */
  public enum Fault {
    /**
     * kill -9: on loopback its sockets are closed at once, so every peer and client learns
     * at once that it is gone.
     */
    KILL,
    /**
     * SIGSTOP, then kill -9 once writes go on: its sockets stay open and nothing answers, as
     * when an agent loses power or flies out of range of a radio link. Peers and clients learn
     * it is gone only from their timeouts.
     */
    SILENCE
  }

  /** The fleet under test, as processes the benchmark may kill and restart. */
  public interface Fleet {
    /** The agent that leads the group, waiting up to {@code wait} for one. */
    String leader(Duration wait) throws InterruptedException;

    /** kill -9 of an agent's process; returns once it has exited. */
    void kill(String id) throws InterruptedException;

    /** SIGSTOP of an agent's process: it keeps its sockets and answers nothing. */
    void silence(String id) throws InterruptedException;

    /** Starts a killed agent again and returns once it has caught up with the group. */
    void restart(String id, Duration wait) throws Exception;

    /** The index of the agent's API endpoint in the run's channels. */
    int endpoint(String id);
  }

  private final Fleet fleet;
  private final AgentChannels channels;
  private final String group;
  private final KeySpace keys;
  private final Duration timeout;
  private final Duration wait;
  private final Fault fault;

  /**
   * @param timeout the deadline of each probe write
   * @param wait how long a leader election, a first write or a catch-up may take at most
   */
  public Failovers(Fleet fleet, AgentChannels channels, String group, KeySpace keys,
      Duration timeout, Duration wait, Fault fault) {
    this.fleet = fleet;
    this.channels = channels;
    this.group = group;
    this.keys = keys;
    this.timeout = timeout;
    this.wait = wait;
    this.fault = fault;
  }

  /** Runs {@code faults} failovers one after another; returns the milliseconds of each. */
  public List<Double> run(int faults) throws Exception {
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < faults; i++) {
      String leader = fleet.leader(wait);
      List<AgentLoadClient> probes = new ArrayList<>();
      for (int e = 0; e < channels.size(); e++) {
        if (e != fleet.endpoint(leader)) {
          probes.add(new AgentLoadClient(channels, e, group, keys, timeout,
              new CasVersions(keys.size())));
        }
      }
      long faultAt = System.nanoTime();
      if (fault == Fault.SILENCE) {
        fleet.silence(leader);
      } else {
        fleet.kill(leader);
      }
      samples.add(firstWriteAfter(faultAt, probes) / 1e6);
      if (fault == Fault.SILENCE) {
        fleet.kill(leader);
      }
      fleet.restart(leader, wait);
      Thread.sleep(SETTLE.toMillis());
    }
    return samples;
  }

  /** Nanoseconds from {@code faultAt} to the first probe write acknowledged. */
  private long firstWriteAfter(long faultAt, List<AgentLoadClient> probes)
      throws InterruptedException {
    AtomicLong acknowledged = new AtomicLong(-1);
    LoadClient.Outcome outcome = new LoadClient.Outcome() {
      @Override
      public void succeeded() {
        acknowledged.compareAndSet(-1, System.nanoTime() - faultAt);
      }

      @Override
      public void failed(Throwable error) {}
    };
    long deadline = faultAt + wait.toNanos();
    for (int n = 0; acknowledged.get() < 0; n++) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no write was acknowledged within " + wait
            + " of taking the leader down");
      }
      probes.get(n % probes.size()).send(Operation.PUT, n % keys.size(), outcome);
      Thread.sleep(PROBE_EVERY_MS);
    }
    return acknowledged.get();
  }
}
