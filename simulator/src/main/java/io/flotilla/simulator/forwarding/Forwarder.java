package io.flotilla.simulator.forwarding;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.TxnResponse;
import io.flotilla.simulator.fleet.ClientSession;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.TraceHash;
import io.flotilla.simulator.raft.RaftNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwards one squad's committed decisions to the council, from whichever member leads the
 * squad: every {@code delay}, if no batch is on its way, it sends the next batch of up to
 * {@code batch} decisions from its cursor, over an uplink from the leader to the council. An
 * accepted batch moves the cursor and the next batch goes at once; a refused one carries the
 * council's cursor, from which it goes on at once; an unanswered one (the council out of
 * reach, a partition) is sent again on a later round, so decisions wait and go after the heal.
 *
 * <p>Its state is one leader's term: a new squad leader starts with a fresh uplink and a
 * cursor of 1, learns the council's cursor from the first refusal and goes on from there.
 * Exactly once comes from the council's check, not from this side (see {@link ForwardBatch}).
 */
public final class Forwarder {
  private final Kernel kernel;
  private final Group squad;
  private final Group council;
  private final int batch;
  private final long delay;

  private Member leader;
  private long term;
  private ClientSession uplink;
  private long cursor;
  private boolean inFlight;
  private int tenure;

  public Forwarder(Kernel kernel, Group squad, Group council, int batch, long delay) {
    this.kernel = kernel;
    this.squad = squad;
    this.council = council;
    this.batch = batch;
    this.delay = delay;
  }

  /** Starts the rounds, the first one {@code delay} from now. */
  public void start() {
    kernel.after(delay, new Event() {
      @Override
      protected void fire() {
        round();
        start();
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(210, squad.index());
      }

      @Override
      public String describe() {
        return squad.name() + " forwards to the council";
      }
    });
  }

  private void round() {
    Member current = squad.leader();
    if (current == null) {
      return;
    }
    if (current != leader || current.node().term() != term) {
      leader = current;
      term = current.node().term();
      uplink = current.uplink(council);
      cursor = 1;
      inFlight = false;
      tenure++;
    }
    if (!inFlight) {
      send();
    }
  }

  /** Sends the next batch from the cursor, if the leader has committed a decision there. */
  private void send() {
    RaftNode node = leader.node();
    if (node == null || !node.isLeader() || node.term() != term) {
      return;
    }
    List<Decision> decisions = new ArrayList<>();
    for (long i = cursor; i <= node.commitIndex() && decisions.size() < batch; i++) {
      Decision d = Decision.of(i, node.committedEntry(i));
      if (d != null) {
        decisions.add(d);
      }
    }
    if (decisions.isEmpty()) {
      return;
    }
    ForwardBatch b = new ForwardBatch(squad.name(), cursor,
        decisions.get(decisions.size() - 1).index(), decisions);
    int mine = tenure;
    inFlight = true;
    uplink.write(b.command(), (payload, sentAt) -> {
      if (mine == tenure) {
        answered(b, payload);
      }
    });
  }

  private void answered(ForwardBatch b, ByteString payload) {
    inFlight = false;
    if (payload == null) {
      return;
    }
    CommandReply reply;
    try {
      reply = CommandReply.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the council wrote a malformed reply", e);
    }
    if (!reply.hasTxn()) {
      return;
    }
    TxnResponse txn = reply.getTxn();
    cursor = txn.getSucceeded() ? b.to() + 1 : ForwardBatch.cursorIn(txn);
    send();
  }
}
