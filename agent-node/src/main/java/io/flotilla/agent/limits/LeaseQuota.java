package io.flotilla.agent.limits;

import io.flotilla.consensus.proto.LeaseGrantResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Holds each client to {@code client-limits.leases}: the live leases it was granted through
 * this node. A lease stops counting when the client revokes it through this node; one that
 * expired, or was revoked elsewhere, stops counting when the client next reaches its limit (or
 * has been idle a while), when its leases are checked against the group's lease list. Expiry
 * is not tracked as it happens: keep-alives can move it anywhere. A grant whose outcome is
 * unknown (a timeout) is not counted, so the count never exceeds what the client holds.
 */
public final class LeaseQuota {
  /**
   * The shortest time between two checks of one client's leases: a client at its limit that
   * keeps asking must not make the node list every lease of the group each time.
   */
  static final long PRUNE_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  /** The ids of a group's live leases, as the group reports them. */
  public interface LiveLeases {
    CompletableFuture<Set<Long>> of(String group);
  }

  private final ClientTable clients;
  private final LiveLeases live;

  LeaseQuota(ClientTable clients, LiveLeases live) {
    this.clients = clients;
    this.live = live;
  }

  /**
   * Grants a lease through {@code grant} if the client is under its limit, else fails with
   * {@code RESOURCE_EXHAUSTED}.
   *
   * @param group the group's name as resolved, so that one group is always counted as one
   */
  public CompletableFuture<LeaseGrantResponse> grant(String client, String group,
      Supplier<CompletableFuture<LeaseGrantResponse>> grant) {
    int limit = clients.limits().leases();
    if (limit == 0) {
      return grant.get();
    }
    return reserve(client, limit).thenCompose(reserved -> {
      if (!reserved) {
        throw clients.refusal("leases", client, "holds " + limit
            + " leases granted through this node; revoke one first").asRuntimeException();
      }
      CompletableFuture<LeaseGrantResponse> granted;
      try {
        granted = grant.get();
      } catch (RuntimeException e) {
        settle(client, group, null);
        throw e;
      }
      return granted.whenComplete((reply, error) -> settle(client, group, reply));
    });
  }

  /** The client revoked a lease (or learned that it is gone) through this node. */
  public void revoked(String client, String group, long id) {
    clients.with(client, (s, now) -> {
      s.forgetLeases(group, List.of(id));
      return null;
    });
  }

  /** Forgets the leases that ended of clients that have been idle a while. */
  void pruneIdle() {
    List<String> idle = clients.idleLeaseHolders();
    if (!idle.isEmpty()) {
      prune(idle);
    }
  }

  private CompletableFuture<Boolean> reserve(String client, int limit) {
    Boolean now = clients.with(client, (s, t) ->
        s.reserveLease(limit) ? Boolean.TRUE : s.mayPrune(t) ? null : Boolean.FALSE);
    if (now != null) {
      return CompletableFuture.completedFuture(now);
    }
    return prune(List.of(client))
        .thenApply(v -> clients.with(client, (s, t) -> s.reserveLease(limit)));
  }

  private void settle(String client, String group, LeaseGrantResponse reply) {
    clients.with(client, (s, now) -> {
      s.granted(group, reply);
      return null;
    });
  }

  /**
   * Checks the clients' leases against each group's list, once per group. Only leases counted
   * before the list was asked for are forgotten: one granted meanwhile may be missing from it.
   */
  private CompletableFuture<Void> prune(Collection<String> holders) {
    Map<String, Map<String, Set<Long>>> heldByGroup = new HashMap<>();
    for (String client : holders) {
      clients.with(client, (s, now) -> s.leases()).forEach((group, ids) ->
          heldByGroup.computeIfAbsent(group, g -> new HashMap<>()).put(client, ids));
    }
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    heldByGroup.forEach((group, held) -> checks.add(live.of(group).thenAccept(alive ->
        held.forEach((client, ids) -> {
          Set<Long> gone = new HashSet<>(ids);
          gone.removeAll(alive);
          clients.with(client, (s, now) -> {
            s.forgetLeases(group, gone);
            return null;
          });
        }))));
    // A list that could not be had leaves the counts as they were: the limit errs on the safe side.
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .exceptionally(error -> null);
  }
}
