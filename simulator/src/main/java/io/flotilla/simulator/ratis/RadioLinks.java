package io.flotilla.simulator.ratis;

import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.Partitions;
import io.flotilla.simulator.world.Position;
import io.flotilla.simulator.world.RadioModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.CodeInjectionForTesting;

/**
 * The simulated radio between real Ratis servers. The simulation thread works out the quality
 * of every link between agents that share a group ({@link #refresh}); Ratis's own threads then
 * decide each message against that picture, so they never touch the world, which is not
 * thread-safe.
 *
 * <p>Messages are intercepted where a Ratis server receives a vote request or an append
 * (heartbeats included), through {@link CodeInjectionForTesting}. One RPC crosses the radio
 * twice, and is held back for the two one-way latencies. Ratis talks gRPC over TCP, so a packet
 * the radio loses on a link in range is sent again after TCP's retransmission timeout (200 ms,
 * doubling at each further loss): on a lossy link messages arrive late, in order, not never.
 * Only a link out of range or cut, or a packet lost {@value #GIVE_UP} times in a row (by then
 * the RPC has timed out), fails the RPC with an exception before the receiver acts on it, which
 * Ratis treats like a failed connection. The model engine, whose messages are not carried by a
 * stream, drops a lost message instead.
 *
 * <p>The injection points are global to the JVM, so only one {@code RadioLinks} may be
 * {@link #install installed} at a time.
 */
final class RadioLinks implements AutoCloseable {
  /** Ratis's names for its receive-side injection points (RaftServerImpl's simple name). */
  static final String REQUEST_VOTE = "RaftServerImpl.requestVote";
  static final String APPEND_ENTRIES = "RaftServerImpl.appendEntries";

  private static final Object INSTALLED = new Object();
  private static RadioLinks installed;

  /** Outcomes counted per group, in {@link #counts} order. */
  static final int DELIVERED = 0;
  static final int LOST = 1;
  static final int OUT_OF_RANGE = 2;
  static final int CUT = 3;

  /** Linux's minimum TCP retransmission timeout, in microseconds. */
  static final long RTO_MICROS = 200_000;
  /** Consecutive losses of one packet after which its connection counts as broken. */
  static final int GIVE_UP = 5;

  private final List<Agent> agents;
  private final RadioModel radio;
  private final Partitions partitions;
  private final Map<RaftPeerId, Integer> agentOf;
  private final Map<ByteString, Integer> groupOf;
  /** Per agent pair (i * n + j): index into the link arrays, or -1 if they share no group. */
  private final int[] slotOf;
  private final int[][] pairs;
  /** The first group each pair shares, to count vote requests, which name no group. */
  private final int[] pairGroup;
  private final AtomicLongArray counts;
  private volatile Picture picture;

  /** Link quality at one moment: loss probability, or a negative drop reason; base latency. */
  private record Picture(double[] loss, long[] latency) {}

  /**
   * @param pairs agent index pairs that share a group, each with the group index in third place
   * @param agentOf each server's agent index
   * @param groupOf each group's Ratis id bytes to its index
   */
  RadioLinks(List<Agent> agents, RadioModel radio, Partitions partitions, List<int[]> pairs,
      Map<RaftPeerId, Integer> agentOf, Map<ByteString, Integer> groupOf, int groups) {
    this.agents = agents;
    this.radio = radio;
    this.partitions = partitions;
    this.agentOf = agentOf;
    this.groupOf = groupOf;
    int n = agents.size();
    this.slotOf = new int[n * n];
    java.util.Arrays.fill(slotOf, -1);
    List<int[]> distinct = new java.util.ArrayList<>();
    for (int[] p : pairs) {
      if (slotOf[p[0] * n + p[1]] < 0) {
        slotOf[p[0] * n + p[1]] = distinct.size();
        slotOf[p[1] * n + p[0]] = distinct.size();
        distinct.add(p);
      }
    }
    this.pairs = distinct.toArray(new int[0][]);
    this.pairGroup = distinct.stream().mapToInt(p -> p[2]).toArray();
    this.counts = new AtomicLongArray(groups * 4);
  }

  /** Recomputes every link from where the agents are at {@code now}; simulation thread only. */
  void refresh(long now) {
    int size = pairs.length;
    double[] loss = new double[size];
    long[] latency = new long[size];
    for (int k = 0; k < size; k++) {
      Agent a = agents.get(pairs[k][0]);
      Agent b = agents.get(pairs[k][1]);
      Position pa = a.at(now);
      Position pb = b.at(now);
      double d = Math.hypot(pa.x - pb.x, pa.y - pb.y);
      double range = Math.min(a.range(), b.range());
      if (d > range) {
        loss[k] = -OUT_OF_RANGE;
      } else if (partitions.any()
          && partitions.separated(a.id(), pa.x, pa.y, b.id(), pb.x, pb.y)) {
        loss[k] = -CUT;
      } else {
        loss[k] = radio.lossAt(d, range);
        latency[k] = radio.latencyAt(d, range);
      }
    }
    picture = new Picture(loss, latency);
  }

  /** Routes Ratis's receive-side injection points through this radio until {@link #close}. */
  RadioLinks install() {
    synchronized (INSTALLED) {
      if (installed != null) {
        throw new IllegalStateException("another simulation's radio is installed in this JVM");
      }
      installed = this;
    }
    CodeInjectionForTesting.put(REQUEST_VOTE, (local, remote, args) -> {
      carry(remote, local, -1);
      return false;
    });
    CodeInjectionForTesting.put(APPEND_ENTRIES, (local, remote, args) -> {
      int group = -1;
      if (args.length > 1 && args[1] instanceof AppendEntriesRequestProto r) {
        group = groupOf.getOrDefault(r.getServerRequest().getRaftGroupId().getId(), -1);
      }
      carry(remote, local, group);
      return false;
    });
    return this;
  }

  /**
   * Decides one RPC from {@code from} to {@code to}: returns after its round-trip latency, or
   * throws {@link Dropped}. Servers outside the simulation (none in practice) are let through.
   */
  private void carry(Object from, Object to, int group) {
    Integer a = agentOf.get((RaftPeerId) from);
    Integer b = agentOf.get((RaftPeerId) to);
    Picture p = picture;
    if (a == null || b == null || p == null) {
      return;
    }
    int slot = slotOf[a * agents.size() + b];
    if (slot < 0) {
      return;
    }
    int g = group >= 0 ? group : pairGroup[slot];
    double loss = p.loss[slot];
    if (loss < 0) {
      counts.incrementAndGet(g * 4 + (int) -loss);
      throw Dropped.INSTANCE;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long jitter = radio.jitter();
    long request = retransmissions(loss, random);
    long reply = retransmissions(loss, random);
    if (request < 0 || reply < 0) {
      counts.incrementAndGet(g * 4 + LOST);
      throw Dropped.INSTANCE;
    }
    long micros = 2 * p.latency[slot] + request + reply
        + (jitter > 0 ? random.nextLong(jitter + 1) + random.nextLong(jitter + 1) : 0);
    counts.incrementAndGet(g * 4 + DELIVERED);
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Dropped.INSTANCE;
    }
  }

  /**
   * The delay TCP adds to one packet on a link that loses a fraction {@code loss} of them: a
   * retransmission timeout for each loss in a row, doubling each time; -1 when the packet is
   * lost {@link #GIVE_UP} times in a row.
   */
  private static long retransmissions(double loss, ThreadLocalRandom random) {
    long delay = 0;
    long rto = RTO_MICROS;
    for (int lost = 0; random.nextDouble() < loss; lost++) {
      if (lost + 1 == GIVE_UP) {
        return -1;
      }
      delay += rto;
      rto *= 2;
    }
    return delay;
  }

  /** Takes the counts of one group and outcome since the last call. */
  long take(int group, int outcome) {
    return counts.getAndSet(group * 4 + outcome, 0);
  }

  @Override
  public void close() {
    CodeInjectionForTesting.put(REQUEST_VOTE, (local, remote, args) -> false);
    CodeInjectionForTesting.put(APPEND_ENTRIES, (local, remote, args) -> false);
    synchronized (INSTALLED) {
      if (installed == this) {
        installed = null;
      }
    }
  }

  /** A message the radio did not deliver. Shared and without a stack: drops are frequent. */
  static final class Dropped extends RuntimeException {
    static final Dropped INSTANCE = new Dropped();

    private Dropped() {
      super("dropped by the simulated radio", null, false, false);
    }
  }
}
