package io.flotilla.consensus.client;

import io.flotilla.consensus.identity.ProposalSigner;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.ratis.RatisBytes;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Puts a client's commands on its ordered window, each signed when the client has a signer.
 *
 * <p>The group accepts an agent's signed proposals only in increasing sequence, and Ratis applies
 * one window's requests in the order they entered it; so a command is signed and handed to the
 * window under one lock, and its sequence is taken at that moment. A command that is sent again
 * as a new request (on a renewed client, or alone after the leader refused its batch) is signed
 * again with a new sequence; Ratis's own retries of one request resend it unchanged, and the
 * group answers those from its retry cache.
 */
final class Proposer {
  private final RenewingRaftClient raft;
  private final ProposalSigner signer;

  /** @param signer null for unsigned proposals */
  Proposer(RenewingRaftClient raft, ProposalSigner signer) {
    this.raft = raft;
    this.signer = signer;
  }

  CompletableFuture<RaftClientReply> propose(Command command) {
    return raft.send(api -> {
      synchronized (this) {
        return api.send(RatisBytes.message(
            (signer == null ? command : signer.sign(command)).toByteString()));
      }
    });
  }
}
