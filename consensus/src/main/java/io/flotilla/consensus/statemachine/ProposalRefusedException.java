package io.flotilla.consensus.statemachine;

/**
 * A command refused before the log for who proposes it rather than for what it is: an unsigned
 * proposal to a leader whose config requires signatures. Clients see {@code PERMISSION_DENIED}.
 */
public final class ProposalRefusedException extends InvalidCommandException {
  public ProposalRefusedException(String message) {
    super(message);
  }
}
