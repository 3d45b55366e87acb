package io.flotilla.consensus.client;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.identity.ProposalSigner;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.SessionCommand;
import io.flotilla.consensus.ratis.RatisBytes;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Puts a client's commands on its ordered window, each numbered in the client's session and,
 * when the client has a signer, signed.
 *
 * <p>The number makes a command apply at most once: the group answers a number it has already
 * applied with the reply it gave then ({@code SessionCommand}). That is what lets a command be
 * sent again on a renewed Ratis client, which Ratis's retry cache does not know, though Ratis may
 * have failed it after it was committed. Each command also says the lowest number this client
 * still waits for; the group forgets the replies below it, and refuses a copy of one of them
 * that arrives late.
 *
 * <p>The group accepts an agent's signed proposals only in increasing signature sequence, and
 * Ratis applies one window's requests in the order they entered it; so a command is signed and
 * handed to the window under one lock, and its sequence is taken at that moment. A command sent
 * again on a renewed client is signed again with a new sequence, under the same session number.
 */
final class Proposer {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RenewingRaftClient raft;
  private final ProposalSigner signer;
  private final ByteString session;
  /** Numbers of the commands sent and not yet answered or given up by Ratis. */
  private final ConcurrentSkipListSet<Long> open = new ConcurrentSkipListSet<>();
  private long lastNumber;

  /** @param signer null for unsigned proposals */
  Proposer(RenewingRaftClient raft, ProposalSigner signer) {
    this.raft = raft;
    this.signer = signer;
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    this.session = ByteString.copyFrom(id);
  }

  CompletableFuture<RaftClientReply> propose(Command command) {
    if (command.hasSigned()) {
      // Signed elsewhere: a number added here would fall outside the signature. Its signature's
      // sequence already makes every copy after the first a refused replay.
      return send(command);
    }
    long number;
    synchronized (open) {
      number = ++lastNumber;
      open.add(number);
    }
    CompletableFuture<RaftClientReply> sent = send(Command.newBuilder().setSession(
        SessionCommand.newBuilder()
            .setSession(session)
            .setSequence(number)
            .setFirstOpen(open.first())
            .setCommand(command.toByteString())).build());
    sent.whenComplete((reply, error) -> open.remove(number));
    return sent;
  }

  private CompletableFuture<RaftClientReply> send(Command command) {
    return raft.send(api -> {
      synchronized (this) {
        return api.send(RatisBytes.message(
            (signer == null ? command : signer.sign(command)).toByteString()));
      }
    });
  }
}
