package io.flotilla.consensus.server;

import java.util.List;

/**
 * One member's view of a group.
 *
 * @param role LEADER, FOLLOWER, CANDIDATE or LISTENER
 * @param leaderId the leader this member follows, or empty when it knows none
 * @param leaderReady for a leader: it has committed an entry of its term and serves requests
 * @param lastSnapshotIndex the log index of this member's latest snapshot, or -1
 * @param lastSnapshotBytes the size of that snapshot on disk, or 0
 * @param followers as the leader sees them; empty on other members
 */
public record GroupStatus(
    String group,
    String memberId,
    String role,
    long term,
    String leaderId,
    boolean leaderReady,
    long commitIndex,
    long appliedIndex,
    long lastSnapshotIndex,
    long lastSnapshotBytes,
    List<Follower> followers) {

  public GroupStatus {
    followers = List.copyOf(followers);
  }

  public boolean isLeader() {
    return "LEADER".equals(role);
  }

  /**
   * @param matchIndex the last index the leader knows the follower holds
   * @param lastContactMillis since the follower last answered the leader
   */
  public record Follower(String id, long matchIndex, long lastContactMillis) {}
}
