package io.flotilla.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.api.AgentsReply;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.EnrollCall;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.StateDigestResponse;
import io.flotilla.consensus.group.FleetGroup;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents that sign their proposals with identity keys from the fleet CA, in a group that
 * requires signatures, enrolled through the API: their writes apply; a forged, a replayed and an
 * unsigned proposal, built by hand and sent around the agents, are refused alike on every
 * replica; and an agent whose key is not enrolled cannot write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedProposalsApiTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private Path certs;
  private InProcessAgents fleet;
  private FleetClient raw;

  @BeforeAll
  void start() throws Exception {
    certs = dir.resolve("certs");
    FleetCa ca = FleetCa.init(certs);
    for (String name : List.of("n1", "n2", "n3", "drone-9", "mallory")) {
      ca.issue(name, List.of(), Duration.ofDays(1), certs);
    }
    fleet = new InProcessAgents(dir, 3, "identity-key: " + certs.resolve("{id}.identity.key")
        + "\nsigned-proposals: required\n");
    await().atMost(WAIT).until(() -> fleet.settledLeaderIndex() >= 0);
    raw = FleetClient.builder(group()).timeout(Duration.ofSeconds(10)).build();

    // n1 enrolls itself (the first enroll, proved by its own signature); then n1 enrolls the
    // others, the keys sent as PEM text and as DER.
    enroll(0, "n1", Files.readAllBytes(certs.resolve("n1.identity.pub")));
    enroll(0, "n2", Files.readAllBytes(certs.resolve("n2.identity.pub")));
    enroll(0, "n3", FleetCa.readPublicKey(certs.resolve("n3.identity.pub")).getEncoded());
    AgentsReply agents = enroll(0, "drone-9",
        Files.readAllBytes(certs.resolve("drone-9.identity.pub")));
    assertThat(agents.getAgentsList()).extracting(AgentIdentity::getAgent)
        .containsExactly("drone-9", "n1", "n2", "n3");
  }

  @AfterAll
  void stop() throws Exception {
    if (raw != null) {
      raw.close();
    }
    fleet.close();
  }

  private FleetGroup group() {
    return fleet.node(0).config().groups().get(0);
  }

  private ClusterGrpc.ClusterBlockingStub cluster(int node) {
    return ClusterGrpc.newBlockingStub(fleet.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private KVGrpc.KVBlockingStub kv(int node) {
    return KVGrpc.newBlockingStub(fleet.channel(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private AgentsReply enroll(int node, String agent, byte[] publicKey) {
    return cluster(node).enrollAgent(EnrollCall.newBuilder().setAgentId(agent)
        .setPublicKey(ByteString.copyFrom(publicKey)).build());
  }

  private static PutCall put(String key, String value) {
    return PutCall.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value))).build();
  }

  private static Command putCommand(String key, String value) {
    return Command.newBuilder().setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8(value))).build();
  }

  private Command signedByHand(String agent, long sequence, Command command, String keyOf) {
    PrivateKey key = FleetCa.readPrivateKey(certs.resolve(keyOf + ".identity.key"));
    UUID group = group().ratisId().getUuid();
    return Command.newBuilder().setSigned(
        ProposalSignature.sign(group, agent, sequence, command.toByteString(), key)).build();
  }

  private void assertRefused(Command command, String message) {
    assertThatThrownBy(() -> raw.propose(command)).isInstanceOfSatisfying(FleetException.class,
        e -> {
          assertThat(e.code()).isEqualTo(FleetException.Code.PERMISSION_DENIED);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  private String value(int node, String key) {
    return kv(node).range(RangeCall.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key))).build()).getKvs(0).getValue().toStringUtf8();
  }

  /** Every replica's counts, once all have applied the same entries with identical states. */
  private List<ProposalRejections> countsOnEveryReplica() throws Exception {
    await().atMost(WAIT).until(() -> {
      List<StateDigestResponse> digests = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        digests.add(fleet.node(i).server().stateMachine("fleet").digest());
      }
      return digests.stream().distinct().count() == 1;
    });
    List<ProposalRejections> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      counts.add(fleet.node(i).server().stateMachine("fleet").identities().getRejections());
    }
    return counts;
  }

  @Test
  void writesThroughEveryAgentsApiApply() {
    for (int i = 0; i < 3; i++) {
      kv(i).put(put("mission/leg-" + i, "signed by n" + (i + 1)));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(value((i + 1) % 3, "mission/leg-" + i)).isEqualTo("signed by n" + (i + 1));
    }
  }

  @Test
  void forgedReplayedAndUnsignedProposalsAreRefusedAlikeOnEveryReplica() throws Exception {
    ProposalRejections before = countsOnEveryReplica().get(0);
    long sequence = System.currentTimeMillis() * 1000;

    assertRefused(signedByHand("n1", sequence, putCommand("mission/plan", "hijacked"), "mallory"),
        "proposal from n1 is signed with a key that is not n1's");
    Command genuine = signedByHand("drone-9", sequence, putCommand("drone-9/pos", "1"), "drone-9");
    assertThat(raw.propose(genuine).getPut().getRevision()).isPositive();
    kv(1).put(put("drone-9/pos", "2"));
    assertRefused(genuine, "proposal from drone-9 replays sequence " + sequence);
    assertRefused(putCommand("mission/plan", "unsigned"),
        "unsigned proposal refused: this group requires signed proposals");

    assertThat(value(2, "drone-9/pos")).isEqualTo("2");
    List<ProposalRejections> counts = countsOnEveryReplica();
    assertThat(counts).containsOnly(counts.get(0));
    assertThat(counts.get(0)).isEqualTo(before.toBuilder()
        .setForged(before.getForged() + 1)
        .setReplayed(before.getReplayed() + 1)
        .setUnsigned(before.getUnsigned() + 1).build());
    for (int i = 0; i < 3; i++) {
      int node = i;
      await().atMost(WAIT).untilAsserted(() -> assertThat(AgentApiTest.scrape(
              fleet.metricsPort(node)))
          .containsEntry("flotilla_proposals_rejected_total{group=\"fleet\",reason=\"forged\"}",
              (double) counts.get(0).getForged())
          .containsEntry("flotilla_proposals_rejected_total{group=\"fleet\",reason=\"replayed\"}",
              (double) counts.get(0).getReplayed()));
    }
    AgentsReply listed = cluster(2).listAgents(GroupCall.getDefaultInstance());
    assertThat(listed.getGroup()).isEqualTo("fleet");
    assertThat(listed.getRejections()).isEqualTo(counts.get(0));
  }

  @Test
  void anAgentWhoseKeyIsNotEnrolledCannotWriteThroughItsApi() {
    cluster(0).revokeAgent(MemberCall.newBuilder().setId("n3").build());

    assertThatThrownBy(() -> kv(2).put(put("mission/plan", "from n3")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("proposal from n3 refused: n3 is not enrolled");
        });
    assertThat(cluster(2).listAgents(GroupCall.getDefaultInstance()).getAgentsList())
        .extracting(AgentIdentity::getAgent).doesNotContain("n3");

    enroll(1, "n3", FleetCa.readPublicKey(certs.resolve("n3.identity.pub")).getEncoded());
    kv(2).put(put("mission/plan", "from n3"));
    assertThat(value(0, "mission/plan")).isEqualTo("from n3");
  }

  @Test
  void aKeyThatIsNotAnEd25519PublicKeyIsAnInvalidArgument() {
    assertThatThrownBy(() -> enroll(0, "drone-10", "not a key".getBytes()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    byte[] tlsKey = FleetCa.readCertificates(certs.resolve("n1.pem")).get(0).getPublicKey()
        .getEncoded();
    assertThatThrownBy(() -> enroll(0, "drone-10", tlsKey))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .startsWith("public key is not an Ed25519 key");
        });
  }
}
