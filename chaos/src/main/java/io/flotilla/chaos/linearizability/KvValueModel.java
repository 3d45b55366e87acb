package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;

/**
 * The string value of one key in a key-value store: {@code get} (result: the value), {@code put}
 * (argument: the new value) and {@code append} (argument: text to append). A key starts as the
 * empty string, and a {@code get} of {@code nil} reads as the empty string (an absent key).
 */
final class KvValueModel implements Model<String> {

  private static final String NAME = "kv";

  @Override
  public String init() {
    return "";
  }

  @Override
  public String step(String state, Operation op) {
    return switch (op.function()) {
      case "get" -> {
        if (op.isUnknown()) {
          yield state;
        }
        Object read = op.output() == null ? "" : op.output();
        yield state.equals(read) ? state : null;
      }
      case "put" -> (String) op.input();
      case "append" -> ((String) op.input()).isEmpty() ? state : state + op.input();
      default -> throw new IllegalStateException("unvalidated function " + op.function());
    };
  }

  @Override
  public void validate(Operation op) {
    switch (op.function()) {
      case "get" -> {
        if (op.outcome() == Outcome.OK && op.output() != null && !(op.output() instanceof String)) {
          throw Values.invalid(op, NAME, "get must return a string, not "
              + Values.show(op.output()));
        }
      }
      case "put", "append" -> {
        if (!(op.input() instanceof String)) {
          throw Values.invalid(op, NAME, op.function() + " takes a string, not "
              + Values.show(op.input()));
        }
      }
      default -> throw Values.invalid(op, NAME, "unknown function " + op.function()
          + " (expected get, put or append)");
    }
  }

  @Override
  public boolean isIrrelevant(Operation op) {
    return op.outcome() == Outcome.FAIL || (op.isUnknown() && op.function().equals("get"));
  }

  @Override
  public String describe(Operation op) {
    return switch (op.function()) {
      case "get" -> "get() -> " + (op.isUnknown() ? "?" : Values.show(op.output()));
      default -> op.function() + "(" + Values.show(op.input()) + ")"
          + (op.isUnknown() ? " -> ?" : "");
    };
  }

  @Override
  public long stateBytes(String state) {
    // A String and its byte array: two headers, a hash field, one byte a character (or two).
    return 48L + 2L * state.length();
  }

  @Override
  public String describeState(String state) {
    return Values.show(state);
  }
}
