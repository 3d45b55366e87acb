package io.flotilla.consensus.client;

/** How fresh a read must be; chosen per call. */
public sealed interface ReadConsistency {

  /**
   * Reflects every write acknowledged before the read began. The leader confirms it still
   * leads (ReadIndex), or relies on its lease when the server runs with leader-lease reads.
   */
  ReadConsistency LINEARIZABLE = new Linearizable();

  /**
   * Answered by whichever server believes it leads, from its applied state, with no round of
   * confirmation: as fast as a read can be while still going through the leader, but during a
   * leader change a deposed leader may answer with stale data.
   */
  ReadConsistency LEADER_LOCAL = new LeaderLocal();

  /**
   * Answered by a chosen server from its own state once it has applied at least
   * {@code minIndex}; works on a follower or listener cut off from the leader.
   */
  static ReadConsistency stale(String serverId, long minIndex) {
    return new Stale(serverId, minIndex);
  }

  record Linearizable() implements ReadConsistency {}

  record LeaderLocal() implements ReadConsistency {}

  record Stale(String serverId, long minIndex) implements ReadConsistency {}
}
