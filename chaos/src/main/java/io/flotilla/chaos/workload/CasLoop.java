package io.flotilla.chaos.workload;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Read-modify-write of one key: read it, then write the new value only if the key's mod
 * revision has not moved, retrying a few times when another client got there first.
 */
final class CasLoop {
  private static final int ATTEMPTS = 10;

  private CasLoop() {}

  /** How a read-modify-write ended. */
  enum Result { APPLIED, NOT_APPLIED, UNKNOWN }

  static Result update(AgentClient client, String key, UnaryOperator<String> change) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<KeyValue> current;
      try {
        current = client.get(key);
      } catch (StatusRuntimeException e) {
        return Result.NOT_APPLIED; // nothing was written yet
      }
      String value = current.map(kv -> kv.getValue().toStringUtf8()).orElse("");
      long revision = current.map(KeyValue::getModRevision).orElse(0L);
      try {
        boolean written = client.txn(TxnRequest.newBuilder()
            .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setModRevision(revision))
            .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(change.apply(value)))))
            .build()).getSucceeded();
        if (written) {
          return Result.APPLIED;
        }
      } catch (StatusRuntimeException e) {
        return AgentClient.outcomeOf(e) == io.flotilla.chaos.history.EventType.FAIL
            ? Result.NOT_APPLIED : Result.UNKNOWN;
      }
    }
    return Result.NOT_APPLIED;
  }
}
