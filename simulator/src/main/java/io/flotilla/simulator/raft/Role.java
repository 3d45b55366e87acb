package io.flotilla.simulator.raft;

/** What a replica is doing in its group right now. */
public enum Role {
  FOLLOWER,
  /** Asking whether it could win, without disturbing anyone's term. */
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
