package io.flotilla.consensus.kv;

import static io.flotilla.consensus.kv.Commands.b;
import static io.flotilla.consensus.kv.Commands.cas;
import static io.flotilla.consensus.kv.Commands.delete;
import static io.flotilla.consensus.kv.Commands.expire;
import static io.flotilla.consensus.kv.Commands.get;
import static io.flotilla.consensus.kv.Commands.grant;
import static io.flotilla.consensus.kv.Commands.keepAlive;
import static io.flotilla.consensus.kv.Commands.poll;
import static io.flotilla.consensus.kv.Commands.put;
import static io.flotilla.consensus.kv.Commands.range;
import static io.flotilla.consensus.kv.Commands.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FleetStateMachineTest {
  private final Replica r = new Replica(Limits.DEFAULT.withWatchHistory(8));

  private KeyValue kv(String key) {
    QueryReply reply = r.query(get(key));
    return reply.getRange().getKvsCount() == 0 ? null : reply.getRange().getKvs(0);
  }

  @Nested
  class Keys {
    @Test
    void everyWriteAdvancesTheRevisionAndTheKeysVersion() {
      assertThat(r.apply(put("a", "1")).getPut().getRevision()).isEqualTo(1);
      assertThat(r.apply(put("b", "1")).getPut().getRevision()).isEqualTo(2);
      CommandReply third = r.apply(put("a", "2"));

      assertThat(third.getPut().getRevision()).isEqualTo(3);
      assertThat(third.getPut().getPrevKv().getValue()).isEqualTo(b("1"));
      KeyValue a = kv("a");
      assertThat(a.getValue()).isEqualTo(b("2"));
      assertThat(a.getCreateRevision()).isEqualTo(1);
      assertThat(a.getModRevision()).isEqualTo(3);
      assertThat(a.getVersion()).isEqualTo(2);
    }

    @Test
    void aDeletedKeyIsRecreatedWithAFreshCreateRevisionAndVersion() {
      r.apply(put("a", "1"));
      r.apply(delete("a", false));
      r.apply(put("a", "again"));

      assertThat(kv("a").getCreateRevision()).isEqualTo(3);
      assertThat(kv("a").getVersion()).isEqualTo(1);
    }

    @Test
    void rangeByPrefixReturnsOnlyKeysUnderThePrefixInByteOrder() {
      r.apply(put("task/2", "x"));
      r.apply(put("task/1", "x"));
      r.apply(put("tasks", "x"));
      r.apply(put("plan", "x"));

      assertThat(r.query(range("task/")).getRange().getKvsList())
          .extracting(k -> k.getKey().toStringUtf8())
          .containsExactly("task/1", "task/2");
    }

    @Test
    void deleteByPrefixRemovesEveryKeyUnderItAtOneRevision() {
      r.apply(put("task/1", "x"));
      r.apply(put("task/2", "x"));
      r.apply(put("plan", "x"));
      CommandReply reply = r.apply(delete("task/", true));

      assertThat(reply.getDelete().getDeleted()).isEqualTo(2);
      assertThat(reply.getDelete().getRevision()).isEqualTo(4);
      assertThat(r.query(range("")).getRange().getKvsList())
          .extracting(k -> k.getKey().toStringUtf8()).containsExactly("plan");
    }

    @Test
    void deletingNothingDoesNotAdvanceTheRevision() {
      r.apply(put("a", "1"));
      assertThat(r.apply(delete("missing", false)).getDelete().getRevision()).isEqualTo(1);
      assertThat(r.sm.revision()).isEqualTo(1);
    }
  }

  @Nested
  class Transactions {
    @Test
    void compareAndSetWinsOnlyAgainstTheExpectedValue() {
      r.apply(put("claim/task-7", "free"));

      CommandReply first = r.apply(cas("claim/task-7", "free", "agent-1"));
      CommandReply second = r.apply(cas("claim/task-7", "free", "agent-2"));

      assertThat(first.getTxn().getSucceeded()).isTrue();
      assertThat(second.getTxn().getSucceeded()).isFalse();
      assertThat(second.getTxn().getResponses(0).getRange().getKvs(0).getValue())
          .isEqualTo(b("agent-1"));
      assertThat(kv("claim/task-7").getValue()).isEqualTo(b("agent-1"));
    }

    @Test
    void createIfAbsentComparesVersionZero() {
      assertThat(r.apply(cas("leader", "", "a")).getTxn().getSucceeded()).isTrue();
      assertThat(r.apply(cas("leader", "", "b")).getTxn().getSucceeded()).isFalse();
    }

    @Test
    void aTransactionWithAMissingLeaseWritesNothing() {
      Command txn = Command.newBuilder().setTxn(io.flotilla.consensus.proto.TxnRequest.newBuilder()
          .addSuccess(io.flotilla.consensus.proto.RequestOp.newBuilder()
              .setPut(put("a", "1").getPut()))
          .addSuccess(io.flotilla.consensus.proto.RequestOp.newBuilder()
              .setPut(put("b", "1", 99).getPut())))
          .build();

      CommandReply reply = r.apply(txn);

      assertThat(reply.getError().getCode()).isEqualTo(Error.Code.LEASE_NOT_FOUND);
      assertThat(kv("a")).isNull();
      assertThat(r.sm.revision()).isZero();
    }

    @Test
    void allWritesOfATransactionShareOneRevision() {
      Command txn = Command.newBuilder().setTxn(io.flotilla.consensus.proto.TxnRequest.newBuilder()
          .addSuccess(io.flotilla.consensus.proto.RequestOp.newBuilder()
              .setPut(put("a", "1").getPut()))
          .addSuccess(io.flotilla.consensus.proto.RequestOp.newBuilder()
              .setPut(put("b", "1").getPut())))
          .build();

      assertThat(r.apply(txn).getTxn().getRevision()).isEqualTo(1);
      assertThat(kv("a").getModRevision()).isEqualTo(1);
      assertThat(kv("b").getModRevision()).isEqualTo(1);
    }
  }

  @Nested
  class Leases {
    @Test
    void leaseIdsComeFromTheLogIndexSoEveryReplicaAgrees() {
      r.apply(put("x", "1"));
      assertThat(r.apply(grant(5000)).getLeaseGrant().getId()).isEqualTo(2);
    }

    @Test
    void anExpiryOfTheLatestRenewalRemovesTheAttachedKeysAndNothingElse() {
      long lease = r.apply(grant(5000)).getLeaseGrant().getId();
      r.apply(put("presence/agent-1", "here", lease));
      r.apply(put("plan", "keep"));

      assertThat(r.apply(expire(lease, lease)).getLeaseExpire().getExpiredList())
          .containsExactly(lease);
      assertThat(kv("presence/agent-1")).isNull();
      assertThat(kv("plan")).isNotNull();
    }

    @Test
    void aKeepAliveCommittedAfterTheLeaderDecidedWinsOverTheExpiry() {
      long lease = r.apply(grant(5000)).getLeaseGrant().getId();
      r.apply(put("presence/agent-1", "here", lease));
      r.apply(keepAlive(lease));
      long keptAliveAt = r.index;

      assertThat(r.apply(expire(lease, lease)).getLeaseExpire().getExpiredList()).isEmpty();
      assertThat(kv("presence/agent-1")).isNotNull();
      assertThat(r.apply(expire(lease, keptAliveAt)).getLeaseExpire().getExpiredList())
          .containsExactly(lease);
    }

    @Test
    void applyReadsNoClockFromTheEntry() {
      FleetStateMachine early = new FleetStateMachine(Limits.DEFAULT);
      FleetStateMachine late = new FleetStateMachine(Limits.DEFAULT);
      Command[] log = {grant(5000), put("k", "v", 1), keepAlive(1), expire(1, 3)};
      for (int i = 0; i < log.length; i++) {
        early.apply(new io.flotilla.consensus.statemachine.CommittedEntry(
            i + 1, 1, 0, log[i].toByteString()));
        late.apply(new io.flotilla.consensus.statemachine.CommittedEntry(
            i + 1, 1, 3_600_000L * (i + 1), log[i].toByteString()));
      }
      assertThat(late.digest()).isEqualTo(early.digest());
    }

    @Test
    void revokeDeletesAttachedKeysAtOneRevision() {
      long lease = r.apply(grant(5000)).getLeaseGrant().getId();
      r.apply(put("a", "1", lease));
      r.apply(put("b", "1", lease));

      CommandReply reply = r.apply(revoke(lease));

      assertThat(reply.getLeaseRevoke().getDeletedKeys()).isEqualTo(2);
      assertThat(reply.getLeaseRevoke().getRevision()).isEqualTo(3);
      assertThat(r.query(range("")).getRange().getKvsCount()).isZero();
    }

    @Test
    void aKeyPutAgainWithoutTheLeaseOutlivesIt() {
      long lease = r.apply(grant(5000)).getLeaseGrant().getId();
      r.apply(put("a", "1", lease));
      r.apply(put("a", "2"));
      r.apply(revoke(lease));

      assertThat(kv("a").getValue()).isEqualTo(b("2"));
    }

    @Test
    void anUnknownLeaseIsRefusedAndChangesNothing() {
      assertThat(r.apply(put("a", "1", 42)).getError().getCode())
          .isEqualTo(Error.Code.LEASE_NOT_FOUND);
      assertThat(r.apply(keepAlive(42)).getError().getCode())
          .isEqualTo(Error.Code.LEASE_NOT_FOUND);
      assertThat(r.apply(revoke(42)).getError().getCode()).isEqualTo(Error.Code.LEASE_NOT_FOUND);
      assertThat(r.sm.revision()).isZero();
      assertThat(kv("a")).isNull();
    }
  }

  @Nested
  class Watches {
    @Test
    void aPollReturnsEveryMatchingEventFromTheRevisionInOrder() {
      r.apply(put("task/1", "a"));
      r.apply(put("other", "a"));
      r.apply(put("task/2", "b"));
      r.apply(delete("task/1", false));

      QueryReply reply = r.query(poll("task/", true, 1));

      assertThat(reply.getWatchPoll().getEventsList())
          .extracting(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@"
              + e.getKv().getModRevision())
          .containsExactly("PUT task/1@1", "PUT task/2@3", "DELETE task/1@4");
      assertThat(reply.getWatchPoll().getNextRevision()).isEqualTo(5);
    }

    @Test
    void aWaitingPollIsAnsweredByTheNextMatchingCommit() throws Exception {
      r.apply(put("a", "1"));
      CompletableFuture<ByteString> pending = r.sm.query(Query.newBuilder().setWatchPoll(
          WatchPollRequest.newBuilder().setKey(b("a")).setFromRevision(2).setWaitMillis(60_000))
          .build().toByteString());
      r.apply(put("b", "ignored"));
      assertThat(pending).isNotDone();

      r.apply(put("a", "2"));

      Event event = QueryReply.parseFrom(pending.get()).getWatchPoll().getEvents(0);
      assertThat(event.getKv().getValue()).isEqualTo(b("2"));
    }

    @Test
    void aPollFromACompactedRevisionGetsAClearError() {
      for (int i = 0; i < 20; i++) {
        r.apply(put("k" + i, "v"));
      }
      QueryReply reply = r.query(poll("k", true, 3));

      assertThat(reply.getError().getCode()).isEqualTo(Error.Code.COMPACTED);
      assertThat(reply.getError().getMessage()).contains("revision 3 is compacted");
      assertThat(r.query(poll("k", true, 13)).getWatchPoll().getEventsCount()).isEqualTo(8);
    }
  }

  @Nested
  class BadInput {
    @Test
    void emptyKeyOversizedValueAndMalformedBytesAreRefusedAndChangeNothing() throws Exception {
      Replica small = new Replica(Limits.DEFAULT.withMaxValueBytes(8));
      small.apply(small.sm.rulesProposal().orElseThrow());
      small.apply(put("a", "1"));
      byte[] before = snapshot(small.sm);

      assertThat(small.apply(put("", "x")).getError().getMessage()).isEqualTo("key must not be empty");
      assertThat(small.apply(put("b", "123456789")).getError().getMessage())
          .isEqualTo("value is 9 bytes, over the limit of 8");
      assertThat(small.apply(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01, 0x02}))
          .getError().getCode()).isEqualTo(Error.Code.INVALID_ARGUMENT);
      assertThat(small.apply(delete("", true)).getError().getCode())
          .isEqualTo(Error.Code.INVALID_ARGUMENT);

      assertThat(snapshot(small.sm)).isEqualTo(withIndex(before, small));
    }

    @Test
    void theLeaderRefusesMalformedCommandsBeforeTheyReachTheLog() {
      Assertions.assertThatThrownBy(() -> r.sm.validate(put("", "x").toByteString(), false))
          .isInstanceOf(InvalidCommandException.class).hasMessage("key must not be empty");
      Assertions.assertThatThrownBy(() -> r.sm.validate(grant(1).toByteString(), false))
          .isInstanceOf(InvalidCommandException.class).hasMessageContaining("lease TTL 1 ms");
    }

    @Test
    void onlyTheLeaderMayProposeALeaseExpiryAndTheLeaderNothingElse() throws Exception {
      Assertions.assertThatThrownBy(() -> r.sm.validate(expire(7, 7).toByteString(), false))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("lease expiries are proposed only by the group's leader");
      Assertions.assertThatThrownBy(() -> r.sm.validate(Command.newBuilder().setSession(
              io.flotilla.consensus.proto.SessionCommand.newBuilder()
                  .setSession(ByteString.copyFrom(new byte[16])).setSequence(1).setFirstOpen(1)
                  .setCommand(expire(7, 7).toByteString())).build().toByteString(), false))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("lease expiries are proposed only by the group's leader");
      r.sm.validate(expire(7, 7).toByteString(), true);
      Assertions.assertThatThrownBy(() -> r.sm.validate(put("a", "1").toByteString(), true))
          .isInstanceOf(InvalidCommandException.class)
          .hasMessage("the leader proposes only lease expiries and group rules, not PUT");
    }

    private byte[] withIndex(byte[] before, Replica replica) throws IOException {
      // Refused commands still occupy log indexes; compare the state with that index alone changed.
      FleetStateMachine copy = new FleetStateMachine(replica.sm.limits());
      copy.restoreSnapshot(new ByteArrayInputStream(before));
      copy.apply(new io.flotilla.consensus.statemachine.CommittedEntry(
          replica.index, 1, 0, put("", "x").toByteString()));
      return snapshot(copy);
    }
  }

  @Nested
  class Snapshots {
    @Test
    void aRestoredSnapshotHasTheSameDigestAndKeepsWorkingTheSame() throws IOException {
      Replica other = new Replica(Limits.DEFAULT);
      randomWorkload(new Random(7), 500, r, other);

      FleetStateMachine restored = new FleetStateMachine(Limits.DEFAULT);
      restored.restoreSnapshot(new ByteArrayInputStream(snapshot(r.sm)));

      assertThat(restored.digest()).isEqualTo(r.sm.digest());
      assertThat(other.sm.digest()).isEqualTo(r.sm.digest());
    }

    @Test
    void theSameCommandsGiveTheSameStateOnEveryReplica() {
      Replica a = new Replica(Limits.DEFAULT);
      Replica b = new Replica(Limits.DEFAULT);
      randomWorkload(new Random(11), 2000, a, b);
      assertThat(a.sm.digest().getSha256()).isEqualTo(b.sm.digest().getSha256());

      Replica c = new Replica(Limits.DEFAULT);
      randomWorkload(new Random(12), 2000, c);
      assertThat(c.sm.digest().getSha256()).isNotEqualTo(a.sm.digest().getSha256());
    }
  }

  static byte[] snapshot(FleetStateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    return out.toByteArray();
  }

  /** Applies the same random mix of every command kind to each replica. */
  static void randomWorkload(Random random, int commands, Replica... replicas) {
    long lastLease = 0;
    long lastRenewal = 0;
    for (int i = 0; i < commands; i++) {
      String key = "k" + random.nextInt(40);
      Command c = switch (random.nextInt(8)) {
        case 0, 1 -> put(key, "v" + random.nextInt(1000));
        case 2 -> put(key, "leased", lastLease);
        case 3 -> delete(key, random.nextInt(10) == 0);
        case 4 -> cas(key, "v" + random.nextInt(5), "w" + i);
        case 5 -> grant(1000 + random.nextInt(5000));
        case 6 -> keepAlive(lastLease);
        default -> expire(lastLease, lastRenewal - random.nextInt(2));
      };
      for (Replica replica : replicas) {
        CommandReply reply = replica.apply(c);
        if (reply.hasLeaseGrant()) {
          lastLease = reply.getLeaseGrant().getId();
        }
        if (reply.hasLeaseGrant() || reply.hasLeaseKeepAlive()) {
          lastRenewal = replica.index;
        }
      }
    }
  }
}
