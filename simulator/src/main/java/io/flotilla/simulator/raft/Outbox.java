package io.flotilla.simulator.raft;

/** Where a {@link RaftNode} puts what it produces; the node itself does no I/O. */
public interface Outbox {
  void send(RaftMessage message);

  /**
   * Called for every entry the node writes to its log, with the chain hash of its log up to
   * and including that entry.
   */
  void appended(long index, LogEntry entry, long chain);

  /**
   * Called when the node wins an election, before it writes anything as leader, so that an
   * observer sees who leads a term before seeing that leader's entries.
   */
  void electedLeader(long term);
}
