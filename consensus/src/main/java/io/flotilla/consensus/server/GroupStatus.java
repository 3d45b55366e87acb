package io.flotilla.consensus.server;

/**
 * One member's view of a group.
 *
 * @param role LEADER, FOLLOWER, CANDIDATE or LISTENER
 * @param leaderId the leader this member follows, or empty when it knows none
 * @param leaderReady for a leader: it has committed an entry of its term and serves requests
 */
public record GroupStatus(
    String group,
    String memberId,
    String role,
    long term,
    String leaderId,
    boolean leaderReady,
    long commitIndex,
    long appliedIndex) {

  public boolean isLeader() {
    return "LEADER".equals(role);
  }
}
