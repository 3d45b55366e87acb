package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import java.util.List;

/**
 * Why a history is not linearizable: in one partition, the longest sequence of operations the
 * search could linearize, and an operation it could then not place anywhere.
 *
 * @param partition every operation of the partition that failed, in invocation order, including
 *     those the search left out
 * @param longestPrefix the deepest partial linearization found, in linearization order
 * @param blocked an operation that had to be linearized next (its completion came first) but that
 *     no order after {@code longestPrefix} could place
 */
public record Evidence(List<Operation> partition, List<Operation> longestPrefix,
    Operation blocked) {

  public Evidence {
    partition = List.copyOf(partition);
    longestPrefix = List.copyOf(longestPrefix);
  }
}
