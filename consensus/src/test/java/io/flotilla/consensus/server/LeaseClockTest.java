package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.PutRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a lease means on a real group, whatever members' wall clocks do: an NTP or GPS sync
 * steps them on a board without a real-time clock. The servers' wall clock, their monotonic
 * clock and their periodic duties are the test's: a lease check runs only when the test says
 * so, and time passes only when the test moves it.
 */
class LeaseClockTest {
  private static final String GROUP = "leases";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final long HOUR = 3_600_000;

  @TempDir Path dir;
  private final AtomicLong wall = new AtomicLong(1_800_000_000_000L);
  private final AtomicLong monotonic = new AtomicLong();
  private final ManualTimers timers = new ManualTimers();

  private LocalFleet start() throws Exception {
    LocalFleet fleet = LocalFleet.start(dir, GROUP, 3, b -> b.clock(wall::get).monotonicClock(monotonic::get).sharedTimers(timers));
    fleet.awaitLeader(WAIT);
    return fleet;
  }

  /** Runs every member's lease check, then a write: whatever the checks proposed has applied. */
  private void checkLeases(FleetClient client) {
    timers.runDuties();
    client.put("barrier", "after the lease checks");
  }

  private static long holdKey(FleetClient client, String key) {
    long lease = client.grantLease(TTL).getId();
    client.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("held")).setLease(lease).build());
    return lease;
  }

  /** Time passes on every member alike: both clocks move. */
  private void elapse(long millis) {
    wall.addAndGet(millis);
    monotonic.addAndGet(millis);
  }

  @Test
  void aForwardStepOfTheWallClockEndsNoLeaseRenewedWithinItsTtl() throws Exception {
    try (LocalFleet fleet = start(); FleetClient client = fleet.client(WAIT)) {
      long lease = holdKey(client, "coordinator");
      checkLeases(client);
      client.keepAlive(lease);

      wall.addAndGet(HOUR);
      checkLeases(client);
      checkLeases(client);

      assertThat(client.get("coordinator")).as("key on a lease renewed just before the step")
          .isPresent();
    }
  }

  @Test
  void aBackwardStepOfTheWallClockKeepsNoDeadHoldersLeaseAlive() throws Exception {
    try (LocalFleet fleet = start(); FleetClient client = fleet.client(WAIT)) {
      holdKey(client, "coordinator");
      checkLeases(client);

      wall.addAndGet(-HOUR);
      elapse(TTL.toMillis());
      checkLeases(client);
      checkLeases(client);

      assertThat(client.get("coordinator")).as("key on a lease not renewed for a TTL").isEmpty();
    }
  }

  @Test
  void aLeaseKeptAliveOutlivesItsTtlAndOneLeftAloneEndsWithItsKeysOnEveryReplica()
      throws Exception {
    try (LocalFleet fleet = start(); FleetClient client = fleet.client(WAIT)) {
      long lease = holdKey(client, "presence/drone-7");
      client.put("plan", "survey north field");
      checkLeases(client);
      for (int i = 0; i < 5; i++) {
        elapse(TTL.toMillis() / 2);
        client.keepAlive(lease);
        checkLeases(client);
      }
      assertThat(client.get("presence/drone-7")).as("kept alive for 2.5 TTLs").isPresent();

      elapse(TTL.toMillis() - 1);
      checkLeases(client);
      assertThat(client.get("presence/drone-7")).as("a TTL less 1 ms after the last renewal")
          .isPresent();
      elapse(1);
      checkLeases(client);

      assertThat(client.get("presence/drone-7")).isEmpty();
      assertThat(client.get("plan")).isPresent();
      Replicas.awaitIdentical(fleet, WAIT);
      assertThatThrownBy(() -> client.keepAlive(lease))
          .isInstanceOfSatisfying(FleetException.class,
              e -> assertThat(e.code()).isEqualTo(FleetException.Code.LEASE_NOT_FOUND));
    }
  }

  @Test
  void aNewLeaderGivesEveryLeaseAFreshTtlBeforeItExpiresAny() throws Exception {
    try (LocalFleet fleet = start(); FleetClient client = fleet.client(WAIT)) {
      holdKey(client, "coordinator");
      checkLeases(client);
      elapse(TTL.toMillis() - 1_000);

      fleet.stop(fleet.awaitLeader(WAIT).id());
      fleet.awaitLeader(WAIT);
      client.put("after", "the failover");
      checkLeases(client);
      elapse(TTL.toMillis() - 1);
      checkLeases(client);
      assertThat(client.get("coordinator")).as("past the old leader's deadline").isPresent();

      elapse(1);
      checkLeases(client);
      assertThat(client.get("coordinator")).as("a TTL after the new leader's first look")
          .isEmpty();
    }
  }

  @Test
  void aClientCannotProposeALeaseExpiry() throws Exception {
    try (LocalFleet fleet = start(); FleetClient client = fleet.client(WAIT)) {
      long lease = holdKey(client, "coordinator");
      long renewed = client.leases().get(0).getRenewedIndex();
      Command expiry = Command.newBuilder().setLeaseExpire(LeaseExpireRequest.newBuilder()
          .addLeases(ExpiringLease.newBuilder().setId(lease).setRenewedIndex(renewed))).build();

      assertThatThrownBy(() -> client.propose(expiry))
          .isInstanceOfSatisfying(FleetException.class, e -> {
            assertThat(e.code()).isEqualTo(FleetException.Code.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("proposed only by the group's leader");
          });
      assertThat(client.get("coordinator")).isPresent();
    }
  }
}
