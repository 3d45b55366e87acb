package io.flotilla.chaos.workload;

import io.flotilla.chaos.checkers.CounterChecker;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Increments of one counter by read-modify-write; the final value must lie between the sum of
 * acknowledged increments and that sum plus every increment of unknown outcome.
 */
public final class CounterWorkload implements Workload {
  private static final String KEY = "counter";

  @Override
  public String name() {
    return "counter";
  }

  @Override
  public Op next(Random random, int process) {
    return new Op("add", null, 1L + random.nextInt(5));
  }

  @Override
  public Optional<Op> finalRead() {
    return Optional.of(new Op("read", null, null));
  }

  @Override
  public Completion perform(Op op, AgentClient client) {
    if (op.function().equals("add")) {
      long delta = (Long) op.value();
      return switch (CasLoop.update(client, KEY,
          v -> Long.toString((v.isEmpty() ? 0 : Long.parseLong(v)) + delta))) {
        case APPLIED -> Completion.ok(delta);
        case NOT_APPLIED -> Completion.fail();
        case UNKNOWN -> new Completion(EventType.INFO, null);
      };
    }
    try {
      return Completion.ok(client.get(KEY)
          .map(kv -> Long.parseLong(kv.getValue().toStringUtf8())).orElse(0L));
    } catch (StatusRuntimeException e) {
      return new Completion(AgentClient.outcomeOf(e), null);
    }
  }

  @Override
  public List<Check> check(History history) {
    CounterChecker.Result r = CounterChecker.check(history);
    return List.of(new Check("counter", r.validity(), r.describe(), Optional.empty()));
  }
}
