package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.List;

/**
 * A sequential specification: what an object does when operations run one at a time. The checker
 * asks whether a concurrent history could have come from some such sequence that respects
 * real-time order.
 *
 * <p>States must be immutable and never {@code null}, with {@code equals} and {@code hashCode}
 * that say when two states behave the same: the checker remembers the (linearized operations,
 * state) pairs it has explored and never explores one twice. A model of a single object can be
 * lifted to one object per key with {@link PerKeyModel}, which also lets the checker check each
 * key on its own (P-compositionality).
 *
 * <p>A model is deterministic: each operation leads to at most one state. A nondeterministic
 * object is modelled with states that are sets of the states it could be in.
 *
 * @param <S> the state type
 */
public interface Model<S> {

  /** The state before any operation. */
  S init();

  /**
   * The state after {@code op} takes effect in {@code state}, or {@code null} if it cannot take
   * effect there and yield the result it recorded. When {@link Operation#isUnknown()} the result
   * is unknown, so only the effect matters. Must not change {@code state}; may return it. The
   * answer may depend only on the operation's function, key, input, output and outcome, not on
   * its process, id or times: the search relies on that to treat identical calls alike.
   */
  S step(S state, Operation op);

  /**
   * Rejects operations this model cannot interpret, before the search starts.
   *
   * @throws IllegalArgumentException naming the operation and what is wrong with it
   */
  default void validate(Operation op) {}

  /**
   * Whether {@code op} can be left out of the search because it cannot change the verdict. The
   * default leaves out failed operations, which did not happen. Models also leave out operations
   * of unknown outcome that never change the state, such as a read that timed out: they can be
   * linearized anywhere, or not at all, and constrain nothing. A model that keeps a failed
   * operation (say, to read a failed compare-and-set as a failed comparison) must handle it in
   * {@link #step}.
   */
  default boolean isIrrelevant(Operation op) {
    return op.outcome() == Outcome.FAIL;
  }

  /**
   * Splits operations into groups that can be checked on their own: the history is linearizable
   * if and only if every group is. The default keeps them together.
   */
  default List<List<Operation>> partition(List<Operation> operations) {
    return List.of(operations);
  }

  /**
   * About how many bytes {@code state} occupies, for the checker's memory limit: the checker
   * remembers every state it explores, so a model whose states grow (lists, long strings) must
   * say so, or a hard history could exhaust the heap instead of ending the check as unknown.
   * The default suits states of a few small fields.
   */
  default long stateBytes(S state) {
    return 32;
  }

  /** A short description of {@code op} for reports, such as {@code cas(1, 4) -> ok}. */
  default String describe(Operation op) {
    return op.function() + "(" + Values.show(op.input()) + ") -> "
        + (op.isUnknown() ? "?" : Values.show(op.output()));
  }

  /** A short description of {@code state} for reports. */
  default String describeState(S state) {
    return String.valueOf(state);
  }
}
