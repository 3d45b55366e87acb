package io.flotilla.chaos.linearizability;

/** What a check concluded. Only the first two are answers; {@link #UNKNOWN} is never a guess. */
public enum Verdict {
  /** Some order of the operations respects real time and the model. */
  LINEARIZABLE,
  /** No such order exists; the result carries evidence. */
  NOT_LINEARIZABLE,
  /** The check stopped at its time or memory limit before it could tell. */
  UNKNOWN
}
