package io.flotilla.chaos.workload;

import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.linearizability.Models;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends of unique tokens to a few per-key lists (strings of {@code token;}), and reads of
 * whole lists; checked for linearizability as a key-value store key by key. Each client moves on
 * to fresh lists every 10 of its operations, so lists stay short (about 20 tokens with ten
 * clients) and each list sees few appends of unknown outcome, each of which doubles its search.
 */
public final class AppendWorkload implements Workload {
  private final RotatingKeys keys = new RotatingKeys("list", 3, 10);
  private final AtomicLong tokens = new AtomicLong();

  @Override
  public String name() {
    return "append";
  }

  @Override
  public Op next(Random random, int process) {
    String key = keys.next(random, process);
    return random.nextInt(5) < 3
        ? new Op("append", key, tokens.getAndIncrement() + ";")
        : new Op("get", key, null);
  }

  @Override
  public Completion perform(Op op, AgentClient client) {
    String key = (String) op.key();
    if (op.function().equals("append")) {
      return switch (CasLoop.update(client, key, v -> v + op.value())) {
        case APPLIED -> Completion.ok(op.value());
        case NOT_APPLIED -> Completion.fail();
        case UNKNOWN -> new Completion(EventType.INFO, null);
      };
    }
    try {
      return Completion.ok(client.get(key).map(kv -> kv.getValue().toStringUtf8()).orElse(""));
    } catch (StatusRuntimeException e) {
      return new Completion(AgentClient.outcomeOf(e), null);
    }
  }

  @Override
  public List<Check> check(History history) {
    return List.of(Linearizable.check("append", history, Models.kv()));
  }
}
