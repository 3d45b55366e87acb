package io.flotilla.chaos.history;

/**
 * An invocation paired with its completion.
 *
 * @param id the operation's position in {@link History#operations()}, in invocation order
 * @param process the process that ran it
 * @param function the operation's name
 * @param key the object it addresses, or {@code null}
 * @param input the value given at invocation
 * @param output the value given at completion; {@code null} when the outcome is {@link
 *     Outcome#INFO}
 * @param outcome how it ended
 * @param invokeTime when it was invoked, in the history's time unit
 * @param completeTime when it completed; {@link #NEVER} when the outcome is {@link Outcome#INFO},
 *     since such an operation stays concurrent with everything after it
 */
public record Operation(
    int id,
    int process,
    String function,
    Object key,
    Object input,
    Object output,
    Outcome outcome,
    long invokeTime,
    long completeTime) {

  /** The completion time of an operation that may still take effect: after everything. */
  public static final long NEVER = Long.MAX_VALUE;

  /** Whether this operation's effect, and so its result, is unknown. */
  public boolean isUnknown() {
    return outcome == Outcome.INFO;
  }
}
