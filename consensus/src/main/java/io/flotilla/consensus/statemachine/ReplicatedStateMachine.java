package io.flotilla.consensus.statemachine;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * An application state machine replicated by Raft.
 *
 * <p>Every replica applies the same committed entries in the same order, so {@link #apply} must
 * be a pure function of the current state and the entry: it must not read the wall clock, use
 * unseeded randomness, or depend on anything outside the state machine. Nor should it decide
 * by {@link CommittedEntry#leaderTimeMillis()}: wall clocks step. A decision that needs time is
 * the leader's, measured on its monotonic clock and proposed as a command that names what it
 * measured from (as a lease expiry names the renewal it counted from). The same classes run under Apache Ratis in an agent node and under the
 * swarm simulator's own Raft, so they must not depend on either.
 *
 * <p>{@link #apply} and {@link #writeSnapshot}/{@link #restoreSnapshot} are called from one
 * thread at a time; {@link #query} may be called concurrently with them.
 */
public interface ReplicatedStateMachine {

  /**
   * Checks a command before the leader proposes it, so that a command that can never apply is
   * refused without using a log entry. State-dependent checks belong in {@link #apply}, which
   * must also reject invalid commands by itself: a validated command can still be invalid by
   * the time it commits.
   *
   * @param byLeader the leader proposes the command itself, for a duty of its own (such as
   *     expiring leases), not on a client's behalf
   * @throws InvalidCommandException with a one-line reason when the command is malformed, or
   *     is one that only the leader may propose and {@code byLeader} is false
   */
  default void validate(ByteString command, boolean byLeader) throws InvalidCommandException {}

  /**
   * A command of this member's own that the leader puts ahead of each client command it leads
   * into the log, in the same entry, while that command is due; empty when none is. It is for a
   * group-wide setting the leader would otherwise propose on its own timer: carried this way,
   * no client command reaches the log ahead of it. {@link #apply} applies the prelude first, and
   * the client hears only its own command's reply. The two share the entry's index, so a
   * prelude must change nothing the index numbers.
   *
   * <p>The prelude is chosen when the leader accepts the command, by its applied state then; a
   * leader that lost and won back leadership before appending the command appends the choice
   * of its earlier term.
   */
  default ByteString prelude() {
    return ByteString.EMPTY;
  }

  /** Applies one committed entry and returns the reply for the client that proposed it. */
  ByteString apply(CommittedEntry entry);

  /**
   * Answers a read-only request from the applied state. The future may complete later (for
   * example a watch poll waiting for new events), but must not block the calling thread.
   */
  CompletableFuture<ByteString> query(ByteString request);

  /** Writes the whole applied state; restoring it must give an identical state. */
  void writeSnapshot(OutputStream out) throws IOException;

  /** Replaces the whole state with a snapshot written by {@link #writeSnapshot}. */
  void restoreSnapshot(InputStream in) throws IOException;
}
