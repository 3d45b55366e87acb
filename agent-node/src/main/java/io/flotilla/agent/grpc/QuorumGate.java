package io.flotilla.agent.grpc;

import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.QuorumView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Refuses calls that need a group's leader (writes, linearizable and leader-local reads) with
 * {@code UNAVAILABLE} and a description starting "no quorum" while this node's side of the
 * group has no quorum, as {@link QuorumView} judges it: at once when such a call arrives, and
 * for a key or lease call already waiting for the leader, within {@link #CHECK_WAITING} of the
 * judgement turning rather than at the call's deadline. A refused write was not applied by the
 * time it was refused, but, like any write that ends UNAVAILABLE, it may still be applied if
 * the side regains a leader holding it.
 */
public final class QuorumGate {
  /** How often the calls waiting for a leader are held against the judgement. */
  static final Duration CHECK_WAITING = Duration.ofMillis(100);

  private final FleetServer server;
  private final ScheduledExecutorService timer;
  /** Calls waiting for a leader, each with the group it waits on. */
  private final Map<CompletableFuture<?>, String> waiting = new ConcurrentHashMap<>();
  /** Whether a check of the waiting calls is scheduled: only while some wait, so idle is idle. */
  private final AtomicBoolean checkScheduled = new AtomicBoolean();

  public QuorumGate(FleetServer server, ScheduledExecutorService timer) {
    this.server = server;
    this.timer = timer;
  }

  /** This node's judgement of a group it hosts; empty for one it does not (yet) host. */
  Optional<QuorumView.Judgement> judgement(String group) {
    try {
      return Optional.of(server.quorum(group));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Throws the refusal when the group has no quorum here; a group not hosted passes. */
  void check(String group) {
    Optional<StatusRuntimeException> refusal = refusal(group);
    if (refusal.isPresent()) {
      throw refusal.get();
    }
  }

  /** Sends a call unless the group has no quorum here, and refuses it if that turns later. */
  <T> CompletableFuture<T> send(String group, Supplier<CompletableFuture<T>> send) {
    check(group);
    CompletableFuture<T> result = new CompletableFuture<>();
    waiting.put(result, group);
    scheduleCheck();
    send.get().whenComplete((value, error) -> {
      waiting.remove(result);
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(value);
      }
    });
    return result;
  }

  private Optional<StatusRuntimeException> refusal(String group) {
    return judgement(group).filter(j -> !j.quorum())
        .map(j -> Status.UNAVAILABLE.withDescription(j.noQuorumMessage()).asRuntimeException());
  }

  private void scheduleCheck() {
    if (checkScheduled.compareAndSet(false, true)) {
      timer.schedule(this::refuseWaiting, CHECK_WAITING.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void refuseWaiting() {
    try {
      refuseWaitingWithoutQuorum();
    } finally {
      // A call added during the pass either saw the check still scheduled, and is seen here,
      // or schedules the next check itself.
      checkScheduled.set(false);
      if (!waiting.isEmpty()) {
        scheduleCheck();
      }
    }
  }

  private void refuseWaitingWithoutQuorum() {
    Map<String, Optional<StatusRuntimeException>> judged = new HashMap<>();
    for (Map.Entry<CompletableFuture<?>, String> call : waiting.entrySet()) {
      Optional<StatusRuntimeException> refusal =
          judged.computeIfAbsent(call.getValue(), this::refusal);
      if (refusal.isPresent()) {
        waiting.remove(call.getKey());
        call.getKey().completeExceptionally(refusal.get());
      }
    }
  }
}
