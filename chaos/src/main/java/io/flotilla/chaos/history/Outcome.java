package io.flotilla.chaos.history;

/** How an operation ended, as far as the history knows. */
public enum Outcome {
  /** It took effect, and its result is known. */
  OK,
  /** It certainly did not take effect. */
  FAIL,
  /**
   * Unknown: it may have taken effect at any point after its invocation, or never. Covers
   * {@code info} completions and invocations that never completed.
   */
  INFO
}
