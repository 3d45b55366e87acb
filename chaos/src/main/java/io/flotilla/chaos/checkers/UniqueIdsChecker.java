package io.flotilla.chaos.checkers;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks an id-generator history: no two acknowledged {@code generate} operations returned the
 * same id.
 */
public final class UniqueIdsChecker {

  /**
   * @param generated how many ids were acknowledged
   * @param duplicates each id returned more than once, with the operations that returned it
   */
  public record Result(Validity validity, int generated, Map<Object, List<Operation>> duplicates) {

    /** A one-line account of the result. */
    public String describe() {
      return "unique ids: " + validity.name().toLowerCase() + ", " + generated + " generated, "
          + duplicates.size() + " duplicated " + duplicates.keySet();
    }
  }

  private UniqueIdsChecker() {}

  public static Result check(History history) {
    Map<Object, List<Operation>> byId = new LinkedHashMap<>();
    int generated = 0;
    for (Operation op : history.operations()) {
      if (op.function().equals("generate") && op.outcome() == Outcome.OK) {
        generated++;
        byId.computeIfAbsent(op.output(), id -> new ArrayList<>()).add(op);
      }
    }
    Map<Object, List<Operation>> duplicates = new LinkedHashMap<>();
    byId.forEach((id, ops) -> {
      if (ops.size() > 1) {
        duplicates.put(id, List.copyOf(ops));
      }
    });
    return new Result(duplicates.isEmpty() ? Validity.VALID : Validity.INVALID, generated,
        duplicates);
  }
}
