package io.flotilla.simulator.raft;

/**
 * What a Raft replica keeps on stable storage: current term, its vote in that term, and its
 * log. It survives a crash; everything else in a {@link RaftNode} is lost.
 */
public final class PersistentState {
  public static final int NONE = -1;

  long term;
  int votedFor = NONE;
  final RaftLog log = new RaftLog();

  public long term() {
    return term;
  }

  public int votedFor() {
    return votedFor;
  }

  public RaftLog log() {
    return log;
  }
}
