package io.flotilla.chaos.workload;

import com.google.protobuf.ByteString;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.linearizability.Models;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Random;

/**
 * Compare-and-set registers, one per key: reads, writes and CAS of small integers on a few
 * live keys, so that operations collide, each client moving on to fresh keys every 40 of its
 * operations (about 80 operations a key with ten clients). Checked for linearizability key by key.
 */
public final class RegisterWorkload implements Workload {
  private static final int VALUES = 5;
  private final RotatingKeys keys = new RotatingKeys("r", 5, 40);

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Op next(Random random, int process) {
    String key = keys.next(random, process);
    int dice = random.nextInt(4);
    if (dice < 2) {
      return new Op("read", key, null);
    }
    if (dice == 2) {
      return new Op("write", key, (long) random.nextInt(VALUES));
    }
    return new Op("cas", key, List.of((long) random.nextInt(VALUES), (long) random.nextInt(VALUES)));
  }

  @Override
  public Completion perform(Op op, AgentClient client) {
    String key = (String) op.key();
    try {
      return switch (op.function()) {
        case "read" -> Completion.ok(client.get(key)
            .map(kv -> Long.parseLong(kv.getValue().toStringUtf8())).orElse(null));
        case "write" -> {
          client.put(key, op.value().toString());
          yield Completion.ok(op.value());
        }
        default -> {
          List<?> args = (List<?>) op.value();
          boolean swapped = client.txn(TxnRequest.newBuilder()
              .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(key))
                  .setValue(ByteString.copyFromUtf8(args.get(0).toString())))
              .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
                  .setKey(ByteString.copyFromUtf8(key))
                  .setValue(ByteString.copyFromUtf8(args.get(1).toString()))))
              .build()).getSucceeded();
          // A compare that did not hold is the fleet's proof that the swap did not happen.
          yield swapped ? Completion.ok(args) : Completion.fail();
        }
      };
    } catch (StatusRuntimeException e) {
      return new Completion(AgentClient.outcomeOf(e), null);
    }
  }

  @Override
  public List<Check> check(History history) {
    return List.of(Linearizable.check("register", history, Models.casRegister()));
  }
}
