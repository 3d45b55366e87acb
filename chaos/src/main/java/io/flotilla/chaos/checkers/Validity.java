package io.flotilla.chaos.checkers;

/** What a history checker concluded. */
public enum Validity {
  /** The property holds. */
  VALID,
  /** The property is violated; the result says how. */
  INVALID,
  /** The history cannot tell, e.g. it has no successful final read. */
  UNKNOWN
}
