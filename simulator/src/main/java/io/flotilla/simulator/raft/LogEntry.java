package io.flotilla.simulator.raft;

import com.google.protobuf.ByteString;

/**
 * One entry of a replicated log. Immutable, so replicas share the same object.
 *
 * @param id unique across the whole run, so that two different entries are never mistaken for
 *     one another even when a broken protocol gives them the same index and term
 * @param term the proposing leader's term
 * @param leaderTimeMillis the proposing leader's clock when it proposed, in milliseconds
 * @param command the client's command, or null for a no-op or a configuration
 * @param voters for a configuration entry, which members vote from it on; else null. Never
 *     written to after the entry is built.
 */
public record LogEntry(long id, long term, long leaderTimeMillis, ByteString command,
    boolean[] voters) {

  /** A command, or (with a null command) the no-op a new leader appends. */
  public LogEntry(long id, long term, long leaderTimeMillis, ByteString command) {
    this(id, term, leaderTimeMillis, command, null);
  }

  public boolean isNoOp() {
    return command == null && voters == null;
  }

  /** Whether the entry changes who votes (it takes effect once appended, as in Raft). */
  public boolean isConfiguration() {
    return voters != null;
  }
}
