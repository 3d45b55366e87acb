package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;

/**
 * A counter starting at 0 with {@code add} (argument: the integer to add) and {@code read}
 * (result: the count).
 */
final class CounterModel implements Model<Long> {

  private static final String NAME = "counter";

  @Override
  public Long init() {
    return 0L;
  }

  @Override
  public Long step(Long state, Operation op) {
    return switch (op.function()) {
      case "add" -> {
        long delta = (Long) op.input();
        yield delta == 0 ? state : Long.valueOf(state + delta);
      }
      case "read" -> op.isUnknown() || state.equals(op.output()) ? state : null;
      default -> throw new IllegalStateException("unvalidated function " + op.function());
    };
  }

  @Override
  public void validate(Operation op) {
    switch (op.function()) {
      case "add" -> Values.requireLong(op.input(), op, NAME, "the amount added");
      case "read" -> {
        if (op.outcome() == Outcome.OK) {
          Values.requireLong(op.output(), op, NAME, "the count read");
        }
      }
      default -> throw Values.invalid(op, NAME, "unknown function " + op.function()
          + " (expected add or read)");
    }
  }

  @Override
  public boolean isIrrelevant(Operation op) {
    return op.outcome() == Outcome.FAIL || (op.isUnknown() && op.function().equals("read"));
  }

  @Override
  public String describeState(Long state) {
    return state.toString();
  }
}
