package io.flotilla.simulator.invariants;

/** The safety properties checked while a simulation runs. */
public enum Invariant {
  /** At most one leader per term in each group. */
  ONE_LEADER_PER_TERM("at most one leader per term"),
  /**
   * Log matching: entries with the same index and term have identical prefixes, and every
   * replica commits the same entry at each index.
   */
  LOG_MATCHING("log matching"),
  /** A new leader's log holds every entry committed before it was elected. */
  LEADER_COMPLETENESS("leader completeness"),
  /** Replicas that applied the same index have the same state digest. */
  STATE_DIGEST("same state at the same applied index"),
  /** An acknowledged write is in the state of every later leader. */
  ACKNOWLEDGED_WRITES("no acknowledged write lost"),
  /** At most one agent holds each coordinator role at any time. */
  ONE_ROLE_HOLDER("at most one holder of each role"),
  /**
   * A leader proposes a voter change only once the previous one has committed, each changes
   * one member, and none takes a group below its policy's target voters.
   */
  ONE_VOTER_CHANGE_AT_A_TIME("one voter change at a time, never below the target"),
  /** The council applies each squad's forwarded decisions exactly once and in order. */
  DECISIONS_FORWARDED_ONCE("each forwarded decision applied exactly once, none skipped");

  private final String title;

  Invariant(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
