package io.flotilla.simulator.forwarding;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.flotilla.consensus.kv.FleetStateMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * A squad's decisions at log indexes {@code from..to} (those between that are not decisions
 * are skipped), as one transaction on the council's real {@link FleetStateMachine}.
 *
 * <p>The council keeps each squad's cursor, the next squad index it expects, under
 * {@code forward/<squad>/next} (absent: 1). The transaction applies only if the cursor equals
 * {@code from}: it then moves the cursor to {@code to + 1} and stores the batch under
 * {@code forward/<squad>/batch/<from>}; otherwise it changes nothing and answers with the
 * cursor. So a batch sent twice, by a retry or by a new squad leader, applies once, and none
 * applies out of order: the check happens in the replicated state, at apply time.
 */
public record ForwardBatch(String squad, long from, long to, List<Decision> decisions) {
  private static final String PREFIX = "forward/";

  /** The council transaction that applies this batch if the squad's cursor is at {@code from}. */
  public ByteString command() {
    ByteString cursor = cursorKey(squad);
    StringBuilder value = new StringBuilder().append(to);
    for (Decision d : decisions) {
      value.append('\n').append(d.index()).append(' ').append(d.task()).append(' ')
          .append(d.agent());
    }
    return Command.newBuilder().setTxn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(cursor).setResult(Compare.Result.EQUAL)
            .setValue(from == 1 ? ByteString.EMPTY : utf8(Long.toString(from))))
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder().setKey(cursor)
            .setValue(utf8(Long.toString(to + 1)))))
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(utf8(PREFIX + squad + "/batch/" + String.format("%012d", from)))
            .setValue(utf8(value.toString()))))
        .addFailure(RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(cursor))))
        .build().toByteString();
  }

  /** The batch a council command carries, or null if it is something else. */
  public static ForwardBatch parse(ByteString command) {
    try {
      Command c = Command.parseFrom(command);
      if (!c.hasTxn() || c.getTxn().getSuccessCount() != 2) {
        return null;
      }
      PutRequest batch = c.getTxn().getSuccess(1).getPut();
      String key = batch.getKey().toStringUtf8();
      int at = key.indexOf("/batch/");
      if (!key.startsWith(PREFIX) || at < 0) {
        return null;
      }
      String[] lines = batch.getValue().toStringUtf8().split("\n");
      List<Decision> decisions = new ArrayList<>(lines.length - 1);
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(" ");
        decisions.add(new Decision(Long.parseLong(f[0]), f[1], f[2]));
      }
      return new ForwardBatch(key.substring(PREFIX.length(), at),
          Long.parseLong(key.substring(at + "/batch/".length())), Long.parseLong(lines[0]),
          decisions);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return null;
    }
  }

  /** The cursor a refused batch's reply carries (the next index the council expects). */
  static long cursorIn(TxnResponse refused) {
    List<KeyValue> kvs = refused.getResponses(0).getRange().getKvsList();
    return kvs.isEmpty() ? 1 : Long.parseLong(kvs.get(0).getValue().toStringUtf8());
  }

  /** The cursor of {@code squad} in a council replica's state. */
  public static long cursorIn(FleetStateMachine state, String squad) {
    ByteString q = Query.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(cursorKey(squad))).build().toByteString();
    try {
      List<KeyValue> kvs = QueryReply.parseFrom(state.query(q).join()).getRange().getKvsList();
      return kvs.isEmpty() ? 1 : Long.parseLong(kvs.get(0).getValue().toStringUtf8());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the state machine wrote a malformed reply", e);
    }
  }

  /** Where the council keeps batches of {@code squad}: {@code forward/<squad>/batch/}. */
  public static ByteString batchPrefix(String squad) {
    return utf8(PREFIX + squad + "/batch/");
  }

  private static ByteString cursorKey(String squad) {
    return utf8(PREFIX + squad + "/next");
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
