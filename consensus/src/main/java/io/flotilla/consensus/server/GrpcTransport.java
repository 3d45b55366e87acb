package io.flotilla.consensus.server;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
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
 * Ratis's gRPC transport, with leaders that never let a heartbeat commit a follower's first
 * entry before that entry is known to be the leader's.
 *
 * <p>A Ratis leader sends a heartbeat with no previous entry when the follower's next index is
 * the log's first, and also whenever data requests to it are in flight; the commit index it
 * carries is then capped at the log's first index only. A follower takes such a heartbeat as
 * consistent with any log and commits its own entry at that index, even one from a term the
 * group never committed: a member that led a new group's first term alone holds one. From then
 * on it refuses the group's first entry as already committed and every later one as not
 * following its log, and never applies again (checked against Ratis 3.3's
 * {@code RaftServerImpl.checkInconsistentAppendEntries} and {@code ServerImplUtils
 * .effectiveCommitIndex}; {@code FirstLeaderRejoinTest} shows it). Here such a heartbeat
 * carries no commit index past what the follower is known to hold, which only a reply that
 * matched the leader's log sets; every heartbeat with a previous entry, and every append, is
 * Ratis's own.
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
      if (request == null || request.hasPreviousLog() || request.getEntriesCount() > 0) {
        return request;
      }
      long held = getFollower().getMatchIndex();
      return request.getLeaderCommit() <= held ? request
          : request.toBuilder().setLeaderCommit(held).build();
    }
  }
}
