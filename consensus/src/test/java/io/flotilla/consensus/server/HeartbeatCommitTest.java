package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.TermIndexProto;
import org.junit.jupiter.api.Test;

class HeartbeatCommitTest {
  private static final AppendEntriesRequestProto HEARTBEAT_WITHOUT_PREVIOUS =
      AppendEntriesRequestProto.newBuilder().setLeaderTerm(3).setLeaderCommit(40).build();

  @Test
  void aHeartbeatWithoutAPreviousEntryCommitsNoMoreThanTheFollowerIsKnownToHold() {
    assertThat(HeartbeatCommit.limit(HEARTBEAT_WITHOUT_PREVIOUS, -1).getLeaderCommit())
        .isEqualTo(-1);
    assertThat(HeartbeatCommit.limit(HEARTBEAT_WITHOUT_PREVIOUS, 12).getLeaderCommit())
        .isEqualTo(12);
    assertThat(HeartbeatCommit.limit(HEARTBEAT_WITHOUT_PREVIOUS, 50))
        .isSameAs(HEARTBEAT_WITHOUT_PREVIOUS);
  }

  @Test
  void whatTheFollowerChecksAgainstItsLogIsLeftAsItIs() {
    AppendEntriesRequestProto withPrevious = HEARTBEAT_WITHOUT_PREVIOUS.toBuilder()
        .setPreviousLog(TermIndexProto.newBuilder().setTerm(3).setIndex(39)).build();
    AppendEntriesRequestProto append = HEARTBEAT_WITHOUT_PREVIOUS.toBuilder()
        .addEntries(LogEntryProto.newBuilder().setTerm(3).setIndex(0)).build();
    assertThat(HeartbeatCommit.limit(withPrevious, -1)).isSameAs(withPrevious);
    assertThat(HeartbeatCommit.limit(append, -1)).isSameAs(append);
  }
}
