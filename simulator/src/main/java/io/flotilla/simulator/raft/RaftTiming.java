package io.flotilla.simulator.raft;

/**
 * The timing of one group, in microseconds of virtual time.
 *
 * @param electionMin lower bound of the randomized election timeout
 * @param electionMax upper bound of the randomized election timeout
 * @param heartbeat interval between a leader's appends to each member, at most
 * @param batchDelay how long a leader gathers proposals before sending them
 * @param maxBatch most entries in one append message
 */
public record RaftTiming(long electionMin, long electionMax, long heartbeat, long batchDelay,
    int maxBatch) {
  public RaftTiming {
    if (electionMin <= 0 || electionMax < electionMin) {
      throw new IllegalArgumentException("election timeout needs 0 < min <= max");
    }
    if (heartbeat <= 0 || heartbeat >= electionMin) {
      throw new IllegalArgumentException("heartbeat must be shorter than the election timeout");
    }
    if (batchDelay < 0 || maxBatch < 1) {
      throw new IllegalArgumentException("batch delay must be >= 0 and max batch >= 1");
    }
  }

  /** Timing as Flotilla configures Ratis: heartbeats at half the minimum election timeout. */
  public static RaftTiming of(long electionMin, long electionMax, long batchDelay) {
    return new RaftTiming(electionMin, electionMax, electionMin / 2, batchDelay, 64);
  }
}
