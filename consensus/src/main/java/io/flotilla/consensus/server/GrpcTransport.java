package io.flotilla.consensus.server;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.server.raftlog.RaftLogIOException;

/**
 * Ratis's gRPC transport, with leaders whose heartbeats obey {@link HeartbeatCommit} and
 * followers that acknowledge only what they hold ({@link FollowerAppendGuard}).
 *
 * <p>Ratis makes an {@link RpcType} from its class name ({@code raft.rpc.type}), so a server
 * takes this one from its properties ({@link #use}).
 */
public final class GrpcTransport implements RpcType {
  /** Sets a server's properties to this transport. */
  static void use(RaftProperties properties) {
    RaftConfigKeys.Rpc.setType(properties, new GrpcTransport());
  }

  @Override
  public String name() {
    return GrpcTransport.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new GrpcFactory(parameters) {
      @Override
      public GrpcServices newRaftServerRpc(RaftServer server) {
        return super.newRaftServerRpc(FollowerAppendGuard.around(server));
      }

      @Override
      public LogAppender newLogAppender(RaftServer.Division server, LeaderState state,
          FollowerInfo follower) {
        return new Appender(server, state, follower);
      }
    };
  }

  private static final class Appender extends GrpcLogAppender {
    Appender(RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      super(server, state, follower);
    }

    @Override
    public AppendEntriesRequestProto newAppendEntriesRequest(long callId, boolean heartbeat)
        throws RaftLogIOException {
      AppendEntriesRequestProto request = super.newAppendEntriesRequest(callId, heartbeat);
      return request == null ? null
          : HeartbeatCommit.limit(request, getFollower().getMatchIndex());
    }
  }
}
