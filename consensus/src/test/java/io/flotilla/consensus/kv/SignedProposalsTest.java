package io.flotilla.consensus.kv;

import static io.flotilla.consensus.kv.Commands.expire;
import static io.flotilla.consensus.kv.Commands.get;
import static io.flotilla.consensus.kv.Commands.grant;
import static io.flotilla.consensus.kv.Commands.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.identity.ProposalSignature;
import io.flotilla.consensus.proto.AgentIdentity;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatch;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.EnrollAgentRequest;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.IdentityListRequest;
import io.flotilla.consensus.proto.IdentityListResponse;
import io.flotilla.consensus.proto.ProposalRejections;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.RevokeAgentRequest;
import io.flotilla.consensus.proto.SignedCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Signed proposals on three replicas fed the same entries: what applies, what is refused, and
 * that every replica refuses alike, with the same replies, counts and digest.
 */
class SignedProposalsTest {
  private static final UUID GROUP = UUID.nameUUIDFromBytes("squad-1".getBytes());
  private static final UUID OTHER_GROUP = UUID.nameUUIDFromBytes("squad-2".getBytes());

  private final KeyPair drone7 = ed25519();
  private final KeyPair drone8 = ed25519();
  private final KeyPair stranger = ed25519();

  /** Three replicas of one group; every entry goes to all of them, and their replies must agree. */
  private static final class Group {
    final List<Replica> replicas;

    /** As a group starts: its first leader sets the group's rules from its config. */
    Group(boolean requireSignatures) {
      replicas = List.of(replica(requireSignatures), replica(requireSignatures),
          replica(requireSignatures));
      replicas.get(0).sm.rulesProposal().ifPresent(rules -> {
        for (Replica r : replicas) {
          assertThat(r.apply(rules).hasSetRules()).isTrue();
        }
      });
    }

    static Replica replica(boolean requireSignatures) {
      return new Replica(new FleetStateMachine(GROUP, Limits.DEFAULT, requireSignatures));
    }

    CommandReply apply(Command command) {
      CommandReply first = replicas.get(0).apply(command);
      for (Replica r : replicas.subList(1, replicas.size())) {
        assertThat(r.apply(command)).isEqualTo(first);
      }
      assertSameState();
      return first;
    }

    void assertSameState() {
      var digest = replicas.get(0).sm.digest();
      for (Replica r : replicas) {
        assertThat(r.sm.digest()).isEqualTo(digest);
        assertThat(r.sm.identities()).isEqualTo(replicas.get(0).sm.identities());
      }
    }

    IdentityListResponse identities() {
      IdentityListResponse viaQuery = replicas.get(0).query(Query.newBuilder()
          .setIdentityList(IdentityListRequest.getDefaultInstance()).build()).getIdentityList();
      assertThat(viaQuery).isEqualTo(replicas.get(0).sm.identities());
      return viaQuery;
    }

    boolean has(String key) {
      return replicas.get(0).query(get(key)).getRange().getKvsCount() == 1;
    }
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static Command enroll(String agent, KeyPair key) {
    return Command.newBuilder().setEnroll(EnrollAgentRequest.newBuilder().setAgent(agent)
        .setPublicKey(ByteString.copyFrom(key.getPublic().getEncoded()))).build();
  }

  private static Command revokeAgent(String agent) {
    return Command.newBuilder().setRevoke(RevokeAgentRequest.newBuilder().setAgent(agent)).build();
  }

  private static Command signed(UUID group, String agent, long sequence, Command command,
      KeyPair key) {
    return Command.newBuilder().setSigned(ProposalSignature.sign(group, agent, sequence,
        command.toByteString(), key.getPrivate())).build();
  }

  private static Command signed(String agent, long sequence, Command command, KeyPair key) {
    return signed(GROUP, agent, sequence, command, key);
  }

  private static ProposalRejections counts(int forged, int replayed, int unenrolled,
      int unsigned) {
    return ProposalRejections.newBuilder().setForged(forged).setReplayed(replayed)
        .setUnenrolled(unenrolled).setUnsigned(unsigned).build();
  }

  private static void assertRefused(CommandReply reply, String message) {
    assertThat(reply.getError().getCode()).isEqualTo(Error.Code.PERMISSION_DENIED);
    assertThat(reply.getError().getMessage()).isEqualTo(message);
  }

  /** A group with drone-7 and drone-8 enrolled: the first unsigned, then by drone-7. */
  private Group bootstrapped(boolean requireSignatures) {
    Group g = new Group(requireSignatures);
    assertThat(g.apply(enroll("drone-7", drone7)).hasEnroll()).isTrue();
    assertThat(g.apply(signed("drone-7", 1, enroll("drone-8", drone8), drone7)).hasEnroll())
        .isTrue();
    return g;
  }

  @Test
  void signedProposalsOfAnEnrolledAgentApplyAndABatchStaysABatch() {
    Group g = bootstrapped(true);

    assertThat(g.apply(signed("drone-7", 2, put("a", "1"), drone7)).getPut().getRevision())
        .isEqualTo(1);
    CommandReply batch = g.apply(signed("drone-8", 5, Command.newBuilder().setBatch(
        CommandBatch.newBuilder().addCommands(put("b", "1")).addCommands(put("c", "1"))).build(),
        drone8));

    assertThat(batch.getBatch().getRepliesList()).extracting(r -> r.getPut().getRevision())
        .containsExactly(2L, 3L);
    assertThat(g.has("a") && g.has("b") && g.has("c")).isTrue();
    assertThat(g.identities().getAgentsList()).extracting(AgentIdentity::getAgent,
        AgentIdentity::getLastSequence).containsExactly(
            tuple("drone-7", 2L),
            tuple("drone-8", 5L));
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 0, 0));
  }

  @Test
  void aNumberedCommandSignedAgainWithANewSequenceAppliesOnce() {
    Group g = bootstrapped(true);
    Command numbered = ClientSessionsTest.numbered(ByteString.copyFrom(new byte[16]), 1, 1,
        put("a", "1"));

    CommandReply first = g.apply(signed("drone-7", 2, numbered, drone7));
    CommandReply again = g.apply(signed("drone-7", 3, numbered, drone7));

    assertThat(first.getPut().getRevision()).isEqualTo(1);
    assertThat(again).isEqualTo(first);
    assertThat(g.identities().getAgents(0).getLastSequence()).isEqualTo(3);
  }

  @Test
  void aForgedSignatureIsRefusedOnEveryReplicaAndCounted() {
    Group g = bootstrapped(false);

    CommandReply forged = g.apply(signed("drone-7", 2, put("a", "stolen"), stranger));

    assertRefused(forged, "proposal from drone-7 is signed with a key that is not drone-7's");
    assertThat(g.has("a")).isFalse();
    assertThat(g.identities().getRejections()).isEqualTo(counts(1, 0, 0, 0));
    // Its sequence was not taken: the real drone-7 can still use it.
    assertThat(g.apply(signed("drone-7", 2, put("a", "1"), drone7)).hasPut()).isTrue();
  }

  @Test
  void aTamperedCommandUnderAGenuineSignatureIsForged() {
    Group g = bootstrapped(false);
    SignedCommand genuine = signed("drone-7", 2, put("a", "1"), drone7).getSigned();

    CommandReply tampered = g.apply(Command.newBuilder().setSigned(genuine.toBuilder()
        .setCommand(put("a", "2").toByteString())).build());

    assertRefused(tampered, "proposal from drone-7 is signed with a key that is not drone-7's");
    assertThat(g.identities().getRejections().getForged()).isEqualTo(1);
  }

  @Test
  void aReplayOfAnAcceptedSignedEntryIsRefusedOnEveryReplica() {
    Group g = bootstrapped(false);
    Command first = signed("drone-7", 10, put("a", "1"), drone7);
    g.apply(first);
    g.apply(put("a", "changed"));

    assertRefused(g.apply(first), "proposal from drone-7 replays sequence 10");
    assertRefused(g.apply(signed("drone-7", 9, put("a", "older"), drone7)),
        "proposal from drone-7 replays sequence 9");

    assertThat(g.replicas.get(0).query(get("a")).getRange().getKvs(0).getValue().toStringUtf8())
        .isEqualTo("changed");
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 2, 0, 0));
  }

  @Test
  void aProposalSignedForAnotherGroupIsForgedHere() {
    Group g = bootstrapped(false);

    CommandReply elsewhere = g.apply(signed(OTHER_GROUP, "drone-7", 2, put("a", "1"), drone7));

    assertRefused(elsewhere, "proposal from drone-7 is signed with a key that is not drone-7's");
    assertThat(g.identities().getRejections()).isEqualTo(counts(1, 0, 0, 0));
  }

  @Test
  void anAgentThatIsNotEnrolledIsRefused() {
    Group g = bootstrapped(false);

    assertRefused(g.apply(signed("drone-9", 1, put("a", "1"), stranger)),
        "proposal from drone-9 refused: drone-9 is not enrolled");
    // Nor may it enroll itself, now that the group has agents.
    assertRefused(g.apply(signed("drone-9", 2, enroll("drone-9", stranger), stranger)),
        "proposal from drone-9 refused: drone-9 is not enrolled");

    assertThat(g.identities().getAgentsList()).extracting(AgentIdentity::getAgent)
        .containsExactly("drone-7", "drone-8");
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 2, 0));
  }

  @Test
  void aRevokedAgentIsRefusedAndItsOldProposalsNeverReplay() {
    Group g = bootstrapped(false);
    Command old = signed("drone-8", 50, put("a", "1"), drone8);
    g.apply(old);

    assertThat(g.apply(signed("drone-7", 2, revokeAgent("drone-8"), drone7)).hasRevoke()).isTrue();
    assertRefused(g.apply(signed("drone-8", 51, put("a", "2"), drone8)),
        "proposal from drone-8 refused: drone-8 is not enrolled");

    // Enrolled again (with the same key): its sequence survived the revoke.
    g.apply(signed("drone-7", 3, enroll("drone-8", drone8), drone7));
    assertRefused(g.apply(old), "proposal from drone-8 replays sequence 50");
    assertThat(g.apply(signed("drone-8", 52, put("a", "3"), drone8)).hasPut()).isTrue();
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 1, 1, 0));
  }

  @Test
  void anAgentsKeyIsReplacedOnlyAfterARevoke() {
    Group g = bootstrapped(false);

    assertThat(g.apply(signed("drone-7", 2, enroll("drone-8", drone8), drone7)).hasEnroll())
        .as("enrolling the key it has changes nothing").isTrue();
    CommandReply replace = g.apply(signed("drone-7", 3, enroll("drone-8", stranger), drone7));
    assertThat(replace.getError().getCode()).isEqualTo(Error.Code.INVALID_ARGUMENT);
    assertThat(replace.getError().getMessage())
        .isEqualTo("agent drone-8 is enrolled with another key; revoke it first");

    g.apply(signed("drone-7", 4, revokeAgent("drone-8"), drone7));
    g.apply(signed("drone-7", 5, enroll("drone-8", stranger), drone7));
    assertThat(g.apply(signed("drone-8", 6, put("a", "1"), stranger)).hasPut()).isTrue();
    assertRefused(g.apply(signed("drone-8", 7, put("a", "1"), drone8)),
        "proposal from drone-8 is signed with a key that is not drone-8's");
  }

  @Test
  void underRequiredSignaturesAnUnsignedProposalIsRefusedOnEveryReplica() {
    Group g = bootstrapped(true);

    assertRefused(g.apply(put("a", "1")),
        "unsigned proposal refused: this group requires signed proposals");
    assertRefused(g.apply(grant(5000)),
        "unsigned proposal refused: this group requires signed proposals");

    assertThat(g.has("a")).isFalse();
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 0, 2));
  }

  @Test
  void withoutTheRequirementUnsignedProposalsApplyAndSignedOnesAreStillChecked() {
    Group g = bootstrapped(false);

    assertThat(g.apply(put("a", "1")).hasPut()).isTrue();
    assertRefused(g.apply(signed("drone-7", 2, put("a", "2"), stranger)),
        "proposal from drone-7 is signed with a key that is not drone-7's");
  }

  @Test
  void anUnsignedEnrollBootstrapsOnlyAnEmptyRegistry() {
    Group g = new Group(true);
    assertThat(g.apply(enroll("drone-7", drone7)).hasEnroll()).isTrue();

    assertRefused(g.apply(enroll("drone-9", stranger)), "unsigned enroll refused: once an agent "
        + "is enrolled, only a proposal signed by an enrolled agent may enroll or revoke");
    assertRefused(g.apply(revokeAgent("drone-7")), "unsigned revoke refused: once an agent "
        + "is enrolled, only a proposal signed by an enrolled agent may enroll or revoke");
    assertThat(g.identities().getAgentsList()).extracting(AgentIdentity::getAgent)
        .containsExactly("drone-7");
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 0, 2));

    // Whatever the requirement, once the last agent is revoked the registry bootstraps again.
    g.apply(signed("drone-7", 1, revokeAgent("drone-7"), drone7));
    assertThat(g.apply(enroll("drone-8", drone8)).hasEnroll()).isTrue();
  }

  @Test
  void anAgentMayEnrollItselfWithItsOwnSignatureOnlyWhileTheRegistryIsEmpty() {
    Group g = new Group(true);

    assertRefused(g.apply(signed("drone-7", 1, enroll("drone-7", drone7), stranger)),
        "proposal from drone-7 is signed with a key that is not drone-7's");
    assertThat(g.apply(signed("drone-7", 1, enroll("drone-7", drone7), drone7)).hasEnroll())
        .isTrue();
    assertRefused(g.apply(signed("drone-8", 1, enroll("drone-8", drone8), drone8)),
        "proposal from drone-8 refused: drone-8 is not enrolled");
    assertThat(g.identities().getAgentsList()).extracting(AgentIdentity::getLastSequence)
        .containsExactly(1L);
  }

  @Test
  void leaseExpiriesStillApplyUnsignedUnderRequiredSignatures() {
    Group g = bootstrapped(true);
    long lease = g.apply(signed("drone-7", 2, grant(1000), drone7)).getLeaseGrant().getId();
    g.apply(signed("drone-7", 3, put("k", "v", lease), drone7));

    CommandReply expired = g.apply(expire(lease, lease));

    assertThat(expired.getLeaseExpire().getExpiredList()).containsExactly(lease);
    assertThat(g.has("k")).isFalse();
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 0, 0));
  }

  @Test
  void aSignedProposalHoldingAnotherIsInvalidAndUncounted() {
    Group g = bootstrapped(false);
    Command inner = signed("drone-7", 2, put("a", "1"), drone7);

    CommandReply nested = g.apply(signed("drone-7", 3, inner, drone7));

    assertThat(nested.getError().getCode()).isEqualTo(Error.Code.INVALID_ARGUMENT);
    assertThat(nested.getError().getMessage())
        .isEqualTo("a signed proposal holds another signed proposal");
    assertThat(g.identities().getRejections()).isEqualTo(counts(0, 0, 0, 0));
    assertThat(g.identities().getAgents(0).getLastSequence()).isEqualTo(1);
  }

  @Test
  void theLeaderChecksShapesButLeavesSignaturesToTheReplicas() {
    FleetStateMachine sm = new FleetStateMachine(GROUP, Limits.DEFAULT, true);

    assertThatCode(() -> sm.validate(signed("drone-7", 1, put("a", "1"), stranger)
        .toByteString(), false)).doesNotThrowAnyException();
    assertThat(catchThrowable(() -> sm.validate(
        signed("drone-7", 1, put("", "1"), drone7).toByteString(), false)))
        .hasMessage("key must not be empty");
    assertThat(catchThrowable(() -> sm.validate(
        Command.newBuilder().setEnroll(EnrollAgentRequest.newBuilder().setAgent("drone-7")
            .setPublicKey(ByteString.copyFromUtf8("not a key"))).build().toByteString(), false)))
        .hasMessageStartingWith("public key is not an Ed25519 key");
  }

  @Test
  void aSnapshotKeepsKeysSequencesAndCounts() throws IOException {
    Group g = bootstrapped(true);
    Command accepted = signed("drone-8", 40, put("a", "1"), drone8);
    g.apply(accepted);
    g.apply(signed("drone-7", 2, revokeAgent("drone-8"), drone7));
    g.apply(signed("drone-7", 3, put("b", "1"), stranger));
    g.apply(put("c", "1"));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    g.replicas.get(0).sm.writeSnapshot(out);
    Replica restored = Group.replica(true);
    restored.sm.restoreSnapshot(new ByteArrayInputStream(out.toByteArray()));
    restored.index = g.replicas.get(0).index;

    assertThat(restored.sm.digest()).isEqualTo(g.replicas.get(0).sm.digest());
    assertThat(restored.sm.identities()).isEqualTo(g.identities());
    assertThat(restored.sm.identities().getRejections()).isEqualTo(counts(1, 0, 0, 1));
    // drone-8's sequence outlived its revoke and the snapshot.
    restored.apply(signed("drone-7", 4, enroll("drone-8", drone8), drone7));
    assertRefused(restored.apply(accepted), "proposal from drone-8 replays sequence 40");
    assertThat(restored.apply(signed("drone-7", 5, put("d", "1"), drone7)).hasPut()).isTrue();
  }
}
