package io.flotilla.chaos.workload;

import io.flotilla.chaos.checkers.SetChecker;
import io.flotilla.chaos.history.History;
import io.flotilla.consensus.proto.KeyValue;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds of unique elements (a key each under {@code set/}); every acknowledged add must survive,
 * and none may be applied twice. The final read lists each element once for every put its key
 * took (the key's version): each element is added by one operation, sent once, so an element
 * listed twice is an add the group applied twice.
 */
public final class SetWorkload implements Workload {
  private static final String PREFIX = "set/";
  private final AtomicLong next = new AtomicLong();

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Op next(Random random, int process) {
    return new Op("add", null, next.getAndIncrement());
  }

  @Override
  public Optional<Op> finalRead() {
    return Optional.of(new Op("read", null, null));
  }

  @Override
  public Completion perform(Op op, AgentClient client) {
    try {
      if (op.function().equals("add")) {
        client.put(PREFIX + op.value(), op.value().toString());
        return Completion.ok(op.value());
      }
      List<Long> elements = client.prefix(PREFIX).getKvsList().stream()
          .flatMap(kv -> Collections.nCopies((int) kv.getVersion(),
              Long.parseLong(kv.getValue().toStringUtf8())).stream())
          .toList();
      return Completion.ok(elements);
    } catch (StatusRuntimeException e) {
      return new Completion(AgentClient.outcomeOf(e), null);
    }
  }

  @Override
  public List<Check> check(History history) {
    SetChecker.Result r = SetChecker.check(history);
    return List.of(new Check("set", r.validity(), r.describe(), Optional.empty()));
  }
}
