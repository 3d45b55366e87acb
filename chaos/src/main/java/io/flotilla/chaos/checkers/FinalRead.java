package io.flotilla.chaos.checkers;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.Comparator;
import java.util.Optional;

/** Finds the read the final-state checkers judge a history by. */
final class FinalRead {

  private FinalRead() {}

  /** The successful {@code read} that completed last, ties broken by later invocation. */
  static Optional<Operation> of(History history) {
    return history.operations().stream()
        .filter(op -> op.function().equals("read") && op.outcome() == Outcome.OK)
        .max(Comparator.comparingLong(Operation::completeTime)
            .thenComparingLong(Operation::invokeTime));
  }
}
