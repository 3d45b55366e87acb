package io.flotilla.consensus.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/** {@link FailoverRpc} over a transport that records what reaches it (the unit's edge). */
class FailoverRpcTest {
  private static final RaftPeerId A = RaftPeerId.valueOf("a");
  private static final RaftPeerId B = RaftPeerId.valueOf("b");

  private final RecordingRpc transport = new RecordingRpc();
  private final List<Runnable> background = new ArrayList<>();
  private final FailoverRpc rpc = new FailoverRpc(transport, background::add);

  @Test
  void anAbandonedLeadersNextCallFailsBeforeItIsSentAndTheOneAfterGoesThrough() {
    rpc.abandon(A, "b leads the group now");

    CompletableFuture<RaftClientReply> first = rpc.sendRequestAsync(toLeader(A, 1));
    CompletableFuture<RaftClientReply> second = rpc.sendRequestAsync(toLeader(A, 2));

    assertThat(first).isCompletedExceptionally();
    assertThat(first.handle((r, e) -> e instanceof CompletionException c ? c.getCause() : e)
        .join()).isInstanceOf(IOException.class).hasMessageContaining("a no longer leads");
    assertThat(transport.sent).extracting(RaftClientRequest::getCallId).containsExactly(2L);
    assertThat(second).isNotDone();
  }

  @Test
  void callsToOtherServersAndToNamedServersAreNotTouched() {
    rpc.abandon(A, "b leads the group now");

    rpc.sendRequestAsync(toLeader(B, 1));
    rpc.sendRequestAsync(toServer(A, 2));

    assertThat(transport.sent).extracting(RaftClientRequest::getCallId).containsExactly(1L, 2L);
  }

  @Test
  void connectionResetsRunInTheBackgroundNotOnTheCallersThread() {
    assertThat(rpc.handleException(A, new IOException("timeout"), true)).isTrue();
    assertThat(transport.resets).isEmpty();

    background.forEach(Runnable::run);

    assertThat(transport.resets).containsExactly(A);
  }

  @Test
  void anExceptionThatNeedsNoReconnectResetsNothing() {
    assertThat(rpc.handleException(A, new IllegalStateException("not a connection"), false))
        .isFalse();

    assertThat(background).isEmpty();
  }

  private static RaftClientRequest toLeader(RaftPeerId leader, long callId) {
    return base(callId).setLeaderId(leader).build();
  }

  private static RaftClientRequest toServer(RaftPeerId server, long callId) {
    return base(callId).setServerId(server).build();
  }

  private static RaftClientRequest.Builder base(long callId) {
    return RaftClientRequest.newBuilder().setClientId(ClientId.randomId())
        .setGroupId(RaftGroupId.randomId()).setCallId(callId).setMessage(Message.EMPTY)
        .setType(RaftClientRequest.writeRequestType());
  }

  /** Records requests and resets; replies never come. */
  private static final class RecordingRpc implements RaftClientRpc {
    final List<RaftClientRequest> sent = new CopyOnWriteArrayList<>();
    final List<RaftPeerId> resets = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
      sent.add(request);
      return new CompletableFuture<>();
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
      resets.add(serverId);
      return true;
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {}

    @Override
    public void close() {}
  }
}
