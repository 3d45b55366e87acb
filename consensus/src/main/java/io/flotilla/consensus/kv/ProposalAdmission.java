package io.flotilla.consensus.kv;

import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.kv.IdentityRegistry.Rejection;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.SignedCommand;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import java.security.PublicKey;
import java.util.UUID;

/**
 * Decides, when a committed proposal applies, whether its proposer may make it: from the
 * identity registry, the signature and the group's rules only, so every replica decides alike.
 *
 * <ul>
 *   <li>A signed proposal applies only if its agent is enrolled, its signature verifies with the
 *       agent's key for this group, and its sequence is above the agent's last accepted one;
 *       that sequence is then recorded. While no agent is enrolled, an agent may enroll itself
 *       with a proposal signed by the key it enrolls (proof that it holds the key).
 *   <li>An unsigned enroll or revoke applies only while no agent is enrolled (the bootstrap).
 *   <li>Where the group's rules require signatures, no other unsigned proposal applies, except
 *       a lease expiry or the group's rules: the leader proposes those itself, and refuses them
 *       from anyone else before they enter the log ({@code ReplicatedStateMachine#validate}).
 * </ul>
 *
 * <p>A refusal is a {@code PERMISSION_DENIED} error with a one-line reason; it changes nothing
 * but the registry's count of refusals for that reason.
 */
final class ProposalAdmission {
  static final String UNSIGNED_REFUSED =
      "unsigned proposal refused: this group requires signed proposals";

  private final UUID group;

  ProposalAdmission(UUID group) {
    this.group = group;
  }

  /**
   * Null when {@code signed}, which carries {@code inner}, may apply (its sequence is then
   * recorded); otherwise the counted refusal.
   */
  Error admitSigned(SignedCommand signed, Command inner, IdentityRegistry registry) {
    String agent = signed.getAgent();
    PublicKey key = registry.key(agent);
    if (key == null && registry.noneEnrolled() && enrollsItself(agent, inner)) {
      key = ProposalSignature.publicKey(inner.getEnroll().getPublicKey());
    }
    if (key == null) {
      return refuse(registry, Rejection.UNENROLLED,
          "proposal from " + agent + " refused: " + agent + " is not enrolled");
    }
    if (!ProposalSignature.verifies(group, signed, key)) {
      return refuse(registry, Rejection.FORGED,
          "proposal from " + agent + " is signed with a key that is not " + agent + "'s");
    }
    if (!registry.isFresh(agent, signed.getSequence())) {
      return refuse(registry, Rejection.REPLAYED, "proposal from " + agent
          + " replays sequence " + Long.toUnsignedString(signed.getSequence()));
    }
    registry.accept(agent, signed.getSequence());
    return null;
  }

  private static boolean enrollsItself(String agent, Command inner) {
    return inner.getOpCase() == Command.OpCase.ENROLL
        && inner.getEnroll().getAgent().equals(agent);
  }

  /**
   * Whether a proposal, as a client sends it, is one that rules requiring signatures refuse
   * unsigned: not signed, and neither a leader's own duty nor an enroll or revoke (whose
   * unsigned form the bootstrap rule decides).
   */
  static boolean needsSignature(Command command) throws InvalidCommandException {
    Command inner = command.hasSession() ? CommandValidator.unwrap(command.getSession()) : command;
    return switch (inner.getOpCase()) {
      case SIGNED, LEASE_EXPIRE, SET_RULES, ENROLL, REVOKE -> false;
      default -> true;
    };
  }

  /**
   * Null when an unsigned {@code command} may apply under rules that do or do not
   * {@code requireSignatures}; otherwise the counted refusal.
   */
  Error admitUnsigned(Command command, IdentityRegistry registry, boolean requireSignatures) {
    return switch (command.getOpCase()) {
      case LEASE_EXPIRE, SET_RULES -> null;
      case ENROLL, REVOKE -> registry.noneEnrolled() ? null : refuse(registry, Rejection.UNSIGNED,
          "unsigned " + (command.hasEnroll() ? "enroll" : "revoke") + " refused: once an agent is "
              + "enrolled, only a proposal signed by an enrolled agent may enroll or revoke");
      default -> requireSignatures ? refuse(registry, Rejection.UNSIGNED, UNSIGNED_REFUSED) : null;
    };
  }

  private static Error refuse(IdentityRegistry registry, Rejection reason, String message) {
    registry.reject(reason);
    return Error.newBuilder().setCode(Error.Code.PERMISSION_DENIED).setMessage(message).build();
  }
}
