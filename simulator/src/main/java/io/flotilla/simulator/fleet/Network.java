package io.flotilla.simulator.fleet;

import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.TraceHash;
import io.flotilla.simulator.raft.RaftMessage;
import io.flotilla.simulator.world.RadioModel;
import java.util.SplittableRandom;

/**
 * Carries Raft and client messages between members over the radio model, and counts what was
 * sent and why anything was dropped, per group. Members on the same agent talk without radio.
 * Within a group a link reaches as far as the shorter of the two radios; a request to another
 * group (a squad leader's uplink to the council) and its reply as far as the longer, since a
 * ground station's mast gives line of sight both ways. Uplink traffic counts as the target
 * group's.
 */
public final class Network {
  private final Kernel kernel;
  private final RadioModel radio;
  private final SplittableRandom random;
  private final long[] sent;
  private final long[] lost;
  private final long[] outOfRange;
  private final long[] cut;
  private final long[] crashed;

  public Network(Kernel kernel, RadioModel radio, SplittableRandom random, int groups) {
    this.kernel = kernel;
    this.radio = radio;
    this.random = random;
    this.sent = new long[groups];
    this.lost = new long[groups];
    this.outOfRange = new long[groups];
    this.cut = new long[groups];
    this.crashed = new long[groups];
  }

  public RadioModel radio() {
    return radio;
  }

  void send(Member from, RaftMessage m) {
    Member to = from.group().member(m.to());
    transmit(from, to, to.group(), new Delivery(to) {
      @Override
      void deliver() {
        to.receive(m);
      }

      @Override
      long payloadFingerprint() {
        return m.fingerprint();
      }

      @Override
      public String describe() {
        return from.name() + " -> " + to.name() + " " + m;
      }
    });
  }

  void request(Member client, Member leader, ClientRequest r) {
    transmit(client, leader, leader.group(), new Delivery(leader) {
      @Override
      void deliver() {
        leader.onClientRequest(r);
      }

      @Override
      long payloadFingerprint() {
        return TraceHash.mix(r.id() * 8 + r.attempt(), r.read() ? 1 : 2);
      }

      @Override
      public String describe() {
        return client.name() + " -> " + leader.name() + " request #" + r.id() + " "
            + (r.read() ? "read" : operation(r.payload())) + " attempt " + r.attempt();
      }
    });
  }

  void reply(Member leader, ClientSession session, ClientReply r) {
    Member client = session.member();
    transmit(leader, client, leader.group(), new Delivery(client) {
      @Override
      void deliver() {
        session.onReply(r);
      }

      @Override
      long payloadFingerprint() {
        return TraceHash.mix(r.id() * 8 + r.attempt(), r.status().ordinal());
      }

      @Override
      public String describe() {
        return leader.name() + " -> " + client.name() + " reply #" + r.id() + " " + r.status();
      }
    });
  }

  /** The kind of a command, for people reading a trace. */
  private static String operation(com.google.protobuf.ByteString command) {
    try {
      return io.flotilla.consensus.proto.Command.parseFrom(command).getOpCase().name()
          .toLowerCase(java.util.Locale.ROOT);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return "malformed command";
    }
  }

  private void transmit(Member from, Member to, Group countAs, Delivery d) {
    int g = countAs.index();
    sent[g]++;
    if (from.agent() == to.agent()) {
      kernel.after(0, d);
      return;
    }
    double range = from.group() == to.group()
        ? Math.min(from.agent().range(), to.agent().range())
        : Math.max(from.agent().range(), to.agent().range());
    long latency = radio.transmit(from.agent(), to.agent(), range, kernel.now(), random);
    if (latency >= 0) {
      kernel.after(latency, d);
    } else if (latency == RadioModel.LOST) {
      lost[g]++;
    } else if (latency == RadioModel.OUT_OF_RANGE) {
      outOfRange[g]++;
    } else {
      cut[g]++;
    }
  }

  /**
   * Counts {@code n} messages of group {@code g} that another transport carried with the
   * {@link RadioModel#transmit} outcome {@code outcome}: a latency, or why it was dropped.
   */
  public void tally(Group g, long outcome, long n) {
    int i = g.index();
    sent[i] += n;
    if (outcome == RadioModel.LOST) {
      lost[i] += n;
    } else if (outcome == RadioModel.OUT_OF_RANGE) {
      outOfRange[i] += n;
    } else if (outcome == RadioModel.CUT) {
      cut[i] += n;
    }
  }

  void lostToCrash(Group g) {
    crashed[g.index()]++;
  }

  public long sent(Group g) {
    return sent[g.index()];
  }

  /** Messages of the group that never arrived, for any reason. */
  public long dropped(Group g) {
    int i = g.index();
    return lost[i] + outOfRange[i] + cut[i] + crashed[i];
  }

  public long lost(Group g) {
    return lost[g.index()];
  }

  public long outOfRange(Group g) {
    return outOfRange[g.index()];
  }

  public long cut(Group g) {
    return cut[g.index()];
  }

  /** Messages that arrived at an agent that had crashed since they were sent. */
  public long crashed(Group g) {
    return crashed[g.index()];
  }
}
