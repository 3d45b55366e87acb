package io.flotilla.chaos.checkers;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.Optional;

/**
 * Checks a counter history ({@code add n}, then a final {@code read}): the final read lies between
 * what certainly happened and what possibly happened before it.
 *
 * <p>The final read is the successful read that completed last. An add certainly took effect
 * before it if it was acknowledged before the read was invoked; it possibly did if it was
 * invoked before the read completed and did not fail. With non-negative increments the bounds are
 * the sum of certain adds and that plus every possible one; a possible negative add lowers the
 * lower bound instead.
 */
public final class CounterChecker {

  /**
   * @param validity {@link Validity#UNKNOWN} when there is no successful read
   * @param finalRead the read judged
   * @param lower the least value the read could legally return
   * @param upper the greatest value the read could legally return
   */
  public record Result(Validity validity, Optional<Operation> finalRead, long lower, long upper) {

    /** A one-line account of the result. */
    public String describe() {
      if (validity == Validity.UNKNOWN) {
        return "counter: unknown, no successful read";
      }
      return "counter: " + validity.name().toLowerCase() + ", read "
          + finalRead.get().output() + ", allowed [" + lower + ", " + upper + "]";
    }
  }

  private CounterChecker() {}

  public static Result check(History history) {
    Optional<Operation> read = FinalRead.of(history);
    if (read.isEmpty()) {
      return new Result(Validity.UNKNOWN, read, 0, 0);
    }
    Operation last = read.get();
    if (!(last.output() instanceof Long value)) {
      throw new IllegalArgumentException("operation " + last.id()
          + ": a counter read must return an integer, not " + last.output());
    }
    long lower = 0;
    long upper = 0;
    for (Operation op : history.operations()) {
      if (!op.function().equals("add") || op.outcome() == Outcome.FAIL) {
        continue;
      }
      if (!(op.input() instanceof Long delta)) {
        throw new IllegalArgumentException("operation " + op.id()
            + ": a counter add takes an integer, not " + op.input());
      }
      boolean certain = op.outcome() == Outcome.OK && op.completeTime() < last.invokeTime();
      boolean possible = op.invokeTime() < last.completeTime();
      if (certain) {
        lower += delta;
        upper += delta;
      } else if (possible && delta < 0) {
        lower += delta;
      } else if (possible) {
        upper += delta;
      }
    }
    Validity validity = lower <= value && value <= upper ? Validity.VALID : Validity.INVALID;
    return new Result(validity, read, lower, upper);
  }
}
