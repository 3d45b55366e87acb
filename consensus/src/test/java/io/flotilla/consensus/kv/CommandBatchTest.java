package io.flotilla.consensus.kv;

import static io.flotilla.consensus.kv.Commands.b;
import static io.flotilla.consensus.kv.Commands.cas;
import static io.flotilla.consensus.kv.Commands.delete;
import static io.flotilla.consensus.kv.Commands.get;
import static io.flotilla.consensus.kv.Commands.grant;
import static io.flotilla.consensus.kv.Commands.put;
import static io.flotilla.consensus.kv.Commands.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandBatch;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.statemachine.InvalidCommandException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches of key writes apply exactly as the same writes in entries of their own would. */
class CommandBatchTest {
  private final Replica batched = new Replica(Limits.DEFAULT);
  private final Replica oneByOne = new Replica(Limits.DEFAULT);

  private static Command batch(Command... commands) {
    return Command.newBuilder()
        .setBatch(CommandBatch.newBuilder().addAllCommands(List.of(commands))).build();
  }

  @Test
  void eachCommandAppliesAtItsOwnRevisionWithItsOwnReply() {
    Command[] writes = {put("a", "1"), put("b", "1"), cas("a", "1", "2"), delete("b", false),
        cas("a", "1", "3")};

    CommandReply reply = batched.apply(batch(writes));

    assertThat(reply.getBatch().getRepliesList()).hasSize(writes.length);
    for (int i = 0; i < writes.length; i++) {
      assertThat(reply.getBatch().getReplies(i)).isEqualTo(oneByOne.apply(writes[i]));
    }
    assertThat(batched.query(range("")).getRange())
        .isEqualTo(oneByOne.query(range("")).getRange());
    assertThat(batched.sm.revision()).isEqualTo(4);
    assertThat(batched.query(get("a")).getRange().getKvs(0).getValue()).isEqualTo(b("2"));
  }

  @Test
  void aCommandThatFailsOnlyFailsItself() {
    CommandReply reply = batched.apply(batch(put("a", "1"), put("b", "1", 777), put("c", "1")));

    assertThat(reply.getBatch().getReplies(0).getPut().getRevision()).isEqualTo(1);
    assertThat(reply.getBatch().getReplies(1).getError().getCode())
        .isEqualTo(Error.Code.LEASE_NOT_FOUND);
    assertThat(reply.getBatch().getReplies(2).getPut().getRevision()).isEqualTo(2);
  }

  @Test
  void theLeaderRefusesABatchWithAnInvalidOrUnbatchableCommand() {
    FleetStateMachine sm = batched.sm;

    assertThatThrownBy(() -> sm.validate(batch(put("a", "1"), put("", "x")).toByteString(), false))
        .isInstanceOf(InvalidCommandException.class).hasMessage("key must not be empty");
    assertThatThrownBy(() -> sm.validate(batch(put("a", "1"), grant(10_000)).toByteString(), false))
        .isInstanceOf(InvalidCommandException.class)
        .hasMessage("a batch holds only put, delete and txn commands");
    assertThatThrownBy(() -> sm.validate(batch().toByteString(), false))
        .isInstanceOf(InvalidCommandException.class).hasMessage("batch is empty");
  }

  @Test
  void aLeaseCommandInABatchIsRefusedOnItsOwnWhenApplied() {
    CommandReply reply = batched.apply(batch(put("a", "1"), grant(10_000)));

    assertThat(reply.getBatch().getReplies(0).hasPut()).isTrue();
    assertThat(reply.getBatch().getReplies(1).getError().getMessage())
        .isEqualTo("a batch holds only put, delete and txn commands");
  }
}
