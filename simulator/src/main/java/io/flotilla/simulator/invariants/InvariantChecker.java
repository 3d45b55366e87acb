package io.flotilla.simulator.invariants;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.simulator.fleet.FleetObserver;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.raft.LogEntry;
import io.flotilla.simulator.raft.RaftLog;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@link Invariant}s at every step of a run and throws {@link InvariantViolation}
 * at the first breach.
 *
 * <p>Memory stays bounded by the length of the committed log: log matching uses the chain hash
 * each replica keeps per entry (so prefixes compare in O(1)), a per-group canonical committed
 * chain, and a fixed ring of recently appended (index, term, chain); state digests are sampled
 * every {@code digestEvery} indexes; the last {@value #ACKS_KEPT} acknowledged writes of each
 * group are re-checked on every new leader.
 */
public final class InvariantChecker implements FleetObserver {
  static final int ACKS_KEPT = 256;
  private static final int RING = 1 << 12;

  private final Kernel kernel;
  private final Set<Invariant> enabled;
  private final int digestEvery;
  private final GroupState[] groups;
  private final int[] voterFloors;
  private final Map<String, Holder> holders = new HashMap<>();
  private final Map<Member, Long> awaitingCatchUp = new HashMap<>();

  private record Ack(String key, String value, long revision) {}

  private record Holder(String agent, long validUntil) {}

  private static final class GroupState {
    final Map<Long, Member> leaderOfTerm = new HashMap<>();
    long[] canonChain = new long[1024];
    long[] canonTerm = new long[1024];
    int committed;
    final long[] ringIndex = new long[RING];
    final long[] ringTerm = new long[RING];
    final long[] ringChain = new long[RING];
    final Map<Long, ByteString> digests = new HashMap<>();
    final ArrayDeque<Ack> acks = new ArrayDeque<>();
  }

  /** @param voterFloors the fewest voters each group's policy allows, by group index */
  public InvariantChecker(Kernel kernel, int groups, Set<Invariant> enabled, int digestEvery,
      int[] voterFloors) {
    this.kernel = kernel;
    this.voterFloors = voterFloors.clone();
    this.enabled = enabled.isEmpty() ? EnumSet.noneOf(Invariant.class) : EnumSet.copyOf(enabled);
    this.digestEvery = digestEvery;
    this.groups = new GroupState[groups];
    for (int i = 0; i < groups; i++) {
      this.groups[i] = new GroupState();
    }
  }

  private boolean on(Invariant i) {
    return enabled.contains(i);
  }

  @Override
  public void becameLeader(Member m) {
    GroupState g = groups[m.group().index()];
    long term = m.node().term();
    if (on(Invariant.ONE_LEADER_PER_TERM)) {
      Member other = g.leaderOfTerm.putIfAbsent(term, m);
      if (other != null && other != m) {
        throw new InvariantViolation(Invariant.ONE_LEADER_PER_TERM, m.group() + " has two"
            + " leaders in term " + term + ": " + other.agent().name() + " and "
            + m.agent().name());
      }
    }
    if (on(Invariant.LEADER_COMPLETENESS)) {
      RaftLog log = m.node().log();
      int c = g.committed;
      if (log.lastIndex() < c || log.chain(c) != g.canonChain[c]) {
        throw new InvariantViolation(Invariant.LEADER_COMPLETENESS, m.agent().name()
            + " became leader of " + m.group() + " in term " + term + " without entry " + c
            + " (term " + g.canonTerm[c] + "), committed before its election");
      }
    }
    if (on(Invariant.ACKNOWLEDGED_WRITES)) {
      awaitingCatchUp.put(m, term);
      checkAcks(m);
    }
  }

  @Override
  public void lostLeadership(Member m) {
    awaitingCatchUp.remove(m);
  }

  @Override
  public void appended(Member m, long index, LogEntry entry, long chain) {
    if (entry.isConfiguration() && on(Invariant.ONE_VOTER_CHANGE_AT_A_TIME) && m.isLeader()
        && entry.term() == m.node().term()) {
      checkVoterChange(m, index, entry);
    }
    if (!on(Invariant.LOG_MATCHING)) {
      return;
    }
    GroupState g = groups[m.group().index()];
    if (index <= g.committed && entry.term() == g.canonTerm[(int) index]
        && chain != g.canonChain[(int) index]) {
      throw logMismatch(m, index, entry.term(), "the committed log");
    }
    int slot = (int) (index & (RING - 1));
    if (g.ringIndex[slot] == index && g.ringTerm[slot] == entry.term()) {
      if (g.ringChain[slot] != chain) {
        throw logMismatch(m, index, entry.term(), "another replica's log");
      }
    } else if (g.ringIndex[slot] < index || g.ringTerm[slot] < entry.term()) {
      g.ringIndex[slot] = index;
      g.ringTerm[slot] = entry.term();
      g.ringChain[slot] = chain;
    }
  }

  /** A leader's new configuration: the previous one committed, one member moved, a floor kept. */
  private void checkVoterChange(Member m, long index, LogEntry entry) {
    GroupState g = groups[m.group().index()];
    RaftLog log = m.node().log();
    long previous = log.configIndexBefore(index);
    if (previous > g.committed) {
      throw new InvariantViolation(Invariant.ONE_VOTER_CHANGE_AT_A_TIME, m.agent().name()
          + " proposed a voter change in " + m.group() + " at index " + index + " while the one"
          + " at index " + previous + " had not committed");
    }
    boolean[] before = previous == 0 ? m.group().initialVoters() : log.entry(previous).voters();
    int moved = 0;
    int was = 0;
    int now = 0;
    for (int p = 0; p < before.length; p++) {
      moved += before[p] != entry.voters()[p] ? 1 : 0;
      was += before[p] ? 1 : 0;
      now += entry.voters()[p] ? 1 : 0;
    }
    int floor = voterFloors[m.group().index()];
    if (moved != 1 || (now < was && now < floor)) {
      throw new InvariantViolation(Invariant.ONE_VOTER_CHANGE_AT_A_TIME, m.agent().name()
          + " proposed voters changing " + moved + " members, " + was + " to " + now + " in "
          + m.group() + " (target " + floor + ")");
    }
  }

  private InvariantViolation logMismatch(Member m, long index, long term, String other) {
    return new InvariantViolation(Invariant.LOG_MATCHING, m.agent().name() + " in "
        + m.group() + " holds an entry at index " + index + " term " + term
        + " whose log prefix differs from " + other);
  }

  @Override
  public void committed(Member m, long from, long to) {
    if (!on(Invariant.LOG_MATCHING) && !on(Invariant.LEADER_COMPLETENESS)) {
      return;
    }
    GroupState g = groups[m.group().index()];
    RaftLog log = m.node().log();
    for (long i = from + 1; i <= to; i++) {
      long chain = log.chain(i);
      if (i <= g.committed) {
        if (g.canonChain[(int) i] != chain && on(Invariant.LOG_MATCHING)) {
          throw new InvariantViolation(Invariant.LOG_MATCHING, m.agent().name() + " in "
              + m.group() + " committed a different entry at index " + i + " than others did");
        }
      } else {
        if (i >= g.canonChain.length) {
          g.canonChain = Arrays.copyOf(g.canonChain, g.canonChain.length * 2);
          g.canonTerm = Arrays.copyOf(g.canonTerm, g.canonTerm.length * 2);
        }
        g.canonChain[(int) i] = chain;
        g.canonTerm[(int) i] = log.term(i);
        g.committed = (int) i;
      }
    }
  }

  @Override
  public void applied(Member m, long index, LogEntry entry) {
    if (on(Invariant.STATE_DIGEST) && index % digestEvery == 0) {
      GroupState g = groups[m.group().index()];
      ByteString digest = m.state().digest().getSha256();
      ByteString first = g.digests.putIfAbsent(index, digest);
      if (first != null && !first.equals(digest)) {
        throw new InvariantViolation(Invariant.STATE_DIGEST, m.agent().name() + " in "
            + m.group() + " has a different state than another replica after applying index "
            + index);
      }
    }
    if (!awaitingCatchUp.isEmpty() && awaitingCatchUp.containsKey(m)) {
      checkAcks(m);
    }
  }

  @Override
  public void acknowledged(Group group, String key, String value, long revision) {
    if (!on(Invariant.ACKNOWLEDGED_WRITES)) {
      return;
    }
    ArrayDeque<Ack> acks = groups[group.index()].acks;
    if (acks.size() == ACKS_KEPT) {
      acks.removeFirst();
    }
    acks.addLast(new Ack(key, value, revision));
  }

  /**
   * Once a new leader has applied everything any replica has seen committed, every
   * acknowledged write must show in its state.
   */
  private void checkAcks(Member m) {
    long term = awaitingCatchUp.get(m);
    if (m.node().term() != term) {
      awaitingCatchUp.remove(m);
      return;
    }
    if (m.applied() < groups[m.group().index()].committed) {
      return;
    }
    awaitingCatchUp.remove(m);
    for (Ack a : groups[m.group().index()].acks) {
      KeyValue kv = lookup(m, a.key);
      if (kv == null || !kv.getValue().toStringUtf8().equals(a.value)
          || kv.getCreateRevision() != a.revision) {
        throw new InvariantViolation(Invariant.ACKNOWLEDGED_WRITES, "new leader "
            + m.agent().name() + " of " + m.group() + " (term " + term + ") lacks the"
            + " acknowledged write " + a.key + "=" + a.value + " at revision " + a.revision
            + (kv == null ? "" : "; it has " + kv.getValue().toStringUtf8() + " at revision "
            + kv.getCreateRevision()));
      }
    }
  }

  private static KeyValue lookup(Member m, String key) {
    ByteString query = Query.newBuilder().setRange(
        RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))).build().toByteString();
    try {
      List<KeyValue> kvs = QueryReply.parseFrom(m.state().query(query).join())
          .getRange().getKvsList();
      return kvs.isEmpty() ? null : kvs.get(0);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the state machine wrote a malformed reply", e);
    }
  }

  @Override
  public void roleHeld(String role, String agent, long validUntil) {
    if (!on(Invariant.ONE_ROLE_HOLDER)) {
      return;
    }
    long now = kernel.now();
    Holder h = holders.get(role);
    if (h != null && !h.agent.equals(agent) && h.validUntil > now) {
      throw new InvariantViolation(Invariant.ONE_ROLE_HOLDER, agent + " and " + h.agent
          + " both hold " + role);
    }
    holders.put(role, new Holder(agent, validUntil));
  }

  @Override
  public void roleReleased(String role, String agent) {
    Holder h = holders.get(role);
    if (h != null && h.agent.equals(agent)) {
      holders.remove(role);
    }
  }
}
