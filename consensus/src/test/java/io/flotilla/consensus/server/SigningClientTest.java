package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.PutResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that sign, on a group that requires signatures: every command they send, batched or
 * not, concurrent or not, applies in order; an unsigned client is refused.
 */
class SigningClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  private static LocalFleet signedFleet(Path dir) throws Exception {
    return LocalFleet.start(dir, "squad", 3, b -> b.requireSignatures(true));
  }

  private static FleetClient signing(LocalFleet fleet, String agent, KeyPair key) {
    return FleetClient.builder(fleet.group()).timeout(WAIT).signer(agent, key.getPrivate())
        .build();
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }

  @Test
  void aSigningClientEnrollsItselfThenItsConcurrentWritesAndLeasesAllApply() throws Exception {
    KeyPair key = ed25519();
    try (LocalFleet fleet = signedFleet(dir);
        FleetClient drone = signing(fleet, "drone-7", key)) {
      fleet.awaitLeader(WAIT);
      drone.enroll("drone-7", key.getPublic());

      // Batches from the write path and leases sent beside them share one sequence order.
      List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
      List<CompletableFuture<LeaseGrantResponse>> leases = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        puts.add(drone.putAsync(put("k" + i)));
        if (i % 30 == 0) {
          leases.add(drone.grantLeaseAsync(Duration.ofSeconds(30)));
        }
      }
      List<Long> revisions = puts.stream().map(f -> f.join().getRevision()).toList();
      leases.forEach(CompletableFuture::join);

      assertThat(revisions).isSorted().doesNotHaveDuplicates().hasSize(300);
      assertThat(drone.identities().getRejections())
          .isEqualTo(ProposalRejections.getDefaultInstance());
      assertThat(drone.identities().getAgentsList()).extracting(AgentIdentity::getAgent)
          .containsExactly("drone-7");
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }

  @Test
  void anInvalidWriteOfASignedBatchFailsAloneAndTheOthersAreSignedAgain() throws Exception {
    KeyPair key = ed25519();
    try (LocalFleet fleet = signedFleet(dir);
        FleetClient drone = signing(fleet, "drone-7", key)) {
      fleet.awaitLeader(WAIT);
      drone.enroll("drone-7", key.getPublic());
      drone.put("first", "v");

      List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        puts.add(drone.putAsync(put(i == 25 ? "" : "k" + i)));
      }

      for (int i = 0; i < 50; i++) {
        if (i == 25) {
          assertThatThrownBy(puts.get(i)::join).isInstanceOf(CompletionException.class)
              .hasCauseInstanceOf(FleetException.class).hasMessageContaining("key must not be empty");
        } else {
          assertThat(puts.get(i).join().getRevision()).isPositive();
        }
      }
      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(50);
      assertThat(drone.identities().getRejections().getReplayed()).isZero();
    }
  }

  @Test
  void anUnsignedClientIsRefusedWhileTheLeaderStillExpiresLeases() throws Exception {
    KeyPair key = ed25519();
    try (LocalFleet fleet = signedFleet(dir);
        FleetClient drone = signing(fleet, "drone-7", key);
        FleetClient anonymous = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      drone.enroll("drone-7", key.getPublic());
      long lease = drone.grantLease(Duration.ofSeconds(1)).getId();
      drone.put(put("held").toBuilder().setLease(lease).build());

      assertThatThrownBy(() -> anonymous.put("mission/plan", "hijacked"))
          .isInstanceOfSatisfying(FleetException.class, e ->
              assertThat(e.code()).isEqualTo(FleetException.Code.PERMISSION_DENIED))
          .hasMessage("unsigned proposal refused: this group requires signed proposals");
      assertThatThrownBy(() -> anonymous.enroll("intruder", ed25519().getPublic()))
          .hasMessageStartingWith("unsigned enroll refused");

      await().atMost(WAIT).until(() -> drone.get("held").isEmpty());
      assertThat(drone.get("mission/plan")).isEmpty();
      assertThat(drone.identities().getRejections().getUnsigned()).isEqualTo(2);
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }
}
