package io.flotilla.agent.limits;

import io.flotilla.consensus.proto.LeaseGrantResponse;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What one client uses of this node. Guarded by its own lock, taken by {@link ClientTable}. */
final class ClientState {
  /** Null when requests are not rate limited. */
  private final TokenBucket bucket;
  private int watches;
  /** Lease ids granted to the client through this node, by group. */
  private final Map<String, Set<Long>> leases = new HashMap<>();
  private int grantsInFlight;
  private long lastPruned;
  private long lastRequest;
  boolean evicted;

  ClientState(ClientLimits limits, long nowNanos) {
    this.bucket = limits.requestsPerSecond() == 0 ? null
        : new TokenBucket(limits.requestsPerSecond(), limits.burst(), nowNanos);
    this.lastRequest = nowNanos;
    this.lastPruned = nowNanos - LeaseQuota.PRUNE_INTERVAL_NANOS;
  }

  /** Counts a request: takes a token, when requests are rate limited. */
  boolean takeRequest(long nowNanos) {
    lastRequest = Math.max(lastRequest, nowNanos);
    return bucket == null || bucket.take(nowNanos);
  }

  long lastRequest() {
    return lastRequest;
  }

  boolean takeWatch(int limit) {
    if (limit > 0 && watches >= limit) {
      return false;
    }
    watches++;
    return true;
  }

  void releaseWatch() {
    watches--;
  }

  /** Counts a grant about to be sent, if the client is under the limit with it. */
  boolean reserveLease(int limit) {
    if (leaseCount() + grantsInFlight >= limit) {
      return false;
    }
    grantsInFlight++;
    return true;
  }

  /** Settles a reserved grant: its lease when it was granted, null when it failed. */
  void granted(String group, LeaseGrantResponse reply) {
    grantsInFlight--;
    if (reply != null) {
      leases.computeIfAbsent(group, g -> new HashSet<>()).add(reply.getId());
    }
  }

  void forgetLeases(String group, Collection<Long> ids) {
    Set<Long> held = leases.get(group);
    if (held != null) {
      held.removeAll(ids);
      if (held.isEmpty()) {
        leases.remove(group);
      }
    }
  }

  Map<String, Set<Long>> leases() {
    Map<String, Set<Long>> copy = new HashMap<>();
    leases.forEach((group, ids) -> copy.put(group, Set.copyOf(ids)));
    return copy;
  }

  int leaseCount() {
    return leases.values().stream().mapToInt(Set::size).sum();
  }

  /** Whether the group's lease list may be asked again for this client (see LeaseQuota). */
  boolean mayPrune(long nowNanos) {
    if (nowNanos - lastPruned < LeaseQuota.PRUNE_INTERVAL_NANOS) {
      return false;
    }
    lastPruned = nowNanos;
    return true;
  }

  /** Holds nothing the node must remember: forgetting the client changes nothing for it. */
  boolean forgettable(long nowNanos) {
    return watches == 0 && grantsInFlight == 0 && leases.isEmpty()
        && (bucket == null || bucket.full(nowNanos));
  }
}
