package io.flotilla.simulator.fleet;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.kv.FleetStateMachine;
import io.flotilla.consensus.kv.LeaseExpiry;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.LeaseListRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.statemachine.CommittedEntry;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.kernel.TraceHash;
import io.flotilla.simulator.raft.LogEntry;
import io.flotilla.simulator.raft.Outbox;
import io.flotilla.simulator.raft.PersistentState;
import io.flotilla.simulator.raft.RaftMessage;
import io.flotilla.simulator.raft.RaftNode;
import io.flotilla.simulator.world.Agent;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One agent's replica in one group: it drives a {@link RaftNode} with messages and timers,
 * applies committed entries to a real {@link FleetStateMachine}, serves client requests when it
 * leads, and proposes lease expiries on a timer as a real server does.
 *
 * <p>A crash throws away the node, the state machine and everything pending; the
 * {@link PersistentState} stays. A reboot builds a fresh node and state machine over it, which
 * re-applies the log as the leader reports what is committed.
 */
public final class Member {
  /**
   * The simulated agents never watch, so each replica keeps a short watch history: with 500
   * replicas the default would hold millions of events. The history is not part of the state
   * digest and does not affect what a command does.
   */
  static final Limits LIMITS = Limits.DEFAULT.withWatchHistory(256);

  /** How often a leader looks for leases to expire, as real servers do. */
  public static final long LEASE_EXPIRY_INTERVAL = SimTime.millis(200);

  private final FleetContext context;
  private final Agent agent;
  private final Group group;
  private final int position;
  private final String name;
  private final PersistentState disk = new PersistentState();
  private final SplittableRandom random;
  private final ClientSession session;
  private final Map<Long, Proposal> proposals = new HashMap<>();

  private RaftNode node;
  private FleetStateMachine state;
  private long applied;
  private long checkedCommit;
  private boolean leading;
  private long timerAt = RaftNode.NEVER;
  private LeaseExpiry leaseExpiry;
  private long expiryProposed;
  /** The applied index at the last read of the lease list. */
  private long leasesReadAt = -1;

  private record Proposal(long entryId, long proposedAt, ClientRequest request) {}

  public Member(FleetContext context, Agent agent, Group group, boolean voter) {
    this.context = context;
    this.agent = agent;
    this.group = group;
    this.position = group.members().size();
    this.name = agent.name() + "@" + group.name();
    this.random = context.streams().stream("raft/" + name);
    this.session = new ClientSession(this, group);
    group.add(this, voter);
  }

  public Agent agent() {
    return agent;
  }

  public Group group() {
    return group;
  }

  public int position() {
    return position;
  }

  /** Whether this member votes in its group's last committed configuration. */
  public boolean isVoter() {
    return group.isVoter(position);
  }

  public String name() {
    return name;
  }

  /** The live Raft node, or null while the agent is down. */
  public RaftNode node() {
    return node;
  }

  /** The live state machine, or null while the agent is down. */
  public FleetStateMachine state() {
    return state;
  }

  public long applied() {
    return applied;
  }

  public PersistentState disk() {
    return disk;
  }

  public boolean isLeader() {
    return node != null && node.isLeader();
  }

  public ClientSession session() {
    return session;
  }

  /**
   * A new client session from this member to another group, over the radio (an uplink).
   * Like any session's, its calls end with the agent's life.
   */
  public ClientSession uplink(Group target) {
    return new ClientSession(this, target);
  }

  FleetContext context() {
    return context;
  }

  // ---- Life cycle ---------------------------------------------------------------------

  /** Starts, or restarts after a crash, from what is on disk. */
  public void boot() {
    Kernel k = context.kernel();
    RaftNode.Setup setup = new RaftNode.Setup(position, group.initialVoters(), group.timing(), disk,
        random, new Outbox() {
          @Override
          public void send(RaftMessage message) {
            context.network().send(Member.this, message);
          }

          @Override
          public void appended(long index, LogEntry entry, long chain) {
            context.observer().appended(Member.this, index, entry, chain);
          }

          @Override
          public void electedLeader(long term) {
            leading = true;
            context.observer().becameLeader(Member.this);
            scheduleExpiryCheck(term);
          }
        }, context::nextEntryId);
    node = context.nodes().create(this, setup);
    state = new FleetStateMachine(LIMITS);
    applied = 0;
    checkedCommit = 0;
    leading = false;
    timerAt = RaftNode.NEVER;
    leaseExpiry = new LeaseExpiry();
    leasesReadAt = -1;
    node.start(k.now());
    afterStep();
  }

  /** Loses everything but the disk. The agent itself is marked down by the caller. */
  public void crash() {
    if (leading) {
      leading = false;
      context.observer().lostLeadership(this);
    }
    session.crash();
    node = null;
    state = null;
    proposals.clear();
    timerAt = RaftNode.NEVER;
  }

  // ---- Inputs -------------------------------------------------------------------------

  void receive(RaftMessage m) {
    node.handle(m, context.kernel().now());
    afterStep();
  }

  /** Asks the leader to hand over to its most up-to-date other voter. */
  public boolean transferLeadership() {
    if (!isLeader()) {
      return false;
    }
    Member best = null;
    for (Member m : group.members()) {
      if (m != this && node.isVoter(m.position) && m.agent.isUp()
          && (best == null || m.disk.log().lastIndex() > best.disk.log().lastIndex())) {
        best = m;
      }
    }
    return best != null && transferLeadershipTo(best);
  }

  /** Asks the leader to hand over to {@code target}, a voter of its group. */
  public boolean transferLeadershipTo(Member target) {
    if (!isLeader()) {
      return false;
    }
    boolean started = node.transferLeadership(target.position, context.kernel().now());
    afterStep();
    return started;
  }

  /**
   * Asks the leader to make {@code voters} the group's voters, one member different from now.
   *
   * @return whether the leader appended the configuration (see
   *     {@link RaftNode#proposeConfiguration})
   */
  public boolean proposeVoters(boolean[] voters) {
    if (!isLeader()) {
      return false;
    }
    long index = node.proposeConfiguration(voters, context.kernel().now());
    afterStep();
    return index > 0;
  }

  void onClientRequest(ClientRequest r) {
    if (node == null) {
      return;
    }
    if (!node.isLeader()) {
      reply(r, ClientReply.Status.NOT_LEADER, ByteString.EMPTY);
      return;
    }
    if (r.read()) {
      long now = context.kernel().now();
      // Reads under the leader lease, once this term's first entry has been applied.
      boolean current = node.log().term(node.commitIndex()) == node.term()
          && applied == node.commitIndex();
      if (node.hasLease(now) && current) {
        reply(r, ClientReply.Status.OK, state.query(r.payload()).join());
      } else {
        reply(r, ClientReply.Status.UNAVAILABLE, ByteString.EMPTY);
      }
      return;
    }
    if (!propose(r.payload(), r)) {
      reply(r, ClientReply.Status.UNAVAILABLE, ByteString.EMPTY);
    }
  }

  private boolean propose(ByteString command, ClientRequest r) {
    long now = context.kernel().now();
    long index = node.propose(command, now);
    if (index < 0) {
      return false;
    }
    proposals.put(index, new Proposal(node.log().entry(index).id(), now, r));
    afterStep();
    return true;
  }

  private void reply(ClientRequest r, ClientReply.Status status, ByteString payload) {
    context.network().reply(this, r.session(), new ClientReply(r.id(), r.attempt(), r.sentAt(),
        status, node.leader(), payload));
  }

  // ---- After every step: commit, apply, leadership, timers ----------------------------

  private void afterStep() {
    FleetObserver observer = context.observer();
    if (leading && !node.isLeader()) {
      leading = false;
      proposals.clear();
      observer.lostLeadership(this);
    }
    long commit = node.commitIndex();
    if (commit > checkedCommit) {
      observer.committed(this, checkedCommit, commit);
      checkedCommit = commit;
    }
    while (applied < commit) {
      apply(++applied);
    }
    long deadline = node.nextDeadline();
    if (deadline < timerAt) {
      timerAt = deadline;
      context.kernel().at(Math.max(deadline, context.kernel().now()), new NodeTimer(this));
    }
  }

  private void apply(long index) {
    LogEntry e = node.committedEntry(index);
    if (e.isConfiguration()) {
      group.configured(index, e.voters());
    }
    ByteString reply = e.command() == null ? ByteString.EMPTY
        : state.apply(new CommittedEntry(index, e.term(), e.leaderTimeMillis(), e.command()));
    context.observer().applied(this, index, e);
    if (proposals.isEmpty()) {
      return;
    }
    Proposal p = proposals.remove(index);
    if (p != null && p.entryId == e.id()) {
      context.observer().proposalCommitted(this, context.kernel().now() - p.proposedAt);
      if (p.request != null) {
        reply(p.request, ClientReply.Status.OK, reply);
      }
    }
  }

  private void onTimer(NodeTimer t) {
    if (t.time() != timerAt) {
      return;
    }
    timerAt = RaftNode.NEVER;
    node.tick(context.kernel().now());
    afterStep();
  }

  private void scheduleExpiryCheck(long term) {
    context.kernel().after(LEASE_EXPIRY_INTERVAL, new LeaderEvent(this, term) {
      @Override
      void run() {
        proposeDueExpiries();
        scheduleExpiryCheck(term);
      }

      @Override
      public String describe() {
        return name + " checks lease expiry (term " + term + ")";
      }
    });
  }

  private void proposeDueExpiries() {
    long clock = node.monotonicMillis(context.kernel().now());
    // Until an entry applies, the leases and their renewals are as last read: nothing can fall
    // due before the earliest deadline already known.
    if (expiryProposed > applied
        || (applied == leasesReadAt && clock < leaseExpiry.nextDueMillis(node.term()))) {
      return;
    }
    QueryReply leases;
    try {
      leases = QueryReply.parseFrom(state.query(Query.newBuilder()
          .setLeaseList(LeaseListRequest.getDefaultInstance()).build().toByteString()).join());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the state machine wrote a malformed reply", e);
    }
    leasesReadAt = applied;
    LeaseExpireRequest due = leaseExpiry.due(node.term(), leases.getLeaseList().getLeasesList(),
        clock);
    if (due.getLeasesCount() > 0
        && propose(Command.newBuilder().setLeaseExpire(due).build().toByteString(), null)) {
      expiryProposed = node.log().lastIndex();
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Wakes the node at its next deadline; stale wake-ups are ignored. */
  private static final class NodeTimer extends Event {
    private final Member member;
    private final int life;

    NodeTimer(Member member) {
      this.member = member;
      this.life = member.agent.life();
    }

    @Override
    protected void fire() {
      if (member.agent.isUp() && member.agent.life() == life) {
        member.onTimer(this);
      }
    }

    @Override
    protected long fingerprint() {
      return TraceHash.mix(1, member.agent.id() * 4096L + member.group.index());
    }

    @Override
    public String describe() {
      RaftNode n = member.node;
      return member.name + " timer"
          + (n == null ? "" : " (" + n.role() + ", term " + n.term() + ")");
    }
  }

  /** Something a leader does while it still leads in the same term and life. */
  private abstract static class LeaderEvent extends Event {
    final Member member;
    final long term;
    final int life;

    LeaderEvent(Member member, long term) {
      this.member = member;
      this.term = term;
      this.life = member.agent.life();
    }

    @Override
    protected final void fire() {
      if (member.agent.isUp() && member.agent.life() == life && member.isLeader()
          && member.node.term() == term) {
        run();
      }
    }

    abstract void run();

    @Override
    protected long fingerprint() {
      return TraceHash.mix(2, member.agent.id() * 4096L + member.group.index());
    }
  }
}
