package io.flotilla.consensus.kv;

import static io.flotilla.consensus.kv.Commands.grant;
import static io.flotilla.consensus.kv.Commands.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.GroupRules;
import io.flotilla.consensus.proto.GroupRulesRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.statemachine.CommittedEntry;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import io.flotilla.consensus.statemachine.ProposalRefusedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Replicas whose members were configured differently (a rolling change of the agents' YAML)
 * apply the same log alike: what applies depends on the log, never on a member's own config.
 */
class GroupRulesTest {
  private static final UUID GROUP = UUID.nameUUIDFromBytes("squad-1".getBytes());

  @Test
  void replicasWithDifferentValueLimitsApplyALongValueAlike() {
    Replica strict = new Replica(Limits.DEFAULT.withMaxValueBytes(8));
    Replica loose = new Replica(Limits.DEFAULT);

    CommandReply onStrict = strict.apply(put("mission/plan", "a value longer than eight bytes"));
    CommandReply onLoose = loose.apply(put("mission/plan", "a value longer than eight bytes"));

    assertThat(onStrict).isEqualTo(onLoose);
    assertThat(strict.sm.digest()).isEqualTo(loose.sm.digest());
  }

  @Test
  void replicasWithDifferentSignaturePoliciesApplyAnUnsignedWriteAlike() {
    Replica requiring = new Replica(new FleetStateMachine(GROUP, Limits.DEFAULT, true));
    Replica lenient = new Replica(new FleetStateMachine(GROUP, Limits.DEFAULT, false));

    CommandReply onRequiring = requiring.apply(put("mission/plan", "v1"));
    CommandReply onLenient = lenient.apply(put("mission/plan", "v1"));

    assertThat(onRequiring).isEqualTo(onLenient);
    assertThat(requiring.sm.digest()).isEqualTo(lenient.sm.digest());
  }

  @Test
  void theRulesTheLogSetsDecideOnEveryReplicaWhateverItsConfig() {
    Replica strict = new Replica(Limits.DEFAULT.withMaxValueBytes(8));
    Replica loose = new Replica(Limits.DEFAULT);
    ByteString rules = strict.sm.rulesProposal().orElseThrow();

    assertThat(List.of(strict.apply(rules), loose.apply(rules)))
        .allMatch(CommandReply::hasSetRules);
    assertThat(loose.sm.rules().getMaxValueBytes()).isEqualTo(8);
    CommandReply onStrict = strict.apply(put("mission/plan", "a value longer than eight bytes"));
    CommandReply onLoose = loose.apply(put("mission/plan", "a value longer than eight bytes"));

    assertThat(onLoose).isEqualTo(onStrict);
    assertThat(onLoose.getError().getMessage()).isEqualTo("value is 31 bytes, over the limit of 8");
    assertThat(strict.sm.digest()).isEqualTo(loose.sm.digest());
  }

  @Test
  void aLeaderProposesItsConfiguredRulesOnlyWhileTheyAreNotTheGroups() {
    Replica same = new Replica(Limits.DEFAULT);
    Replica changed = new Replica(new FleetStateMachine(GROUP, Limits.DEFAULT, true));

    assertThat(same.sm.rulesProposal()).isEmpty();
    ByteString proposal = changed.sm.rulesProposal().orElseThrow();
    assertThat(changed.apply(proposal).hasSetRules()).isTrue();
    assertThat(changed.sm.rulesProposal()).isEmpty();
    assertThat(changed.sm.rules()).isEqualTo(Limits.DEFAULT.rules(true));
    // Another member's rules win while it leads; this member proposes its own again.
    assertThat(changed.apply(Command.newBuilder().setSetRules(Limits.DEFAULT.rules(false)).build())
        .hasSetRules()).isTrue();
    assertThat(changed.sm.rulesProposal()).contains(proposal);
  }

  @Test
  void aCommandWithTheLeadersRulesAsPreludeAppliesByThemOnEveryReplica() throws Exception {
    FleetStateMachine leader = new FleetStateMachine(Limits.DEFAULT.withMaxValueBytes(8));
    FleetStateMachine follower = new FleetStateMachine(Limits.DEFAULT);
    assertThat(follower.prelude()).as("a member whose rules are the group's").isEmpty();
    ByteString prelude = leader.prelude();
    assertThat(prelude).isEqualTo(leader.rulesProposal().orElseThrow());

    ByteString longValue = put("mission/plan", "a value longer than eight bytes").toByteString();
    List<CommandReply> replies = new ArrayList<>();
    for (FleetStateMachine sm : List.of(leader, follower)) {
      replies.add(CommandReply.parseFrom(sm.apply(new CommittedEntry(1, 1, 0, prelude,
          longValue))));
    }

    assertThat(replies.get(0)).isEqualTo(replies.get(1));
    assertThat(replies.get(0).getError().getMessage())
        .isEqualTo("value is 31 bytes, over the limit of 8");
    assertThat(follower.rules().getMaxValueBytes()).isEqualTo(8);
    assertThat(leader.prelude()).as("once the rules are the group's").isEmpty();
    assertThat(leader.digest()).isEqualTo(follower.digest());
  }

  @Test
  void aPreludeThatIsNotRulesIsIgnoredOnEveryReplica() throws Exception {
    FleetStateMachine sm = new FleetStateMachine(Limits.DEFAULT);
    ByteString grantFirst = grant(10_000).toByteString();
    CommandReply reply = CommandReply.parseFrom(sm.apply(new CommittedEntry(1, 1, 0, grantFirst,
        grant(10_000).toByteString())));

    assertThat(reply.getLeaseGrant().getId()).as("the command's own grant, at the entry's index")
        .isPositive();
    FleetStateMachine untouched = new FleetStateMachine(Limits.DEFAULT);
    untouched.apply(new CommittedEntry(1, 1, 0, grant(10_000).toByteString()));
    assertThat(sm.digest()).isEqualTo(untouched.digest());
  }

  @Test
  void theRulesLiveInSnapshotsAndDigests() throws IOException {
    Replica strict = new Replica(Limits.DEFAULT.withMaxValueBytes(8));
    Replica untouched = new Replica(Limits.DEFAULT);
    strict.apply(strict.sm.rulesProposal().orElseThrow());
    assertThat(strict.sm.digest().getSha256()).isNotEqualTo(untouched.sm.digest().getSha256());

    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    strict.sm.writeSnapshot(snapshot);
    Replica restored = new Replica(Limits.DEFAULT);
    restored.sm.restoreSnapshot(new ByteArrayInputStream(snapshot.toByteArray()));

    assertThat(restored.sm.digest()).isEqualTo(strict.sm.digest());
    assertThat(restored.query(Query.newBuilder()
        .setGroupRules(GroupRulesRequest.getDefaultInstance()).build()).getGroupRules())
        .isEqualTo(Limits.DEFAULT.withMaxValueBytes(8).rules(false));
  }

  @Test
  void rulesOutOfRangeAreRefusedAlikeAndChangeNothing() {
    Replica a = new Replica(Limits.DEFAULT);
    Replica b = new Replica(Limits.DEFAULT.withMaxValueBytes(8));
    Command bad = Command.newBuilder().setSetRules(Limits.DEFAULT.rules(false).toBuilder()
        .setMinLeaseTtlMillis(5_000).setMaxLeaseTtlMillis(10)).build();

    CommandReply onA = a.apply(bad);
    assertThat(b.apply(bad)).isEqualTo(onA);
    assertThat(onA.getError().getCode()).isEqualTo(Error.Code.INVALID_ARGUMENT);
    assertThat(onA.getError().getMessage()).startsWith("group rules refused: lease TTL bounds");
    assertThat(a.sm.rules()).isEqualTo(b.sm.rules()).isEqualTo(Limits.DEFAULT.rules(false));
    assertThat(a.apply(grant(2_000)).hasLeaseGrant()).isTrue();
  }

  @Test
  void aLeaderChecksProposalsByItsOwnConfig() {
    FleetStateMachine strict = new FleetStateMachine(Limits.DEFAULT.withMaxValueBytes(8));
    FleetStateMachine loose = new FleetStateMachine(Limits.DEFAULT);
    ByteString longValue = put("mission/plan", "a value longer than eight bytes").toByteString();

    assertThatThrownBy(() -> strict.validate(longValue, false))
        .isInstanceOf(InvalidCommandException.class)
        .hasMessage("value is 31 bytes, over the limit of 8");
    assertThatCode(() -> loose.validate(longValue, false)).doesNotThrowAnyException();
  }

  @Test
  void onlyALeaderProposesRules() {
    FleetStateMachine sm = new FleetStateMachine(Limits.DEFAULT);
    ByteString rules = Command.newBuilder().setSetRules(Limits.DEFAULT.rules(true)).build()
        .toByteString();

    assertThatThrownBy(() -> sm.validate(rules, false))
        .hasMessage("group rules are proposed only by the group's leader, from its config");
    assertThatCode(() -> sm.validate(rules, true)).doesNotThrowAnyException();
  }

  @Test
  void aLeaderRequiringSignaturesRefusesUnsignedProposalsBeforeTheGroupDoesToo() {
    Replica requiring = new Replica(new FleetStateMachine(GROUP, Limits.DEFAULT, true));
    ByteString unsigned = put("mission/plan", "v1").toByteString();

    assertThatThrownBy(() -> requiring.sm.validate(unsigned, false))
        .isInstanceOf(ProposalRefusedException.class)
        .hasMessage("unsigned proposal refused: this group requires signed proposals");
    requiring.apply(requiring.sm.rulesProposal().orElseThrow());
    // Now the group refuses it where it applies, and every replica counts the refusal.
    assertThatCode(() -> requiring.sm.validate(unsigned, false)).doesNotThrowAnyException();
    assertThat(requiring.apply(unsigned).getError().getCode())
        .isEqualTo(Error.Code.PERMISSION_DENIED);
    assertThat(requiring.sm.identities().getRejections().getUnsigned()).isEqualTo(1);
  }

  @Test
  void groupRulesOfDefaultLimitsAreTheDefaultRules() {
    GroupRules defaults = Limits.DEFAULT.rules(false);
    assertThat(new FleetStateMachine().rules()).isEqualTo(defaults);
    assertThat(Limits.DEFAULT.withRules(defaults)).isEqualTo(Limits.DEFAULT);
  }
}
