package io.flotilla.simulator.ratis;

import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.Partitions;
import io.flotilla.simulator.world.Position;
import io.flotilla.simulator.world.RadioModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.server.RaftServer;

/**
 * The simulated radio between real Ratis servers: which servers are on the air, and how each
 * message between two of them fares. The simulation thread works out the quality of every link
 * between agents that share a group ({@link #refresh}); Ratis's own threads then decide each
 * message against that picture ({@link #trip}, called by {@link RadioTransport}), so they never
 * touch the world, which is not thread-safe.
 *
 * <p>Ratis's RPCs are request and reply, like gRPC's over TCP, so a packet the radio loses on a
 * link in range is sent again after TCP's retransmission timeout (200 ms, doubling at each
 * further loss): on a lossy link messages arrive late, in order, not never. Only a link out of
 * range or cut, or a packet lost {@value #GIVE_UP} times in a row (by then the RPC has timed
 * out), loses the message. The model engine, whose messages are not carried by a stream, drops
 * a lost message instead.
 */
final class RadioLinks {
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
  private final AtomicLongArray counts;
  private final Map<RaftPeerId, RaftServer> onAir = new ConcurrentHashMap<>();
  private volatile Picture picture;

  /** Link quality at one moment: loss probability, or a negative drop reason; base latency. */
  private record Picture(double[] loss, long[] latency) {}

  /**
   * One RPC's fate: the request's and the reply's one-way delays in microseconds; a reply the
   * radio loses is -1.
   */
  record Trip(long there, long back) {}

  /**
   * @param pairs agent index pairs that share a group
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

  /** A server starts answering the radio. */
  void onAir(RaftServer server) {
    onAir.put(server.getId(), server);
  }

  /** A server stops answering (closed, or crashed with it). */
  void offAir(RaftServer server) {
    onAir.remove(server.getId(), server);
  }

  /** The server that answers for {@code id}, or null while it is down. */
  RaftServer receiver(RaftPeerId id) {
    return onAir.get(id);
  }

  /**
   * Decides one RPC of group {@code group} (its Ratis id bytes) from {@code from} to
   * {@code to}; null when the request does not arrive. Servers outside the simulation (none in
   * practice) get a link with no delay.
   */
  Trip trip(RaftPeerId from, RaftPeerId to, ByteString group) {
    Integer a = agentOf.get(from);
    Integer b = agentOf.get(to);
    Integer g = groupOf.get(group);
    Picture p = picture;
    if (a == null || b == null || g == null || p == null) {
      return new Trip(0, 0);
    }
    int slot = slotOf[a * agents.size() + b];
    if (slot < 0) {
      return new Trip(0, 0);
    }
    double loss = p.loss[slot];
    if (loss < 0) {
      counts.incrementAndGet(g * 4 + (int) -loss);
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long there = oneWay(p.latency[slot], loss, random);
    if (there < 0) {
      counts.incrementAndGet(g * 4 + LOST);
      return null;
    }
    long back = oneWay(p.latency[slot], loss, random);
    counts.incrementAndGet(g * 4 + (back < 0 ? LOST : DELIVERED));
    return new Trip(there, back);
  }

  /** One packet's delay: the link's latency, jitter and TCP's retransmissions; -1 if lost. */
  private long oneWay(long latency, double loss, ThreadLocalRandom random) {
    long retransmissions = retransmissions(loss, random);
    if (retransmissions < 0) {
      return -1;
    }
    long jitter = radio.jitter();
    return latency + retransmissions + (jitter > 0 ? random.nextLong(jitter + 1) : 0);
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
}
