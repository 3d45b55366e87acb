package io.flotilla.chaos.checkers;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a set history ({@code add x}, then a final {@code read} returning every element): no
 * acknowledged element is lost and nothing appears that was never added.
 *
 * <p>The final read is the successful read that completed last. An element is <em>lost</em> if
 * its add was acknowledged before that read was invoked and the read lacks it; adds acknowledged
 * later may legitimately be missing. An element is <em>unexpected</em> if the read holds it but no
 * add of it could have happened: none was attempted, or every attempt failed. Elements whose add
 * had an unknown outcome may be present or absent; those present are reported as
 * <em>recovered</em>. An element is <em>duplicated</em> if the read holds it more than once: each
 * element is added by its own operation, so the store applied an add twice (as Jepsen's
 * {@code set-full} counts it).
 */
public final class SetChecker {

  /**
   * @param validity {@link Validity#UNKNOWN} when there is no successful read
   * @param finalRead the read judged
   * @param acknowledged how many distinct elements had acknowledged adds
   * @param lost acknowledged elements missing from the final read
   * @param unexpected elements read that were never (successfully or possibly) added
   * @param recovered elements read whose add had an unknown outcome
   * @param duplicated elements the read holds more than once
   */
  public record Result(Validity validity, Optional<Operation> finalRead, int acknowledged,
      Set<Object> lost, Set<Object> unexpected, Set<Object> recovered, Set<Object> duplicated) {

    /** A one-line account of the result. */
    public String describe() {
      if (validity == Validity.UNKNOWN) {
        return "set: unknown, no successful read";
      }
      return "set: " + validity.name().toLowerCase() + ", " + acknowledged
          + " acknowledged, " + lost.size() + " lost " + lost + ", " + unexpected.size()
          + " unexpected " + unexpected + ", " + recovered.size() + " recovered"
          + (duplicated.isEmpty() ? "" : ", " + duplicated.size() + " duplicated " + duplicated);
    }
  }

  private SetChecker() {}

  public static Result check(History history) {
    Optional<Operation> read = FinalRead.of(history);
    Set<Object> acknowledgedBefore = new LinkedHashSet<>();
    Set<Object> acknowledged = new LinkedHashSet<>();
    Set<Object> possible = new LinkedHashSet<>();
    Set<Object> unknown = new LinkedHashSet<>();
    long readStart = read.map(Operation::invokeTime).orElse(Long.MAX_VALUE);
    for (Operation op : history.operations()) {
      if (!op.function().equals("add")) {
        continue;
      }
      switch (op.outcome()) {
        case OK -> {
          acknowledged.add(op.input());
          possible.add(op.input());
          if (op.completeTime() < readStart) {
            acknowledgedBefore.add(op.input());
          }
        }
        case INFO -> {
          possible.add(op.input());
          unknown.add(op.input());
        }
        case FAIL -> { }
      }
    }
    if (read.isEmpty()) {
      return new Result(Validity.UNKNOWN, read, acknowledged.size(), Set.of(), Set.of(),
          Set.of(), Set.of());
    }
    if (!(read.get().output() instanceof Collection<?> elements)) {
      throw new IllegalArgumentException("operation " + read.get().id()
          + ": a set read must return a collection, not " + read.get().output());
    }
    Set<Object> seen = new LinkedHashSet<>();
    Set<Object> duplicated = new LinkedHashSet<>();
    for (Object e : elements) {
      if (!seen.add(e)) {
        duplicated.add(e);
      }
    }
    Set<Object> lost = new LinkedHashSet<>(acknowledgedBefore);
    lost.removeAll(seen);
    Set<Object> unexpected = new LinkedHashSet<>(seen);
    unexpected.removeAll(possible);
    Set<Object> recovered = new LinkedHashSet<>(seen);
    recovered.retainAll(unknown);
    recovered.removeAll(acknowledged);
    Validity validity = lost.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty()
        ? Validity.VALID : Validity.INVALID;
    return new Result(validity, read, acknowledged.size(), Set.copyOf(lost),
        Set.copyOf(unexpected), Set.copyOf(recovered), Set.copyOf(duplicated));
  }
}
