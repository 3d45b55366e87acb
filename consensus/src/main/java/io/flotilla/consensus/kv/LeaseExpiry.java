package io.flotilla.consensus.kv;

import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.LeaseInfo;
import java.util.List;

/**
 * Which leases a leader should propose to expire. Pure, so that a real server and the
 * simulator decide the same way.
 *
 * <p>A lease is proposed once the leader's clock is past its deadline and the leader has led
 * for at least one TTL: like etcd, a new leader first grants every lease a full TTL, since
 * keep-alives sent to the old leader may not have reached the log. The state machine applies
 * the expiry only if the deadline has also passed in log time.
 */
public final class LeaseExpiry {
  private LeaseExpiry() {}

  public static LeaseExpireRequest due(List<LeaseInfo> leases, long nowMillis,
      long leaderSinceMillis) {
    LeaseExpireRequest.Builder expire = LeaseExpireRequest.newBuilder();
    for (LeaseInfo lease : leases) {
      if (lease.getDeadlineMillis() <= nowMillis
          && nowMillis >= leaderSinceMillis + lease.getTtlMillis()) {
        expire.addIds(lease.getId());
      }
    }
    return expire.build();
  }
}
