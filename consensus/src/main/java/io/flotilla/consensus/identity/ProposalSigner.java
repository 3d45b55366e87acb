package io.flotilla.consensus.identity;

import io.flotilla.consensus.proto.Command;
import java.security.PrivateKey;
import java.util.UUID;

/**
 * One agent's signing of the commands it proposes to one group: each becomes a
 * {@link io.flotilla.consensus.proto.SignedCommand} with a fresh sequence.
 *
 * <p>Sequences strictly increase over the signer's life and, without any storage, across
 * restarts of the agent: each is {@code max(previous + 1, wall clock in microseconds)}. A
 * restarted agent's proposals are refused as replays only if its clock went back by more than
 * the time the restart took. The group applies an agent's proposals only in increasing sequence,
 * so callers must put signed commands on the wire in the order this signer numbered them.
 */
public final class ProposalSigner {
  private final UUID group;
  private final String agent;
  private final PrivateKey key;
  private long last;

  /** @throws IllegalArgumentException unless {@code key} is an Ed25519 private key */
  public ProposalSigner(UUID group, String agent, PrivateKey key) {
    this.group = group;
    this.agent = agent;
    this.key = ProposalSignature.requirePrivateKey(key);
  }

  public String agent() {
    return agent;
  }

  /** {@code command} signed with the next sequence. */
  public synchronized Command sign(Command command) {
    last = Math.max(last + 1, System.currentTimeMillis() * 1000);
    return Command.newBuilder()
        .setSigned(ProposalSignature.sign(group, agent, last, command.toByteString(), key))
        .build();
  }
}
