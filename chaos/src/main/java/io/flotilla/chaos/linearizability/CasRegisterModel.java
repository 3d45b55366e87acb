package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.List;
import java.util.Objects;

/**
 * A register with {@code read} (result: the value), {@code write} (argument: the value) and
 * {@code cas} (argument: {@code [expected new]}), starting at {@code nil}. Like every failed
 * operation, a failed {@code cas} did not happen: it is not read as proof that the comparison
 * failed, since a client may also report a request that was never executed as failed.
 */
final class CasRegisterModel implements Model<CasRegisterModel.Register> {

  /** The register's value; {@code null} is {@code nil}. */
  record Register(Object value) {}

  private static final Register NIL = new Register(null);
  private static final String NAME = "cas-register";

  @Override
  public Register init() {
    return NIL;
  }

  @Override
  public Register step(Register state, Operation op) {
    return switch (op.function()) {
      case "read" -> op.isUnknown() || Objects.equals(op.output(), state.value()) ? state : null;
      case "write" -> Objects.equals(op.input(), state.value()) ? state : new Register(op.input());
      case "cas" -> {
        List<?> args = (List<?>) op.input();
        if (!Objects.equals(args.get(0), state.value())) {
          yield op.isUnknown() ? state : null;
        }
        yield Objects.equals(args.get(1), state.value()) ? state : new Register(args.get(1));
      }
      default -> throw new IllegalStateException("unvalidated function " + op.function());
    };
  }

  @Override
  public void validate(Operation op) {
    switch (op.function()) {
      case "read", "write" -> { }
      case "cas" -> {
        if (!(op.input() instanceof List<?> args) || args.size() != 2) {
          throw Values.invalid(op, NAME, "cas takes [expected new], not "
              + Values.show(op.input()));
        }
      }
      default -> throw Values.invalid(op, NAME, "unknown function " + op.function()
          + " (expected read, write or cas)");
    }
  }

  @Override
  public boolean isIrrelevant(Operation op) {
    return op.outcome() == Outcome.FAIL || (op.isUnknown() && op.function().equals("read"));
  }

  @Override
  public String describe(Operation op) {
    String result = op.isUnknown() ? "?" : op.outcome() == Outcome.FAIL ? "fail" : "ok";
    return switch (op.function()) {
      case "read" -> "read() -> " + (op.isUnknown() ? "?" : Values.show(op.output()));
      case "write" -> "write(" + Values.show(op.input()) + ") -> " + result;
      case "cas" -> {
        List<?> args = (List<?>) op.input();
        yield "cas(" + Values.show(args.get(0)) + ", " + Values.show(args.get(1)) + ") -> "
            + result;
      }
      default -> Model.super.describe(op);
    };
  }

  @Override
  public String describeState(Register state) {
    return Values.show(state.value());
  }
}
