package io.flotilla.simulator.fleet;

import io.flotilla.simulator.raft.RaftTiming;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One Raft group of the fleet: a squad, or the council. Members are numbered in the group
 * from 0; voters come first, then listeners.
 */
public final class Group {
  private final int index;
  private final String name;
  private final boolean council;
  private final RaftTiming timing;
  private final long requestTimeout;
  private final List<Member> members = new ArrayList<>();
  private boolean[] voters = new boolean[0];

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

  public int voterCount() {
    int n = 0;
    for (boolean v : voters) {
      n += v ? 1 : 0;
    }
    return n;
  }

  boolean[] voters() {
    return voters;
  }

  void add(Member m) {
    members.add(m);
    voters = java.util.Arrays.copyOf(voters, members.size());
    voters[members.size() - 1] = m.isVoter();
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
