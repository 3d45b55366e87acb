package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lifts a model of one object to independent objects, one per {@linkplain Operation#key() key}.
 * Operations on different keys never interact, so histories partition by key and each key is
 * checked on its own; checked without partitioning, the state is a map from key to object state.
 *
 * @param <S> the state type of one object
 */
public final class PerKeyModel<S> implements Model<PerKeyState<S>> {

  private final Model<S> object;
  private final S initial;

  /** One object per key, each behaving like {@code object}. */
  public PerKeyModel(Model<S> object) {
    this.object = object;
    this.initial = object.init();
  }

  @Override
  public PerKeyState<S> init() {
    return PerKeyState.empty();
  }

  @Override
  public PerKeyState<S> step(PerKeyState<S> state, Operation op) {
    S current = state.get(op.key(), initial);
    S next = object.step(current, op);
    if (next == null) {
      return null;
    }
    return next == current ? state : state.with(op.key(), next, initial);
  }

  @Override
  public void validate(Operation op) {
    object.validate(op);
  }

  @Override
  public boolean isIrrelevant(Operation op) {
    return object.isIrrelevant(op);
  }

  /** Groups operations by key, keys in order of first appearance. */
  @Override
  public List<List<Operation>> partition(List<Operation> operations) {
    Map<Object, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : operations) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    return List.copyOf(byKey.values());
  }

  @Override
  public String describe(Operation op) {
    String described = object.describe(op);
    return op.key() == null ? described : Values.show(op.key()) + " " + described;
  }

  @Override
  public long stateBytes(PerKeyState<S> state) {
    // A step copies the key and state tables and makes one key's state; the other keys' states
    // are shared with the state before. Which key changed is not known here, so count the
    // largest: an overestimate ends a check early, an underestimate could run the heap out.
    long largest = 0;
    for (int i = 0; i < state.size(); i++) {
      largest = Math.max(largest, object.stateBytes(state.state(i)));
    }
    return 48 + 8L * state.size() + largest;
  }

  @Override
  public String describeState(PerKeyState<S> state) {
    if (state.size() == 0) {
      return object.describeState(initial);
    }
    if (state.size() == 1 && state.key(0) == null) {
      return object.describeState(state.state(0));
    }
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < state.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(Values.show(state.key(i))).append(' ')
          .append(object.describeState(state.state(i)));
    }
    return out.append('}').toString();
  }
}
