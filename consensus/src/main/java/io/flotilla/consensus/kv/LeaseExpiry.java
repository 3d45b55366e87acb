package io.flotilla.consensus.kv;

import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.LeaseInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A leader's measure of its group's leases: which to propose to expire. Pure (time is passed
 * in), so that a real server and the simulator decide the same way.
 *
 * <p>Time is the leader's monotonic clock, never a wall clock, so no step of any member's
 * wall clock ends a lease early or keeps one alive. A lease falls due a whole TTL after the
 * leader first saw its latest renewal (a grant or keep-alive, known by its log index), and
 * never sooner than a TTL after this leader's term began: like etcd, a new leader gives every
 * lease a fresh TTL, since keep-alives sent to the old leader may not have reached it yet.
 * Seeing a renewal late only lengthens a lease. The expiry it proposes names the renewal it
 * counted from, and applies only if no keep-alive has applied since.
 *
 * <p>One instance per group a server leads; not thread-safe.
 */
public final class LeaseExpiry {
  private record Renewal(long index, long seenAtMillis, long ttlMillis) {
    long dueAtMillis() {
      return seenAtMillis + ttlMillis;
    }
  }

  private long term = Long.MIN_VALUE;
  private final Map<Long, Renewal> renewals = new HashMap<>();

  /**
   * @param term the leader's current term: in a new term every lease starts a fresh TTL
   * @param leases every lease of the group, as applied on the leader
   * @param nowMillis the leader's monotonic clock
   * @return the leases to expire, each with the renewal its TTL ran from; none if nothing is due
   */
  public LeaseExpireRequest due(long term, List<LeaseInfo> leases, long nowMillis) {
    if (term != this.term) {
      this.term = term;
      renewals.clear();
    }
    LeaseExpireRequest.Builder expire = LeaseExpireRequest.newBuilder();
    Set<Long> live = new HashSet<>();
    for (LeaseInfo lease : leases) {
      live.add(lease.getId());
      Renewal seen = renewals.get(lease.getId());
      if (seen == null || seen.index() != lease.getRenewedIndex()) {
        renewals.put(lease.getId(),
            new Renewal(lease.getRenewedIndex(), nowMillis, lease.getTtlMillis()));
      } else if (nowMillis >= seen.dueAtMillis()) {
        expire.addLeases(ExpiringLease.newBuilder()
            .setId(lease.getId()).setRenewedIndex(seen.index()));
      }
    }
    renewals.keySet().retainAll(live);
    return expire.build();
  }

  /**
   * The earliest time at which {@link #due} in {@code term} could return a lease it knows,
   * unless a renewal applies first; {@code Long.MAX_VALUE} when it knows none, and {@code
   * Long.MIN_VALUE} (look now) in a term other than the one it measured in.
   */
  public long nextDueMillis(long term) {
    if (term != this.term) {
      return Long.MIN_VALUE;
    }
    long next = Long.MAX_VALUE;
    for (Renewal r : renewals.values()) {
      next = Math.min(next, r.dueAtMillis());
    }
    return next;
  }
}
