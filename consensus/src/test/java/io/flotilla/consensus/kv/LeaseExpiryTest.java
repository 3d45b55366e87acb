package io.flotilla.consensus.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.LeaseInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseExpiryTest {
  private static final long TTL = 10_000;
  private final LeaseExpiry expiry = new LeaseExpiry();

  private static LeaseInfo lease(long id, long renewedIndex) {
    return LeaseInfo.newBuilder().setId(id).setTtlMillis(TTL).setRenewedIndex(renewedIndex)
        .build();
  }

  private List<ExpiringLease> due(long term, long now, LeaseInfo... leases) {
    return expiry.due(term, List.of(leases), now).getLeasesList();
  }

  @Test
  void aLeaseFallsDueOneTtlAfterTheLeaderFirstSawItsLatestRenewal() {
    assertThat(due(1, 5_000, lease(7, 7))).isEmpty();
    assertThat(due(1, 14_999, lease(7, 7))).isEmpty();
    assertThat(due(1, 15_000, lease(7, 7)))
        .containsExactly(ExpiringLease.newBuilder().setId(7).setRenewedIndex(7).build());
  }

  @Test
  void aRenewalStartsTheTtlAgainFromWhenTheLeaderSawIt() {
    due(1, 0, lease(7, 7));
    assertThat(due(1, 9_000, lease(7, 40))).isEmpty();
    assertThat(due(1, 18_999, lease(7, 40))).isEmpty();
    assertThat(due(1, 19_000, lease(7, 40))).extracting(ExpiringLease::getRenewedIndex)
        .containsExactly(40L);
  }

  @Test
  void aNewTermGivesEveryLeaseAFreshTtlFromItsFirstLook() {
    due(1, 0, lease(7, 7));
    assertThat(due(2, 9_000, lease(7, 7))).as("first look of term 2").isEmpty();
    assertThat(due(2, 18_999, lease(7, 7))).isEmpty();
    assertThat(due(2, 19_000, lease(7, 7))).hasSize(1);
  }

  @Test
  void onlyTheLeaderClockMattersSoItsWallClockCannotStepIt() {
    // Time here is whatever monotonic clock the leader passes; nothing else is read.
    due(1, 1_000, lease(7, 7), lease(8, 8));
    assertThat(due(1, 10_999, lease(7, 7), lease(8, 8))).isEmpty();
    assertThat(due(1, 11_000, lease(7, 7), lease(8, 9))).extracting(ExpiringLease::getId)
        .containsExactly(7L);
  }

  @Test
  void nextDueIsTheEarliestKnownDeadlineAndForgetsEndedLeases() {
    assertThat(expiry.nextDueMillis(1)).isEqualTo(Long.MIN_VALUE);
    due(1, 1_000);
    assertThat(expiry.nextDueMillis(1)).isEqualTo(Long.MAX_VALUE);
    due(1, 1_000, lease(7, 7), lease(8, 8));
    due(1, 4_000, lease(7, 7), lease(8, 30));
    assertThat(expiry.nextDueMillis(1)).isEqualTo(11_000);
    due(1, 5_000, lease(8, 30));
    assertThat(expiry.nextDueMillis(1)).isEqualTo(14_000);
    assertThat(expiry.nextDueMillis(2)).as("another term").isEqualTo(Long.MIN_VALUE);
  }
}
