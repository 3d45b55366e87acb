package io.flotilla.consensus.client;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Ratis's gRPC client transport, made to leave a leader that fell silent quickly.
 *
 * <p>Connection resets run off the caller's thread. When an attempt fails, Ratis's client
 * resets its connection to that server on the thread that handles the failure (its timeout
 * thread) before it schedules the retry, and a gRPC channel waits up to 3 s for its open calls to end before it is closed by force. A server that
 * went silent (stopped, powered off, out of radio range) never ends them, so every failover
 * away from such a leader waited those 3 s, and with the attempt timeout the retry came past
 * the caller's deadline. Here the reset runs in the background and the retry goes out at once,
 * to another server.
 *
 * <p>A server can be {@link #abandon abandoned} when the client learns that another one leads:
 * the calls waiting on it are sent again to the others at once, and so is the next call the
 * client would send it, instead of waiting out an attempt there. Only the next one: if the
 * news was wrong, the call after it reaches the server again.
 */
final class FailoverRpc implements RaftClientRpc {
  private final RaftClientRpc delegate;
  private final Executor background;
  private final AtomicReference<RaftPeerId> abandoned = new AtomicReference<>();

  FailoverRpc(RaftClientRpc delegate, Executor background) {
    this.delegate = delegate;
    this.background = background;
  }

  /** Gives up on {@code server} as the leader: see the class comment. */
  void abandon(RaftPeerId server, String why) {
    abandoned.set(server);
    handleException(server, new IOException(why), true);
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
    RaftPeerId to = request.getServerId();
    RaftPeerId left = abandoned.get();
    if (request.isToLeader() && to.equals(left) && abandoned.compareAndSet(left, null)) {
      // Failed before it is sent: Ratis sends it again to another server at once.
      return CompletableFuture.failedFuture(new IOException(to + " no longer leads"));
    }
    return delegate.sendRequestAsync(request);
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
    return delegate.sendRequestAsyncUnordered(request);
  }

  @Override
  public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
    return delegate.sendRequest(request);
  }

  @Override
  public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
    if (!reconnect && !delegate.shouldReconnect(t)) {
      return false;
    }
    background.execute(() -> delegate.handleException(serverId, t, true));
    return true;
  }

  @Override
  public boolean shouldReconnect(Throwable t) {
    return delegate.shouldReconnect(t);
  }

  @Override
  public void addRaftPeers(Collection<RaftPeer> peers) {
    delegate.addRaftPeers(peers);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
