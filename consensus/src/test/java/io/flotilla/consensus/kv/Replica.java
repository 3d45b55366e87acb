package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.statemachine.CommittedEntry;

/** Drives one {@link FleetStateMachine} the way the log does: index by index. */
final class Replica {
  final FleetStateMachine sm;
  long index;

  Replica(Limits limits) {
    this(new FleetStateMachine(limits));
  }

  Replica(FleetStateMachine sm) {
    this.sm = sm;
  }

  CommandReply apply(Command command) {
    return apply(command.toByteString());
  }

  CommandReply apply(ByteString bytes) {
    try {
      return CommandReply.parseFrom(
          sm.apply(new CommittedEntry(++index, 1, 0, bytes)));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  QueryReply query(Query query) {
    try {
      return QueryReply.parseFrom(sm.query(query.toByteString()).join());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
