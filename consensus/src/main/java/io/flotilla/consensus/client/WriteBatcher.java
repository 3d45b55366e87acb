package io.flotilla.consensus.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatch;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.ratis.RatisBytes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Sends a client's key writes (put, delete, txn) with at most {@code pipeline} requests
 * outstanding. A write that finds a free slot goes alone at once, so at low load nothing waits.
 * Writes that arrive while every slot is taken queue, and go together as one log entry (a
 * {@link CommandBatch}) as soon as a slot frees: under load, fewer and larger entries carry the
 * same writes, and each write still applies at its own revision with its own reply. Writes enter
 * the log in the order they were submitted. A client that signs signs each entry, batch or not.
 */
final class WriteBatcher {
  /** What one batch (one log entry) carries at most. */
  static final int MAX_COMMANDS = 256;
  static final int MAX_BYTES = 256 * 1024;

  private final Proposer proposer;
  private final long timeoutMillis;
  private final int pipeline;
  private final Executor sender;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int outstanding;

  private record Pending(Command command, CompletableFuture<CommandReply> reply) {}

  /**
   * @param timeout how long one request may take before its slot is given to the next
   * @param sender where replies are handled and the next batch is sent from when a slot
   *     frees: never Ratis's own threads (see {@link #send})
   */
  WriteBatcher(Proposer proposer, Duration timeout, int pipeline, Executor sender) {
    this.proposer = proposer;
    this.timeoutMillis = timeout.toMillis();
    this.pipeline = pipeline;
    this.sender = sender;
  }

  /**
   * Sends a write; the reply is the group's reply to that command, or a {@link FleetException}
   * when the request failed.
   */
  CompletableFuture<CommandReply> submit(Command command) {
    Pending p = new Pending(command, new CompletableFuture<>());
    synchronized (this) {
      if (outstanding < pipeline) {
        outstanding++;
        send(List.of(p));
      } else {
        queue.add(p);
      }
    }
    return p.reply;
  }

  /** Called with the lock held, so that requests enter Ratis's ordered stream in queue order. */
  private void send(List<Pending> batch) {
    Command command = batch.size() == 1 ? batch.get(0).command() : Command.newBuilder()
        .setBatch(CommandBatch.newBuilder().addAllCommands(
            batch.stream().map(Pending::command).toList()))
        .build();
    // Replies are handled on the sender: Ratis completes a reply while holding its window's
    // lock, and a caller's continuation, or a refused batch's writes sent again one by one,
    // would take the client's locks under it, the reverse of the order a send takes them in.
    proposer.propose(command)
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .whenCompleteAsync((reply, error) -> {
          if (batch.size() > 1 && failure(reply, error)
              .filter(f -> f.code() == FleetException.Code.INVALID_ARGUMENT).isPresent()) {
            // The leader refused the batch for one bad write; each write learns its own fate
            // alone, sent before anything queued behind them.
            batch.forEach(this::sendAlone);
            released();
            return;
          }
          // The slot is given back before callers hear: a caller that writes again from its
          // continuation, even one that blocks on it, finds the way free.
          released();
          complete(batch, reply, error);
        }, sender);
  }

  private static Optional<FleetException> failure(RaftClientReply reply, Throwable error) {
    Throwable failure = error != null ? error : reply.isSuccess() ? null : reply.getException();
    return Optional.ofNullable(failure).map(FleetException::of);
  }

  private synchronized void released() {
    outstanding--;
    List<Pending> next = new ArrayList<>();
    int bytes = 0;
    while (!queue.isEmpty() && next.size() < MAX_COMMANDS) {
      Pending p = queue.peek();
      int size = p.command().getSerializedSize();
      if (!next.isEmpty() && bytes + size > MAX_BYTES) {
        break;
      }
      queue.poll();
      // A write whose caller gave up (its deadline passed) is not sent at all.
      if (!p.reply().isDone()) {
        next.add(p);
        bytes += size;
      }
    }
    if (!next.isEmpty()) {
      outstanding++;
      send(next);
    }
  }

  private void complete(List<Pending> batch, RaftClientReply reply, Throwable error) {
    Optional<FleetException> failure = failure(reply, error);
    if (failure.isPresent()) {
      batch.forEach(p -> p.reply().completeExceptionally(failure.get()));
      return;
    }
    CommandReply r;
    try {
      r = CommandReply.parseFrom(RatisBytes.content(reply.getMessage()));
    } catch (InvalidProtocolBufferException e) {
      FleetException f = new FleetException(FleetException.Code.INTERNAL,
          "malformed reply from the group", e);
      batch.forEach(p -> p.reply().completeExceptionally(f));
      return;
    }
    if (batch.size() == 1) {
      batch.get(0).reply().complete(r);
    } else if (r.getBatch().getRepliesCount() != batch.size()) {
      FleetException f = new FleetException(FleetException.Code.INTERNAL,
          "the group answered a batch of " + batch.size() + " with "
              + r.getBatch().getRepliesCount() + " replies");
      batch.forEach(p -> p.reply().completeExceptionally(f));
    } else {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).reply().complete(r.getBatch().getReplies(i));
      }
    }
  }

  private void sendAlone(Pending p) {
    proposer.propose(p.command()).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .whenCompleteAsync((reply, error) -> complete(List.of(p), reply, error), sender);
  }
}
