package io.flotilla.simulator.raft;

import com.google.protobuf.ByteString;

/**
 * One entry of a replicated log. Immutable, so replicas share the same object.
 *
 * @param id unique across the whole run, so that two different entries are never mistaken for
 *     one another even when a broken protocol gives them the same index and term
 * @param term the proposing leader's term
 * @param leaderTimeMillis the proposing leader's clock when it proposed, in milliseconds
 * @param command the client's command, or null for the no-op a new leader appends
 */
public record LogEntry(long id, long term, long leaderTimeMillis, ByteString command) {
  public boolean isNoOp() {
    return command == null;
  }
}
