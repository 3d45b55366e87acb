package io.flotilla.agent.grpc;

import io.flotilla.agent.api.FollowerStatus;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.consensus.server.FleetServer;
import io.grpc.stub.StreamObserver;
import java.io.IOException;

/** This node's view of each of its groups. */
public final class StatusService extends StatusGrpc.StatusImplBase {
  private final Groups groups;
  private final FleetServer server;
  private final String version;
  private final String apiAddress;
  private final long startedNanos = System.nanoTime();

  public StatusService(Groups groups, FleetServer server, String version, String apiAddress) {
    this.groups = groups;
    this.server = server;
    this.version = version;
    this.apiAddress = apiAddress;
  }

  @Override
  public void status(StatusCall call, StreamObserver<StatusReply> out) {
    Calls.blocking(this::status, out);
  }

  StatusReply status() throws IOException {
    StatusReply.Builder b = StatusReply.newBuilder()
        .setNodeId(server.id())
        .setVersion(version)
        .setUptimeMillis((System.nanoTime() - startedNanos) / 1_000_000)
        .setRaftAddress(server.address())
        .setApiAddress(apiAddress);
    for (String name : groups.names()) {
      io.flotilla.consensus.server.GroupStatus s = server.status(name);
      GroupStatus.Builder g = GroupStatus.newBuilder()
          .setGroup(name)
          .setRole(s.role())
          .setLeaderId(s.leaderId())
          .setTerm(s.term())
          .setCommitIndex(s.commitIndex())
          .setAppliedIndex(s.appliedIndex())
          .setLastSnapshotIndex(s.lastSnapshotIndex())
          .setRevision(server.stateMachine(name).revision());
      for (var f : s.followers()) {
        g.addFollowers(FollowerStatus.newBuilder()
            .setId(f.id())
            .setMatchIndex(f.matchIndex())
            .setLag(Math.max(0, s.commitIndex() - f.matchIndex()))
            .setLastContactMillis(f.lastContactMillis()));
      }
      b.addGroups(g);
    }
    return b.build();
  }
}
