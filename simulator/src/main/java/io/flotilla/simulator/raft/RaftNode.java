package io.flotilla.simulator.raft;

import com.google.protobuf.ByteString;
import io.flotilla.simulator.raft.RaftMessage.Append;
import io.flotilla.simulator.raft.RaftMessage.AppendResponse;
import io.flotilla.simulator.raft.RaftMessage.TimeoutNow;
import io.flotilla.simulator.raft.RaftMessage.VoteRequest;
import io.flotilla.simulator.raft.RaftMessage.VoteResponse;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * One replica of a Raft group as Flotilla configures Ratis: randomized election timeouts,
 * pre-vote, heartbeats, batched log replication, majority commit, non-voting listeners,
 * leadership transfer, a leader that steps down when it stops hearing from a majority, and
 * voter-set changes one member at a time.
 *
 * <p>Voter-set changes are Raft's single-server changes: a configuration entry names the
 * voters, takes effect on every replica as soon as it is in its log (and is undone if the
 * entry is truncated), and differs from the previous one in one member only, so any majority
 * of the old set overlaps any majority of the new. A leader proposes one only once the
 * previous configuration and an entry of its own term have committed, which keeps at most one
 * change in flight and closes the known hole in single-server changes across leader changes.
 * Members are fixed: a change turns a listener into a voter or a voter into a listener.
 *
 * <p>A pure state machine in the style of etcd's raft: it takes messages ({@link #handle}) and
 * the passage of time ({@link #tick}) and emits messages and log writes to an {@link Outbox};
 * it never reads a clock, sleeps or does I/O. The caller applies entries up to
 * {@link #commitIndex()} and calls {@link #tick} at {@link #nextDeadline()}.
 *
 * <p>A crash is modelled by dropping the node and building a new one over the same
 * {@link PersistentState}: term, vote and log survive; role, commit index and leader do not.
 *
 * <p>The protected methods are the protocol's individual rules; tests override them to build
 * deliberately broken variants and show that the invariant checkers notice.
 */
public class RaftNode {
  public static final long NEVER = Long.MAX_VALUE;
  private static final int NONE = PersistentState.NONE;

  /** Everything a node is built from. */
  public record Setup(int self, boolean[] voters, RaftTiming timing, PersistentState disk,
      SplittableRandom random, Outbox outbox, LongSupplier entryIds) {}

  private final int self;
  private final boolean[] initialVoters;
  private final boolean[] voter;
  private final int members;
  private int voterCount;
  private long configIndex;
  private final RaftTiming timing;
  private final PersistentState disk;
  private final RaftLog log;
  private final SplittableRandom random;
  private final Outbox out;
  private final LongSupplier entryIds;

  private Role role = Role.FOLLOWER;
  private int leader = NONE;
  private long commitIndex;
  private long electionDeadline = NEVER;
  private long electionTimeout;
  private long lastHeard;
  private long leaderContact = Long.MIN_VALUE / 2;

  private final boolean[] votes;
  private int voteCount;

  private final long[] next;
  private final long[] match;
  private final long[] lastAck;
  private final boolean[] inflight;
  private long heartbeatDue = NEVER;
  private long flushDue = NEVER;
  private long quorumCheckDue = NEVER;
  private int transferee = NONE;
  private long transferDeadline = NEVER;

  public RaftNode(Setup setup) {
    this.self = setup.self();
    this.initialVoters = setup.voters().clone();
    this.voter = initialVoters.clone();
    this.members = voter.length;
    this.timing = setup.timing();
    this.disk = setup.disk();
    this.log = disk.log;
    loadConfiguration();
    this.random = setup.random();
    this.out = setup.outbox();
    this.entryIds = setup.entryIds();
    this.votes = new boolean[members];
    this.next = new long[members];
    this.match = new long[members];
    this.lastAck = new long[members];
    this.inflight = new boolean[members];
  }

  // ---- State --------------------------------------------------------------------------

  public boolean isVoter() {
    return voter[self];
  }

  /** Whether member {@code p} votes in the configuration this node follows now. */
  public boolean isVoter(int p) {
    return voter[p];
  }

  /** How many members vote in the configuration this node follows now. */
  public int voterCount() {
    return voterCount;
  }

  /** The voters of the configuration this node follows now, a copy. */
  public boolean[] voters() {
    return voter.clone();
  }

  /** Whether the configuration this node follows has committed (no change in flight). */
  public boolean configurationCommitted() {
    return configIndex <= commitIndex;
  }

  /**
   * When this leader last heard an answer from member {@code p}, in virtual microseconds; the
   * time it was elected for members it has not heard from since.
   */
  public long lastHeardFrom(int p) {
    if (role != Role.LEADER) {
      throw new IllegalStateException("only a leader tracks its members");
    }
    return lastAck[p];
  }

  public Role role() {
    return role;
  }

  public boolean isLeader() {
    return role == Role.LEADER;
  }

  /** The member this node believes leads the group, or -1. */
  public int leader() {
    return leader;
  }

  public long term() {
    return disk.term;
  }

  public long commitIndex() {
    return commitIndex;
  }

  public RaftLog log() {
    return log;
  }

  /** The committed entry at {@code index}, as the caller should apply it. */
  public LogEntry committedEntry(long index) {
    if (index > commitIndex) {
      throw new IllegalArgumentException("entry " + index + " is not committed");
    }
    return log.entry(index);
  }

  /** The earliest time at which {@link #tick} has something to do. */
  public long nextDeadline() {
    if (role == Role.LEADER) {
      return Math.min(Math.min(heartbeatDue, flushDue), Math.min(quorumCheckDue, transferDeadline));
    }
    return electionDeadline;
  }

  /**
   * True while this leader has heard from a majority of voters within the minimum election
   * timeout: no other leader can have been elected since, so it may answer reads alone.
   */
  public boolean hasLease(long now) {
    return role == Role.LEADER && recentVoters(now - timing.electionMin()) >= majority();
  }

  // ---- Inputs -------------------------------------------------------------------------

  /** Starts (or restarts after a crash) as a follower with a fresh election timeout. */
  public void start(long now) {
    resetElectionDeadline(now);
  }

  /**
   * Appends a command if this node leads and is not handing leadership over.
   *
   * @return the entry's index, or -1 when this node cannot accept proposals
   */
  public long propose(ByteString command, long now) {
    if (role != Role.LEADER || transferee != NONE) {
      return -1;
    }
    long index = appendLocal(new LogEntry(entryIds.getAsLong(), disk.term, clockMillis(now),
        command), now);
    maybeCommit();
    if (flushDue == NEVER) {
      flushDue = now + timing.batchDelay();
    }
    return index;
  }

  /**
   * Proposes that {@code voters} vote from now on: a configuration entry, in effect on this
   * leader at once. Refused (-1) unless this node leads and is not handing over, the current
   * configuration and an entry of this term have committed, the new set differs from the
   * current one in exactly one member, and it keeps this leader a voter.
   *
   * @return the entry's index, or -1 if refused
   */
  public long proposeConfiguration(boolean[] voters, long now) {
    if (role != Role.LEADER || transferee != NONE || !configurationCommitted()
        || log.term(commitIndex) != disk.term || voters.length != members || !voters[self]) {
      return -1;
    }
    int differences = 0;
    for (int p = 0; p < members; p++) {
      differences += voters[p] != voter[p] ? 1 : 0;
    }
    if (differences != 1) {
      return -1;
    }
    long index = appendLocal(new LogEntry(entryIds.getAsLong(), disk.term, clockMillis(now),
        null, voters.clone()), now);
    maybeCommit();
    if (flushDue == NEVER) {
      flushDue = now + timing.batchDelay();
    }
    return index;
  }

  /**
   * Hands leadership to {@code target}: stops taking proposals, brings the target up to date,
   * then tells it to start an election at once. Gives up after one maximum election timeout.
   */
  public boolean transferLeadership(int target, long now) {
    if (role != Role.LEADER || target == self || !voter[target]) {
      return false;
    }
    transferee = target;
    transferDeadline = now + timing.electionMax();
    if (match[target] == log.lastIndex()) {
      out.send(new TimeoutNow(self, target, disk.term));
    } else {
      sendAppend(target);
    }
    return true;
  }

  /** Acts on whatever deadlines have passed. */
  public void tick(long now) {
    if (role != Role.LEADER) {
      if (voter[self] && now >= electionDeadline) {
        if (role == Role.FOLLOWER && now - lastHeard < electionTimeout) {
          sleepAgain(now);
        } else {
          startPreVote(now);
        }
      }
      return;
    }
    if (now >= quorumCheckDue) {
      if (recentVoters(now - timing.electionMax()) < majority()) {
        becomeFollower(disk.term, NONE, now);
        return;
      }
      quorumCheckDue = now + timing.electionMax();
    }
    if (now >= transferDeadline) {
      transferee = NONE;
      transferDeadline = NEVER;
    }
    if (now >= heartbeatDue) {
      heartbeatDue = now + timing.heartbeat();
      flushDue = NEVER;
      for (int p = 0; p < members; p++) {
        if (p != self) {
          sendAppend(p);
        }
      }
    } else if (now >= flushDue) {
      flushDue = NEVER;
      for (int p = 0; p < members; p++) {
        if (p != self && !inflight[p] && next[p] <= log.lastIndex()) {
          sendAppend(p);
        }
      }
    }
  }

  /** Handles one message from another member of the group. */
  public void handle(RaftMessage m, long now) {
    if (m.term() > disk.term) {
      if (m instanceof VoteRequest v) {
        if (!v.transfer() && leader != NONE && now - leaderContact < timing.electionMin()) {
          // A leader was heard from recently: a disruptive candidate must not depose it.
          return;
        }
        if (!v.preVote()) {
          becomeFollower(m.term(), NONE, now);
        }
      } else if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
        // Granted pre-votes carry the term asked about; the term moves only if we campaign.
      } else {
        boolean fromLeader = m instanceof Append || m instanceof TimeoutNow;
        becomeFollower(m.term(), fromLeader ? m.from() : NONE, now);
      }
    } else if (m.term() < disk.term) {
      if (m instanceof Append) {
        // Tell a stale leader about the newer term so it steps down.
        out.send(new AppendResponse(self, m.from(), disk.term, false, 0, log.lastIndex()));
      } else if (m instanceof VoteRequest v && v.preVote()) {
        out.send(new VoteResponse(self, m.from(), disk.term, false, true));
      }
      return;
    }
    if (m instanceof VoteRequest v) {
      onVoteRequest(v, now);
    } else if (m instanceof VoteResponse r) {
      onVoteResponse(r, now);
    } else if (m instanceof Append a) {
      onAppend(a, now);
    } else if (m instanceof AppendResponse r) {
      onAppendResponse(r, now);
    } else if (m instanceof TimeoutNow && voter[self] && role != Role.LEADER) {
      campaign(now, true);
    }
  }

  // ---- Rules, overridable to build broken variants in tests ----------------------------

  /** Whether this node may give its vote in the current term to {@code candidate}. */
  protected boolean mayVoteFor(int candidate) {
    return disk.votedFor == candidate || (disk.votedFor == NONE && leader == NONE);
  }

  /** Whether the local log holds an entry at {@code prevIndex} with {@code prevTerm}. */
  protected boolean logMatches(long prevIndex, long prevTerm) {
    return prevIndex <= log.lastIndex() && log.term(prevIndex) == prevTerm;
  }

  /** How many voters must hold an entry of the current term before it commits. */
  protected int commitQuorum() {
    return majority();
  }

  /**
   * This node's wall clock in milliseconds at virtual time {@code now}: a leader stamps its
   * entries with it. Perfect unless a test says otherwise.
   */
  public long clockMillis(long now) {
    return now / 1000;
  }

  /**
   * This node's monotonic clock in milliseconds at virtual time {@code now}: a leader measures
   * lease TTLs on it. Perfect unless a test says otherwise.
   */
  public long monotonicMillis(long now) {
    return now / 1000;
  }

  // ---- Elections ----------------------------------------------------------------------

  private void startPreVote(long now) {
    role = Role.PRE_CANDIDATE;
    leader = NONE;
    resetElectionDeadline(now);
    clearVotes();
    recordVote(self);
    if (voteCount >= majority()) {
      campaign(now, false);
      return;
    }
    broadcastVoteRequest(disk.term + 1, true, false);
  }

  private void campaign(long now, boolean transfer) {
    disk.term++;
    disk.votedFor = self;
    role = Role.CANDIDATE;
    leader = NONE;
    resetElectionDeadline(now);
    clearVotes();
    recordVote(self);
    if (voteCount >= majority()) {
      becomeLeader(now);
      return;
    }
    broadcastVoteRequest(disk.term, false, transfer);
  }

  private void broadcastVoteRequest(long term, boolean preVote, boolean transfer) {
    for (int p = 0; p < members; p++) {
      if (p != self && voter[p]) {
        out.send(new VoteRequest(self, p, term, log.lastIndex(), log.lastTerm(), preVote,
            transfer));
      }
    }
  }

  private void onVoteRequest(VoteRequest v, long now) {
    if (!voter[self]) {
      return;
    }
    boolean upToDate = v.lastTerm() > log.lastTerm()
        || (v.lastTerm() == log.lastTerm() && v.lastIndex() >= log.lastIndex());
    if (v.preVote()) {
      boolean grant = upToDate && (v.term() > disk.term || mayVoteFor(v.from()));
      out.send(new VoteResponse(self, v.from(), grant ? v.term() : disk.term, grant, true));
      return;
    }
    boolean grant = upToDate && mayVoteFor(v.from());
    if (grant) {
      disk.votedFor = v.from();
      heard(now);
    }
    out.send(new VoteResponse(self, v.from(), disk.term, grant, false));
  }

  private void onVoteResponse(VoteResponse r, long now) {
    if (!r.granted()) {
      return;
    }
    if (r.preVote() && role == Role.PRE_CANDIDATE && r.term() == disk.term + 1) {
      recordVote(r.from());
      if (voteCount >= majority()) {
        campaign(now, false);
      }
    } else if (!r.preVote() && role == Role.CANDIDATE && r.term() == disk.term) {
      recordVote(r.from());
      if (voteCount >= majority()) {
        becomeLeader(now);
      }
    }
  }

  private void becomeLeader(long now) {
    role = Role.LEADER;
    leader = self;
    electionDeadline = NEVER;
    transferee = NONE;
    transferDeadline = NEVER;
    for (int p = 0; p < members; p++) {
      next[p] = log.lastIndex() + 1;
      match[p] = 0;
      lastAck[p] = now;
      inflight[p] = false;
    }
    out.electedLeader(disk.term);
    // A no-op of the new term lets earlier entries commit without waiting for a client.
    appendLocal(new LogEntry(entryIds.getAsLong(), disk.term, clockMillis(now), null), now);
    maybeCommit();
    quorumCheckDue = now + timing.electionMax();
    heartbeatDue = now;
    tick(now);
  }

  private void becomeFollower(long term, int newLeader, long now) {
    if (term > disk.term) {
      disk.term = term;
      disk.votedFor = NONE;
    }
    role = Role.FOLLOWER;
    leader = newLeader;
    if (newLeader != NONE) {
      leaderContact = now;
    }
    heartbeatDue = NEVER;
    flushDue = NEVER;
    quorumCheckDue = NEVER;
    transferee = NONE;
    transferDeadline = NEVER;
    resetElectionDeadline(now);
  }

  // ---- Replication --------------------------------------------------------------------

  private void onAppend(Append a, long now) {
    if (role != Role.FOLLOWER || leader != a.from()) {
      becomeFollower(a.term(), a.from(), now);
    }
    leaderContact = now;
    heard(now);
    if (!logMatches(a.prevIndex(), a.prevTerm())) {
      long hint = Math.min(log.lastIndex(), a.prevIndex() - 1);
      out.send(new AppendResponse(self, a.from(), disk.term, false, 0, hint));
      return;
    }
    long index = a.prevIndex();
    for (LogEntry e : a.entries()) {
      index++;
      if (index <= log.lastIndex()) {
        if (log.term(index) == e.term()) {
          continue;
        }
        log.truncateFrom(index);
        if (log.lastConfigIndex() != configIndex) {
          reconfigure(now);
        }
      }
      appendLocal(e, now);
    }
    long newCommit = Math.min(a.leaderCommit(), index);
    if (newCommit > commitIndex) {
      commitIndex = newCommit;
    }
    out.send(new AppendResponse(self, a.from(), disk.term, true, index, 0));
  }

  private void onAppendResponse(AppendResponse r, long now) {
    if (role != Role.LEADER) {
      return;
    }
    int p = r.from();
    lastAck[p] = now;
    inflight[p] = false;
    if (r.success()) {
      if (r.matchIndex() > match[p]) {
        match[p] = r.matchIndex();
      }
      next[p] = Math.max(next[p], match[p] + 1);
      maybeCommit();
      if (transferee == p && match[p] == log.lastIndex()) {
        out.send(new TimeoutNow(self, p, disk.term));
      } else if (next[p] <= log.lastIndex()) {
        sendAppend(p);
      }
    } else {
      next[p] = Math.max(1, Math.min(next[p] - 1, r.hint() + 1));
      sendAppend(p);
    }
  }

  private void sendAppend(int p) {
    long prev = next[p] - 1;
    LogEntry[] entries = log.slice(next[p], timing.maxBatch());
    out.send(new Append(self, p, disk.term, prev, log.term(prev), entries,
        Math.min(commitIndex, prev + entries.length)));
    inflight[p] = true;
    // Optimistic: the next batch follows on from this one unless the follower refuses it.
    next[p] = prev + entries.length + 1;
  }

  private void maybeCommit() {
    long[] held = new long[voterCount];
    int k = 0;
    for (int p = 0; p < members; p++) {
      if (voter[p]) {
        held[k++] = p == self ? log.lastIndex() : match[p];
      }
    }
    Arrays.sort(held);
    int quorum = Math.min(commitQuorum(), voterCount);
    long n = held[voterCount - quorum];
    // Only entries of the leader's own term commit by counting (Raft section 5.4.2).
    if (n > commitIndex && log.term(n) == disk.term) {
      commitIndex = n;
    }
  }

  private long appendLocal(LogEntry e, long now) {
    long chain = log.append(e);
    if (e.isConfiguration()) {
      reconfigure(now);
    }
    out.appended(log.lastIndex(), e, chain);
    return log.lastIndex();
  }

  /** Follows the last configuration in the log, or the initial one if there is none. */
  private void loadConfiguration() {
    configIndex = log.lastConfigIndex();
    boolean[] v = configIndex == 0 ? initialVoters : log.entry(configIndex).voters();
    System.arraycopy(v, 0, voter, 0, members);
    voterCount = 0;
    for (boolean b : voter) {
      voterCount += b ? 1 : 0;
    }
  }

  /**
   * Switches to the log's last configuration. A member that stops voting stops campaigning; a
   * member that starts voting starts its election timer. A leader never removes itself.
   */
  private void reconfigure(long now) {
    boolean wasVoter = voter[self];
    loadConfiguration();
    if (role == Role.LEADER) {
      maybeCommit();
      return;
    }
    if (wasVoter && !voter[self]) {
      role = Role.FOLLOWER;
      electionDeadline = NEVER;
    } else if (!wasVoter && voter[self]) {
      sleepAgain(now);
    }
  }

  // ---- Helpers ------------------------------------------------------------------------

  private int majority() {
    return voterCount / 2 + 1;
  }

  private int recentVoters(long since) {
    int n = 0;
    for (int p = 0; p < members; p++) {
      if (voter[p] && (p == self || lastAck[p] >= since)) {
        n++;
      }
    }
    return n;
  }

  private void clearVotes() {
    Arrays.fill(votes, false);
    voteCount = 0;
  }

  private void recordVote(int p) {
    if (!votes[p]) {
      votes[p] = true;
      voteCount++;
    }
  }

  /** Starts the election timer afresh: a new role, or a new leader. */
  private void resetElectionDeadline(long now) {
    lastHeard = now;
    if (voter[self]) {
      sleepAgain(now);
    } else {
      electionDeadline = NEVER;
    }
  }

  /**
   * A heartbeat or a granted vote, as Ratis's follower timer takes them: they do not restart
   * the running timeout, they only make the check at its end find the leader alive. So a
   * follower notices a dead leader only at the end of a timeout that started after the last
   * heartbeat, later than a timer reset by every heartbeat would.
   */
  private void heard(long now) {
    lastHeard = now;
    if (voter[self] && electionDeadline == NEVER) {
      sleepAgain(now);
    }
  }

  /** Waits one more randomized election timeout, as Ratis's follower does between checks. */
  private void sleepAgain(long now) {
    electionTimeout = timing.electionMin()
        + random.nextLong(timing.electionMax() - timing.electionMin() + 1);
    electionDeadline = now + electionTimeout;
  }
}
