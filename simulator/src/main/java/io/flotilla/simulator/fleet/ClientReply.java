package io.flotilla.simulator.fleet;

import com.google.protobuf.ByteString;

/**
 * A leader's answer to a {@link ClientRequest}: the state machine's reply on {@code OK}; on
 * {@code NOT_LEADER} a hint of who leads (member position or -1).
 */
public record ClientReply(long id, int attempt, long sentAt, Status status, int leaderHint,
    ByteString payload) {
  public enum Status { OK, NOT_LEADER, UNAVAILABLE }
}
