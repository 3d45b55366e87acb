package io.flotilla.simulator.ratis;

import io.flotilla.consensus.server.FollowerAppendGuard;
import io.flotilla.consensus.server.HeartbeatCommit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.ClientFactory;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.proto.RaftProtos.AppendEntriesReplyProto;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotReplyProto;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteReplyProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionReplyProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.RaftServerRpc;
import org.apache.ratis.server.ServerFactory;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.util.JavaUtils;

/**
 * The simulated radio as Ratis's transport: the RPCs between the simulation's servers (votes,
 * appends and heartbeats, snapshots, leadership hand-overs) are handed from the sender's thread
 * to the receiving server's own protocol methods, after the one-way latency {@link RadioLinks}
 * gives the request, and returned after the reply's. A request the radio loses never reaches
 * the receiver and a lost reply never comes back: either way the sender waits its request
 * timeout and fails, as a call to a drone out of range does. A server that is down answers
 * nothing either.
 *
 * <p>One JVM holds hundreds of servers on a machine with a few cores: gRPC's streams, event
 * loops and serialization cost each of them threads and wake-ups that the world's radio, not
 * TCP, decides anyway. Leaders send with Ratis's default log appender (one request in flight
 * per follower, on the appender's thread). Clients (the workload) reach a server directly, not
 * over the radio.
 *
 * <p>Ratis makes an {@link RpcType} from its class name, so the radio travels in the
 * {@link Parameters} a server or client is built with ({@link #use}).
 */
final class RadioTransport implements RpcType {
  private static final String RADIO = "flotilla.radio";

  /** Sets a server's or client's settings to talk over {@code radio}. */
  static void use(RadioLinks radio, RaftProperties properties, Parameters parameters) {
    RaftConfigKeys.Rpc.setType(properties, new RadioTransport());
    parameters.put(RADIO, radio, RadioLinks.class);
  }

  @Override
  public String name() {
    return RadioTransport.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(this, parameters.get(RADIO, RadioLinks.class));
  }

  private record Factory(RadioTransport type, RadioLinks radio)
      implements ServerFactory, ClientFactory {
    @Override
    public RpcType getRpcType() {
      return type;
    }

    @Override
    public RaftServerRpc newRaftServerRpc(RaftServer server) {
      return new ServerEnd(type, radio, server);
    }

    @Override
    public RaftClientRpc newRaftClientRpc(ClientId clientId, RaftProperties properties) {
      return new ClientEnd(radio);
    }
  }

  /** A server's side: on the air from {@link #start} to {@link #close}. */
  private static final class ServerEnd implements RaftServerRpc {
    private final RadioTransport type;
    private final RadioLinks radio;
    private final RaftServer server;
    private final long timeoutMicros;

    ServerEnd(RadioTransport type, RadioLinks radio, RaftServer server) {
      this.type = type;
      this.radio = radio;
      this.server = server;
      this.timeoutMicros = RaftServerConfigKeys.Rpc.requestTimeout(server.getProperties())
          .toLong(TimeUnit.MICROSECONDS);
    }

    @FunctionalInterface
    private interface Call<R> {
      R on(RaftServer receiver) throws IOException;
    }

    private <R> R send(RaftRpcRequestProto header, Call<R> call) throws IOException {
      RaftPeerId to = RaftPeerId.valueOf(header.getReplyId());
      if (radio.receiver(server.getId()) != server) {
        throw new IOException(server.getId() + " is off the air");
      }
      // A server that is down is not on the radio: its calls are not counted as carried.
      RaftServer receiver = radio.receiver(to);
      RadioLinks.Trip trip = receiver == null ? null
          : radio.trip(server.getId(), to, header.getRaftGroupId().getId());
      if (trip == null) {
        throw timedOut(to, 0);
      }
      sleep(trip.there());
      R reply = call.on(receiver);
      if (trip.back() < 0) {
        throw timedOut(to, trip.there());
      }
      sleep(trip.back());
      return reply;
    }

    /** Waits out the rest of the request timeout of a call nobody will answer. */
    private TimeoutIOException timedOut(RaftPeerId to, long waited) throws InterruptedIOException {
      sleep(timeoutMicros - waited);
      return new TimeoutIOException(server.getId() + "->" + to + ": no answer over the radio in "
          + timeoutMicros / 1000 + " ms");
    }

    private static void sleep(long micros) throws InterruptedIOException {
      if (micros <= 0) {
        return;
      }
      try {
        TimeUnit.MICROSECONDS.sleep(micros);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted on the radio");
      }
    }

    @Override
    public RequestVoteReplyProto requestVote(RequestVoteRequestProto r) throws IOException {
      return send(r.getServerRequest(), to -> to.requestVote(r));
    }

    @Override
    public AppendEntriesReplyProto appendEntries(AppendEntriesRequestProto r) throws IOException {
      // Ratis's default appender sends a heartbeat with no previous entry only to a follower
      // whose next index is the log's first: nothing of the leader's log is known to be there.
      AppendEntriesRequestProto limited = HeartbeatCommit.limit(r, RaftLog.INVALID_LOG_INDEX);
      return send(r.getServerRequest(),
          to -> FollowerAppendGuard.held(to, limited, to.appendEntries(limited)));
    }

    @Override
    public InstallSnapshotReplyProto installSnapshot(InstallSnapshotRequestProto r)
        throws IOException {
      return send(r.getServerRequest(), to -> to.installSnapshot(r));
    }

    @Override
    public StartLeaderElectionReplyProto startLeaderElection(StartLeaderElectionRequestProto r)
        throws IOException {
      return send(r.getServerRequest(), to -> to.startLeaderElection(r));
    }

    @Override
    public void start() {
      radio.onAir(server);
    }

    @Override
    public void close() {
      radio.offAir(server);
    }

    /** A label: the radio routes by server id, so no socket is bound. */
    @Override
    public InetSocketAddress getInetSocketAddress() {
      return InetSocketAddress.createUnresolved("radio", 0);
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
      // Every server on the air is reachable by id.
    }

    @Override
    public void handleException(RaftPeerId serverId, Exception e, boolean reconnect) {
      // No connection to reset.
    }

    @Override
    public RpcType getRpcType() {
      return type;
    }
  }

  /**
   * A client's side: the workload's writes go straight to the server they name, off the radio
   * (the client runs beside its agent). A server that is down refuses them at once.
   *
   * <p>As over a socket, neither side runs on the other's thread: a request is submitted from
   * the client's own thread and its reply completes there, since the caller holds the client's
   * window lock while sending and the server holds its own lock while answering.
   */
  private static final class ClientEnd implements RaftClientRpc {
    private final RadioLinks radio;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "radio-client");
      t.setDaemon(true);
      return t;
    });

    ClientEnd(RadioLinks radio) {
      this.radio = radio;
    }

    @Override
    public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
      if (request.getClass() != RaftClientRequest.class) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
            JavaUtils.getClassSimpleName(request.getClass()) + " is not sent over the radio"));
      }
      RaftServer server = radio.receiver(request.getServerId());
      if (server == null) {
        return CompletableFuture.failedFuture(
            new IOException(request.getServerId() + " is down"));
      }
      return CompletableFuture.supplyAsync(() -> {
        try {
          return server.submitClientRequestAsync(request);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, threads).thenCompose(reply -> reply).whenCompleteAsync((reply, error) -> { }, threads);
    }

    @Override
    public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
      try {
        return sendRequestAsync(request).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted sending " + request);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }

    @Override
    public void addRaftPeers(Collection<RaftPeer> peers) {
      // Servers are found by id.
    }

    /**
     * Leaves the threads to end once idle: replies still due complete on them, never on the
     * server's threads.
     */
    @Override
    public void close() {
      // Nothing held but those threads.
    }
  }
}
