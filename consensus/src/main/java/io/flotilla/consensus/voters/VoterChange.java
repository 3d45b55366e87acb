package io.flotilla.consensus.voters;

/**
 * One change to a group's voter set, with the reason it was made. Each is a single Ratis
 * reconfiguration (joint consensus), except {@link Kind#HAND_OFF}, which moves leadership so
 * that the next leader can demote the current one.
 *
 * @param kind what changes
 * @param in the listener that becomes a voter (PROMOTE, SWAP), else null
 * @param out the voter that becomes a listener (DEMOTE, SWAP), or the leader that hands off
 *     (HAND_OFF, with {@code in} naming who takes over), else null
 * @param reason why, in words an operator reads ("drone-4: battery 12% < 20%")
 */
public record VoterChange(Kind kind, String in, String out, String reason) {

  /** What a change does. */
  public enum Kind {
    /** A listener becomes a voter: the group has fewer voters than its target. */
    PROMOTE,
    /** A voter becomes a listener: the group has more voters than its target. */
    DEMOTE,
    /** An unhealthy voter becomes a listener and the healthiest listener a voter, at once. */
    SWAP,
    /** The leader is the unhealthy voter: it hands leadership to {@code in} first. */
    HAND_OFF
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PROMOTE -> "promote " + in + ": " + reason;
      case DEMOTE -> "demote " + out + ": " + reason;
      case SWAP -> "swap " + out + " for " + in + ": " + reason;
      case HAND_OFF -> "hand leadership from " + out + " to " + in + ": " + reason;
    };
  }
}
