package io.flotilla.agent.grpc;

import io.flotilla.agent.api.FollowerStatus;
import io.flotilla.agent.api.GroupStatus;
import io.flotilla.agent.api.RouteStatus;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.forward.ForwardingLoop;
import io.flotilla.consensus.kv.FleetStateMachine;
import io.flotilla.consensus.server.FleetServer;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;

/** This node's view of each of its groups. */
public final class StatusService extends StatusGrpc.StatusImplBase {
  private final Groups groups;
  private final FleetServer server;
  private final List<ForwardingLoop> forwarding;
  private final String version;
  private final String apiAddress;
  private final long startedNanos = System.nanoTime();

  public StatusService(Groups groups, FleetServer server, List<ForwardingLoop> forwarding,
      String version, String apiAddress) {
    this.groups = groups;
    this.server = server;
    this.forwarding = forwarding;
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
      FleetStateMachine state = server.stateMachine(name);
      GroupStatus.Builder g = GroupStatus.newBuilder()
          .setGroup(name)
          .setRole(s.role())
          .setLeaderId(s.leaderId())
          .setTerm(s.term())
          .setCommitIndex(s.commitIndex())
          .setAppliedIndex(s.appliedIndex())
          .setLastSnapshotIndex(s.lastSnapshotIndex())
          .setRevision(state.revision())
          .setRules(state.rules())
          .setRulesAsConfigured(state.rulesAsConfigured());
      for (var f : s.followers()) {
        g.addFollowers(FollowerStatus.newBuilder()
            .setId(f.id())
            .setMatchIndex(f.matchIndex())
            .setLag(Math.max(0, s.commitIndex() - f.matchIndex()))
            .setLastContactMillis(f.lastContactMillis()));
      }
      for (ForwardingLoop loop : forwarding) {
        if (loop.squad().equals(name)) {
          for (ForwardingLoop.RouteState r : loop.routes()) {
            g.addRoutes(RouteStatus.newBuilder().setName(r.name()).setFromGroup(r.from())
                .setToGroup(r.to()).setForwarded(r.forwarded())
                .setStuck(r.stuck() == null ? "" : r.stuck()).setBehindMillis(r.behindMillis()));
          }
        }
      }
      b.addGroups(g);
    }
    return b.build();
  }
}
