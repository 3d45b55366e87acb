package io.flotilla.cli.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * The baseline's state machine, as small as Ratis allows: every committed entry increments a
 * counter, whatever it carries, and every read returns the counter. It keeps no snapshot.
 */
public final class CounterStateMachine extends BaseStateMachine {
  private final AtomicLong count = new AtomicLong();

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long value = count.incrementAndGet();
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(value)));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(count.get())));
  }
}
