package io.flotilla.consensus.statemachine;

import com.google.protobuf.ByteString;

/**
 * A command committed to the Raft log.
 *
 * @param index the log index, strictly increasing across the entries one replica applies
 * @param term the leader's term when it proposed the entry
 * @param leaderTimeMillis the proposing leader's wall clock when it proposed, in milliseconds
 *     since the epoch; the same on every replica. For diagnosis only: wall clocks step, and
 *     differ between leaders.
 * @param prelude the leader's own command that applies just before {@code command}, in the same
 *     entry (see {@link ReplicatedStateMachine#prelude}); empty when there is none
 * @param command the command as the client sent it
 */
public record CommittedEntry(long index, long term, long leaderTimeMillis, ByteString prelude,
    ByteString command) {

  /** An entry without a prelude. */
  public CommittedEntry(long index, long term, long leaderTimeMillis, ByteString command) {
    this(index, term, leaderTimeMillis, ByteString.EMPTY, command);
  }
}
