package io.flotilla.consensus.kv;

import static io.flotilla.consensus.kv.Commands.b;
import static io.flotilla.consensus.kv.Commands.get;
import static io.flotilla.consensus.kv.Commands.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatch;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.SessionCommand;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** A command numbered in a client's session applies at most once, on every replica alike. */
class ClientSessionsTest {
  private static final ByteString ALICE = session(1);
  private static final ByteString BOB = session(2);

  private final Replica r = new Replica(Limits.DEFAULT);

  @Test
  void aNumberCommittedAgainGetsItsFirstReplyAndChangesNothing() {
    CommandReply first = r.apply(numbered(ALICE, 1, 1, put("mission", "v1")));
    r.apply(numbered(BOB, 1, 1, put("mission", "v2")));

    CommandReply again = r.apply(numbered(ALICE, 1, 1, put("mission", "v1")));

    assertThat(again).isEqualTo(first);
    KeyValue now = value("mission");
    assertThat(now.getValue()).isEqualTo(b("v2"));
    assertThat(now.getVersion()).isEqualTo(2);
  }

  @Test
  void aBatchCommittedAgainAppliesNoneOfItsWrites() {
    Command batch = Command.newBuilder().setBatch(CommandBatch.newBuilder()
        .addCommands(put("a", "1")).addCommands(put("b", "1"))).build();
    CommandReply first = r.apply(numbered(ALICE, 1, 1, batch));

    assertThat(r.apply(numbered(ALICE, 1, 1, batch))).isEqualTo(first);
    assertThat(value("a").getVersion()).isEqualTo(1);
    assertThat(value("b").getVersion()).isEqualTo(1);
  }

  @Test
  void sessionsAndNumbersAreIndependent() {
    r.apply(numbered(ALICE, 1, 1, put("k", "a1")));
    r.apply(numbered(ALICE, 2, 1, put("k", "a2")));
    r.apply(numbered(BOB, 1, 1, put("k", "b1")));

    assertThat(value("k").getVersion()).isEqualTo(3);
  }

  @Test
  void aCopyArrivingAfterItsClientStoppedWaitingIsRefusedAndNotApplied() {
    r.apply(numbered(ALICE, 1, 1, put("k", "1")));
    // Number 2 was sent, then given up; number 3 says the client waits for nothing below it.
    r.apply(numbered(ALICE, 3, 3, put("other", "1")));

    CommandReply late = r.apply(numbered(ALICE, 2, 1, put("k", "2")));
    CommandReply replayed = r.apply(numbered(ALICE, 1, 1, put("k", "1")));

    assertThat(late.getError().getCode()).isEqualTo(Error.Code.ABANDONED);
    assertThat(replayed.getError().getCode()).isEqualTo(Error.Code.ABANDONED);
    assertThat(value("k").getVersion()).isEqualTo(1);
  }

  @Test
  void aRestoredSnapshotStillKnowsWhatItApplied() throws IOException {
    CommandReply first = r.apply(numbered(ALICE, 1, 1, put("mission", "v1")));
    FleetStateMachine restored = new FleetStateMachine(Limits.DEFAULT);
    restored.restoreSnapshot(new ByteArrayInputStream(FleetStateMachineTest.snapshot(r.sm)));
    Replica copy = new Replica(restored);
    copy.index = r.index;

    assertThat(restored.digest()).isEqualTo(r.sm.digest());
    assertThat(copy.apply(numbered(ALICE, 1, 1, put("mission", "v1")))).isEqualTo(first);
    assertThat(copy.query(get("mission")).getRange().getKvs(0).getVersion()).isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedSessionIsForgottenBeyondTheLimit() {
    for (int i = 0; i <= ClientSessions.MAX_SESSIONS; i++) {
      r.apply(numbered(session(10 + i), 1, 1, put("k", "v")));
    }
    long version = value("k").getVersion();

    // The first session was forgotten, so its number applies again; the last one's does not.
    r.apply(numbered(session(10 + ClientSessions.MAX_SESSIONS), 1, 1, put("k", "v")));
    assertThat(value("k").getVersion()).isEqualTo(version);
    r.apply(numbered(session(10), 1, 1, put("k", "v")));
    assertThat(value("k").getVersion()).isEqualTo(version + 1);
  }

  @Test
  void malformedNumberingIsInvalidAndAppliesNothing() {
    Command shortId = numbered(ByteString.copyFromUtf8("short"), 1, 1, put("k", "v"));
    Command openAboveOwn = numbered(ALICE, 1, 2, put("k", "v"));
    Command openZero = numbered(ALICE, 1, 0, put("k", "v"));
    Command nested = numbered(ALICE, 1, 1, numbered(BOB, 1, 1, put("k", "v")));

    for (Command c : new Command[] {shortId, openAboveOwn, openZero, nested}) {
      assertThat(r.apply(c).getError().getCode()).as(c.toString())
          .isEqualTo(Error.Code.INVALID_ARGUMENT);
      Assertions.assertThatThrownBy(() -> r.sm.validate(c.toByteString(), false))
          .isInstanceOf(InvalidCommandException.class);
    }
    assertThat(r.query(get("k")).getRange().getKvsCount()).isZero();
  }

  private KeyValue value(String key) {
    return r.query(get(key)).getRange().getKvs(0);
  }

  static Command numbered(ByteString session, long sequence, long firstOpen, Command command) {
    return Command.newBuilder().setSession(SessionCommand.newBuilder().setSession(session)
        .setSequence(sequence).setFirstOpen(firstOpen).setCommand(command.toByteString())).build();
  }

  private static ByteString session(int n) {
    byte[] id = new byte[16];
    id[12] = (byte) (n >>> 24);
    id[13] = (byte) (n >>> 16);
    id[14] = (byte) (n >>> 8);
    id[15] = (byte) n;
    return ByteString.copyFrom(id);
  }
}
