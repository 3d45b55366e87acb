package io.flotilla.simulator.raft;

import io.flotilla.simulator.kernel.TraceHash;

/**
 * A message between replicas of one group. {@code from} and {@code to} are member positions in
 * the group, not agent ids.
 */
public sealed interface RaftMessage {
  int from();

  int to();

  long term();

  /** A 64-bit summary for the run's trace hash. */
  long fingerprint();

  /** A vote or pre-vote request. A pre-vote asks about {@code term} without adopting it. */
  record VoteRequest(int from, int to, long term, long lastIndex, long lastTerm, boolean preVote,
      boolean transfer) implements RaftMessage {
    public long fingerprint() {
      return TraceHash.mix(TraceHash.mix(preVote ? 11 : 12, from * 65536L + to), term);
    }
  }

  record VoteResponse(int from, int to, long term, boolean granted, boolean preVote)
      implements RaftMessage {
    public long fingerprint() {
      return TraceHash.mix(TraceHash.mix(granted ? 13 : 14, from * 65536L + to), term);
    }
  }

  /** Entries after {@code prevIndex}; an empty one is a heartbeat. */
  record Append(int from, int to, long term, long prevIndex, long prevTerm, LogEntry[] entries,
      long leaderCommit) implements RaftMessage {
    public long fingerprint() {
      return TraceHash.mix(TraceHash.mix(TraceHash.mix(15, from * 65536L + to), term),
          prevIndex * 1024 + entries.length + leaderCommit * 31);
    }

    @Override
    public String toString() {
      return "Append[" + from + "->" + to + " term=" + term + " prev=" + prevIndex + "/"
          + prevTerm + " entries=" + entries.length + " commit=" + leaderCommit + "]";
    }
  }

  /**
   * The answer to an {@link Append}: on success {@code matchIndex} is the last index known to
   * match the leader; on failure {@code hint} is where the leader should look next.
   */
  record AppendResponse(int from, int to, long term, boolean success, long matchIndex, long hint)
      implements RaftMessage {
    public long fingerprint() {
      return TraceHash.mix(TraceHash.mix(success ? 16 : 17, from * 65536L + to),
          term * 31 + matchIndex * 7 + hint);
    }
  }

  /** Tells the target of a leadership transfer to start an election at once. */
  record TimeoutNow(int from, int to, long term) implements RaftMessage {
    public long fingerprint() {
      return TraceHash.mix(TraceHash.mix(18, from * 65536L + to), term);
    }
  }
}
