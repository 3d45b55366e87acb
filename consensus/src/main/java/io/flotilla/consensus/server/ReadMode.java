package io.flotilla.consensus.server;

/** How a server makes linearizable reads linearizable. */
public enum ReadMode {
  /** The leader confirms its leadership with a heartbeat round for each batch of reads. */
  READ_INDEX,
  /**
   * The leader answers from its state while its lease from the last heartbeat round holds,
   * saving the round trip; correct while clock drift between members stays well under the
   * election timeout.
   */
  LEADER_LEASE
}
