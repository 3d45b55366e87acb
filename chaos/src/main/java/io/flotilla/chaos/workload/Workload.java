package io.flotilla.chaos.workload;

import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * What clients do during a chaos run and how the result is judged: operations to generate,
 * how each is performed against a node, an optional final read once faults are healed, and the
 * checks on the recorded client history.
 */
public interface Workload {
  String name();

  /** The next operation of a client process; deterministic given the random source. */
  Op next(Random random, int process);

  /** Performs an operation against one node and says how it ended. */
  Completion perform(Op op, AgentClient client);

  /** A read made after the faults heal, for workloads judged on the final state. */
  default Optional<Op> finalRead() {
    return Optional.empty();
  }

  /** Judges the client operations (nemesis events excluded). */
  List<Check> check(History history);

  /** An operation: its function, key and argument, as the history records them. */
  record Op(String function, Object key, Object value) {}

  /** How an operation ended: ok (with its result), fail (did not happen) or info (unknown). */
  record Completion(EventType type, Object value) {
    public static Completion ok(Object value) {
      return new Completion(EventType.OK, value);
    }

    public static Completion fail() {
      return new Completion(EventType.FAIL, null);
    }
  }
}
