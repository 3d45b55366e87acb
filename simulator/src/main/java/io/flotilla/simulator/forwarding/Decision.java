package io.flotilla.simulator.forwarding;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.simulator.raft.LogEntry;

/**
 * A squad's decision as the council learns it: a task claim the squad committed at
 * {@code index} of its log, {@code agent} claiming {@code task}. The squad and the index name
 * it; whether the claim won is the squad's business, the council records what was decided.
 */
public record Decision(long index, String task, String agent) {
  private static final ByteString TASKS = ByteString.copyFromUtf8("tasks/");

  /** The decision an entry of a squad's log holds, or null if it holds none. */
  public static Decision of(long index, LogEntry e) {
    if (e.command() == null) {
      return null;
    }
    Command c;
    try {
      c = Command.parseFrom(e.command());
    } catch (InvalidProtocolBufferException ex) {
      return null;
    }
    if (!c.hasTxn()) {
      return null;
    }
    TxnRequest t = c.getTxn();
    if (t.getCompareCount() == 0 || t.getSuccessCount() == 0 || !t.getSuccess(0).hasPut()
        || !t.getCompare(0).getKey().startsWith(TASKS)) {
      return null;
    }
    return new Decision(index, t.getCompare(0).getKey().toStringUtf8(),
        t.getSuccess(0).getPut().getValue().toStringUtf8());
  }
}
