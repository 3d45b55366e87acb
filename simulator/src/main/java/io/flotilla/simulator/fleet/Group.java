package io.flotilla.simulator.fleet;

import io.flotilla.simulator.raft.RaftTiming;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One Raft group of the fleet: a squad, or the council. Members are numbered in the group
 * from 0; the initial voters come first, then listeners. Who votes may change as the group
 * commits configuration entries; the group knows the last committed one.
 */
public final class Group {
  private final int index;
  private final String name;
  private final boolean council;
  private final RaftTiming timing;
  private final long requestTimeout;
  private final List<Member> members = new ArrayList<>();
  private boolean[] initialVoters = new boolean[0];
  private boolean[] voters = new boolean[0];
  private long configuredAt;

  public Group(int index, String name, boolean council, RaftTiming timing, long requestTimeout) {
    this.index = index;
    this.requestTimeout = requestTimeout;
    this.name = name;
    this.council = council;
    this.timing = timing;
  }

  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  public boolean isCouncil() {
    return council;
  }

  public RaftTiming timing() {
    return timing;
  }

  /** How long a client waits for one attempt of a request, in microseconds. */
  public long requestTimeout() {
    return requestTimeout;
  }

  public List<Member> members() {
    return Collections.unmodifiableList(members);
  }

  public Member member(int position) {
    return members.get(position);
  }

  /** How many members vote in the last committed configuration. */
  public int voterCount() {
    int n = 0;
    for (boolean v : voters) {
      n += v ? 1 : 0;
    }
    return n;
  }

  /** Whether member {@code position} votes in the last committed configuration. */
  public boolean isVoter(int position) {
    return voters[position];
  }

  /** The voters every replica starts from, before any configuration entry; a copy. */
  public boolean[] initialVoters() {
    return initialVoters.clone();
  }

  /** A replica applied the configuration entry at {@code index}: it has committed. */
  void configured(long index, boolean[] committed) {
    if (index > configuredAt) {
      configuredAt = index;
      voters = committed.clone();
    }
  }

  void add(Member m, boolean voter) {
    members.add(m);
    initialVoters = Arrays.copyOf(initialVoters, members.size());
    initialVoters[members.size() - 1] = voter;
    voters = initialVoters.clone();
  }

  /** The member that currently leads with the highest term, if any is up and leading. */
  public Member leader() {
    Member best = null;
    for (Member m : members) {
      if (m.isLeader() && (best == null || m.node().term() > best.node().term())) {
        best = m;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return name;
  }
}
