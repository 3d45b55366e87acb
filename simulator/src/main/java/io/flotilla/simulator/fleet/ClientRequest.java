package io.flotilla.simulator.fleet;

import com.google.protobuf.ByteString;

/**
 * A client's request to the member it believes leads the group: a command to propose, or a
 * query ({@code read}) to answer from the leader's state under its lease. The reply goes back
 * to {@code session}.
 */
public record ClientRequest(ClientSession session, long id, int attempt, long sentAt,
    boolean read, ByteString payload) {}
