package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * A set starting empty with {@code add} (argument: the element) and {@code read} (result: a
 * collection holding every element, in any order).
 */
final class SetModel implements Model<SetModel.Elements> {

  /** An immutable set of elements with its hash computed once. */
  static final class Elements {
    private final Set<Object> elements;
    private final int hash;

    Elements(Set<Object> elements) {
      this.elements = elements;
      this.hash = elements.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Elements other && other.hash == hash && other.elements.equals(elements);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return Values.show(elements.stream().sorted((a, b) -> String.valueOf(a)
          .compareTo(String.valueOf(b))).toList());
    }
  }

  private static final String NAME = "set";
  private static final Elements EMPTY = new Elements(Set.of());

  @Override
  public Elements init() {
    return EMPTY;
  }

  @Override
  public Elements step(Elements state, Operation op) {
    return switch (op.function()) {
      case "add" -> {
        if (state.elements.contains(op.input())) {
          yield state;
        }
        Set<Object> grown = new HashSet<>(state.elements);
        grown.add(op.input());
        yield new Elements(grown);
      }
      case "read" -> {
        if (op.isUnknown()) {
          yield state;
        }
        Collection<?> read = (Collection<?>) op.output();
        yield read.size() >= state.elements.size() && state.elements.equals(new HashSet<>(read))
            ? state : null;
      }
      default -> throw new IllegalStateException("unvalidated function " + op.function());
    };
  }

  @Override
  public void validate(Operation op) {
    switch (op.function()) {
      case "add" -> { }
      case "read" -> {
        if (op.outcome() == Outcome.OK && !(op.output() instanceof Collection<?>)) {
          throw Values.invalid(op, NAME, "read must return a collection, not "
              + Values.show(op.output()));
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
  public String describeState(Elements state) {
    return state.toString();
  }
}
