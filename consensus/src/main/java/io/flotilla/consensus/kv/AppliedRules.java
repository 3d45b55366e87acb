package io.flotilla.consensus.kv;

import io.flotilla.consensus.proto.GroupRules;
import io.flotilla.consensus.statemachine.InvalidCommandException;

/**
 * The rules a group applies commands by, as the log last set them, and the validator they make.
 * Replicated state: it changes only when a {@code set_rules} entry applies or a snapshot is
 * restored, never with a member's own config.
 */
final class AppliedRules {
  /** What a group applies by before its first {@code set_rules}. */
  static final GroupRules DEFAULT = Limits.DEFAULT.rules(false);

  private final Limits member;
  private volatile GroupRules rules;
  private volatile CommandValidator validator;

  /** @param member this member's limits; only its watch history is used */
  AppliedRules(Limits member) {
    this.member = member;
    this.rules = DEFAULT;
    this.validator = new CommandValidator(member.withRules(DEFAULT));
  }

  GroupRules rules() {
    return rules;
  }

  CommandValidator validator() {
    return validator;
  }

  boolean requireSignatures() {
    return rules.getRequireSignatures();
  }

  /** Replaces the rules; refuses, changing nothing, rules out of range. */
  void set(GroupRules next) throws InvalidCommandException {
    Limits limits;
    try {
      limits = member.withRules(next);
    } catch (IllegalArgumentException e) {
      throw new InvalidCommandException("group rules refused: " + e.getMessage());
    }
    validator = new CommandValidator(limits);
    rules = next;
  }
}
