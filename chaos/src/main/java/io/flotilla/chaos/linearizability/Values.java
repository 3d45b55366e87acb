package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import java.util.List;

/** Reading and showing the plain values histories hold. */
final class Values {

  private Values() {}

  /** A value as it appears in an EDN history: {@code nil}, {@code 3}, {@code "x"}, {@code [1 2]}. */
  static String show(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof String s) {
      return '"' + s + '"';
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(show(list.get(i)));
      }
      return out.append(']').toString();
    }
    return value.toString();
  }

  static long requireLong(Object value, Operation op, String model, String what) {
    if (value instanceof Long n) {
      return n;
    }
    throw invalid(op, model, what + " must be an integer, not " + show(value));
  }

  static IllegalArgumentException invalid(Operation op, String model, String problem) {
    return new IllegalArgumentException("operation " + op.id() + " (process " + op.process() + ", "
        + op.function() + "): " + problem + " for the " + model + " model");
  }
}
