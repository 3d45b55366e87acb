package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto.AppendResult;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.MetadataProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannel;
import org.apache.ratis.thirdparty.io.grpc.ManagedChannelBuilder;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.apache.ratis.util.NetUtils;
import org.apache.ratis.util.ProtoUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower acknowledges an append only for entries its log holds, flushed: the leader counts
 * an acknowledged entry towards a commit, and never resends below what it thinks a follower
 * matches.
 *
 * <p>Found in the chaos suite: a follower restarted into a busy group took the leader's
 * pipelined appends, was refused some as out of order, and the leader resent from the refused
 * index with more entries than before. Ratis 3.3's follower, when a request starts at the same
 * index as one it is still writing, answers it once the earlier write is done, as if it had
 * written the longer request too. The leader then took the follower to hold an entry it never
 * wrote, sent it nothing below that entry again, and the follower applied nothing more for the
 * rest of the run.
 *
 * <p>Here the test is the leader: it speaks Ratis's server protocol over a real connection to
 * a real server, as a leader resending a longer batch would.
 */
class FollowerAppendRepliesTest {
  private static final String GROUP = "squad";
  private static final long TERM = 1;
  private static final int ROUNDS = 20;

  @TempDir Path dir;

  @Test
  void aResentLongerBatchIsAcknowledgedOnlyForEntriesTheFollowerWrote() throws Exception {
    try (FleetServer follower = FleetServer.builder().id("n2").address("127.0.0.1", 0)
        .storageDir(dir.resolve("n2")).build().start()) {
      // The other members never run: this test speaks for the leader, n1.
      follower.addGroup(FleetGroup.of(GROUP,
          FleetPeer.voter("n1", "127.0.0.1:" + unusedPort()),
          FleetPeer.voter("n2", follower.address()),
          FleetPeer.voter("n3", "127.0.0.1:" + unusedPort())));
      RaftGroupId group = FleetGroup.ratisId(GROUP);
      RaftLog log = follower.ratis().getDivision(group).getRaftLog();
      InetSocketAddress at = NetUtils.createSocketAddr(follower.address());
      ManagedChannel channel = ManagedChannelBuilder.forAddress(at.getHostString(), at.getPort())
          .usePlaintext().build();
      try {
        BlockingQueue<AppendEntriesReplyProto> replies = new LinkedBlockingQueue<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        StreamObserver<AppendEntriesRequestProto> stream = RaftServerProtocolServiceGrpc
            .newStub(channel).appendEntries(collectInto(replies, failed));
        long callId = 0;
        for (int round = 0; round < ROUNDS; round++) {
          TermIndex previous = log.getLastEntryTermIndex();
          long first = log.getNextIndex();
          // A batch, then the same batch resent with one entry more, as a leader resends after
          // the follower refused a later request that the leader had pipelined.
          stream.onNext(request(group, callId++, previous, first, 3));
          stream.onNext(request(group, callId++, previous, first, 4));
          for (int i = 0; i < 2; i++) {
            AppendEntriesReplyProto reply = replies.poll(30, TimeUnit.SECONDS);
            assertThat(reply).as("reply %d of round %d (stream failure: %s)", i, round,
                failed.get()).isNotNull();
            if (reply.getResult() == AppendResult.SUCCESS) {
              long acknowledged = reply.getMatchIndex();
              assertThat(log.getTermIndex(acknowledged))
                  .as("round %d: call %d acknowledged index %d; the follower's log ends at %s",
                      round, reply.getServerReply().getCallId(), acknowledged,
                      log.getLastEntryTermIndex())
                  .isEqualTo(TermIndex.valueOf(TERM, acknowledged));
              assertThat(log.getFlushIndex())
                  .as("round %d: index %d acknowledged before it was flushed", round, acknowledged)
                  .isGreaterThanOrEqualTo(acknowledged);
            }
          }
        }
        assertThat(log.getNextIndex()).as("the follower took entries at all").isPositive();
        stream.onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static AppendEntriesRequestProto request(RaftGroupId group, long callId,
      TermIndex previous, long first, int entries) {
    AppendEntriesRequestProto.Builder b = AppendEntriesRequestProto.newBuilder()
        .setServerRequest(RaftRpcRequestProto.newBuilder()
            .setRequestorId(RaftPeerId.valueOf("n1").toByteString())
            .setReplyId(RaftPeerId.valueOf("n2").toByteString())
            .setRaftGroupId(ProtoUtils.toRaftGroupIdProtoBuilder(group))
            .setCallId(callId))
        .setLeaderTerm(TERM)
        .setLeaderCommit(RaftLog.INVALID_LOG_INDEX);
    if (previous != null) {
      b.setPreviousLog(previous.toProto());
    }
    List<LogEntryProto> batch = new ArrayList<>();
    for (long index = first; index < first + entries; index++) {
      batch.add(LogEntryProto.newBuilder().setTerm(TERM).setIndex(index)
          .setMetadataEntry(MetadataProto.newBuilder().setCommitIndex(RaftLog.INVALID_LOG_INDEX))
          .build());
    }
    return b.addAllEntries(batch).build();
  }

  private static StreamObserver<AppendEntriesReplyProto> collectInto(
      BlockingQueue<AppendEntriesReplyProto> replies, AtomicReference<Throwable> failed) {
    return new StreamObserver<>() {
      @Override
      public void onNext(AppendEntriesReplyProto reply) {
        replies.add(reply);
      }

      @Override
      public void onError(Throwable t) {
        failed.set(t);
      }

      @Override
      public void onCompleted() {
      }
    };
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
