package io.flotilla.agent.grpc;

import io.flotilla.agent.api.AgentsReply;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.Empty;
import io.flotilla.agent.api.EnrollCall;
import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.Member;
import io.flotilla.agent.api.MemberAddCall;
import io.flotilla.agent.api.MemberCall;
import io.flotilla.agent.api.MemberListReply;
import io.flotilla.agent.api.HealthReport;
import io.flotilla.agent.api.MemberPresence;
import io.flotilla.agent.api.VoterChangeRecord;
import io.flotilla.agent.presence.Presence;
import io.flotilla.agent.presence.PresenceKeeper;
import io.flotilla.agent.voters.VoterRecord;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.proto.KeyValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.flotilla.agent.api.SnapshotReply;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.agent.trust.TrustFileException;
import io.flotilla.consensus.proto.IdentityListResponse;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.FleetServer;
import io.grpc.Status;
import io.flotilla.consensus.proto.StateDigestResponse;
import io.grpc.stub.StreamObserver;
import java.security.PublicKey;

/**
 * Membership, agent identities and per-node administration. Calls that go through the group's
 * leader are refused where this node's side of the group has no quorum (see
 * {@link QuorumGate}); the per-node ones (elections paused, snapshots) are not.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final Groups groups;
  private final QuorumGate quorum;
  private final FleetServer server;
  private final StatusService status;
  private final PresenceKeeper presence;

  public ClusterService(Groups groups, QuorumGate quorum, FleetServer server,
      StatusService status, PresenceKeeper presence) {
    this.presence = presence;
    this.groups = groups;
    this.quorum = quorum;
    this.server = server;
    this.status = status;
  }

  /**
   * The group's client, for a call that needs its leader: refused here without a quorum. A
   * call asks once, before it acts; the reply to a change it made is read with the same client
   * and never refused, since a refusal says the change was not made (and a member that has
   * just removed itself hears from no leader any more, so its side soon says no quorum).
   */
  private FleetClient client(String group) {
    quorum.check(groups.resolve(group));
    return groups.client(group);
  }

  @Override
  public void memberList(GroupCall call, StreamObserver<MemberListReply> out) {
    Calls.blocking(() -> members(client(call.getGroup())), out);
  }

  @Override
  public void memberAdd(MemberAddCall call, StreamObserver<MemberListReply> out) {
    Calls.blocking(() -> {
      Member m = call.getMember();
      if (m.getId().isEmpty() || m.getAddress().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("a new member needs an id and an address")
            .asRuntimeException();
      }
      FleetPeer peer = new FleetPeer(m.getId(), m.getAddress(),
          m.getRole() == Member.Role.LISTENER ? FleetPeer.Role.LISTENER : FleetPeer.Role.VOTER,
          m.getPriority());
      FleetClient client = client(call.getGroup());
      if (peer.role() == FleetPeer.Role.LISTENER) {
        client.admin().addListener(peer);
      } else {
        client.admin().addVoter(peer);
      }
      return members(client);
    }, out);
  }

  @Override
  public void memberRemove(MemberCall call, StreamObserver<MemberListReply> out) {
    Calls.blocking(() -> {
      FleetClient client = client(call.getGroup());
      client.admin().remove(call.getId());
      return members(client);
    }, out);
  }

  @Override
  public void memberPromote(MemberCall call, StreamObserver<MemberListReply> out) {
    Calls.blocking(() -> {
      FleetClient client = client(call.getGroup());
      client.admin().promote(call.getId());
      return members(client);
    }, out);
  }

  @Override
  public void moveLeader(MemberCall call, StreamObserver<StatusReply> out) {
    Calls.blocking(() -> {
      client(call.getGroup()).admin().transferLeadership(call.getId());
      return status.status();
    }, out);
  }

  @Override
  public void pauseElections(GroupCall call, StreamObserver<Empty> out) {
    Calls.blocking(() -> {
      server.pauseElections(groups.resolve(call.getGroup()), true);
      return Empty.getDefaultInstance();
    }, out);
  }

  @Override
  public void resumeElections(GroupCall call, StreamObserver<Empty> out) {
    Calls.blocking(() -> {
      server.pauseElections(groups.resolve(call.getGroup()), false);
      return Empty.getDefaultInstance();
    }, out);
  }

  @Override
  public void snapshot(GroupCall call, StreamObserver<SnapshotReply> out) {
    Calls.blocking(() -> SnapshotReply.newBuilder()
        .setIndex(server.snapshotNow(groups.resolve(call.getGroup()))).build(), out);
  }

  @Override
  public void stateDigest(GroupCall call, StreamObserver<StateDigestResponse> out) {
    Calls.blocking(() -> server.stateMachine(groups.resolve(call.getGroup())).digest(), out);
  }

  @Override
  public void enrollAgent(EnrollCall call, StreamObserver<AgentsReply> out) {
    Calls.blocking(() -> {
      PublicKey key;
      try {
        key = FleetCa.parsePublicKey(call.getPublicKey().toByteArray(), "public_key");
      } catch (TrustFileException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
      }
      FleetClient client = client(call.getGroup());
      client.enroll(call.getAgentId(), key);
      return agents(client);
    }, out);
  }

  @Override
  public void revokeAgent(MemberCall call, StreamObserver<AgentsReply> out) {
    Calls.blocking(() -> {
      FleetClient client = client(call.getGroup());
      client.revoke(call.getId());
      return agents(client);
    }, out);
  }

  @Override
  public void listAgents(GroupCall call, StreamObserver<AgentsReply> out) {
    Calls.blocking(() -> agents(client(call.getGroup())), out);
  }

  private static AgentsReply agents(FleetClient client) {
    IdentityListResponse identities = client.identities();
    return AgentsReply.newBuilder()
        .setGroup(client.group().name())
        .addAllAgents(identities.getAgentsList())
        .setRejections(identities.getRejections())
        .build();
  }

  @Override
  public void reportHealth(HealthReport call, StreamObserver<Empty> out) {
    Calls.blocking(() -> {
      if (call.hasBattery() && (call.getBattery() < 0 || call.getBattery() > 100)) {
        throw Status.INVALID_ARGUMENT.withDescription("battery must be 0 to 100 percent, not "
            + call.getBattery()).asRuntimeException();
      }
      if (call.hasLink() && !(call.getLink() >= 0 && call.getLink() <= 1)) {
        throw Status.INVALID_ARGUMENT.withDescription("link must be 0.0 to 1.0, not "
            + call.getLink()).asRuntimeException();
      }
      Presence now = presence.presence();
      presence.report(call.hasBattery() ? call.getBattery() : now.battery(),
          call.hasLink() ? call.getLink() : now.link());
      return Empty.getDefaultInstance();
    }, out);
  }

  private static MemberListReply members(FleetClient client) {
    Map<String, Presence> present = new HashMap<>();
    List<VoterChangeRecord> changes = new ArrayList<>();
    for (KeyValue kv : client.range("_flotilla/").getKvsList()) {
      String key = kv.getKey().toStringUtf8();
      String value = kv.getValue().toStringUtf8();
      if (key.startsWith(Presence.PREFIX)) {
        Presence.parse(value).ifPresent(p -> present.put(
            key.substring(Presence.PREFIX.length()), p));
      } else if (key.startsWith(VoterRecord.PREFIX)) {
        VoterRecord.parse(value).ifPresent(r -> changes.add(VoterChangeRecord.newBuilder()
            .setAtMillis(r.atMillis()).setLeader(r.leader()).setTerm(r.term())
            .setKind(r.kind()).setIn(nullToEmpty(r.in())).setOut(nullToEmpty(r.out()))
            .setReason(r.reason()).build()));
      }
    }
    MemberListReply.Builder b = MemberListReply.newBuilder().setGroup(client.group().name())
        .addAllChanges(changes);
    for (FleetPeer p : client.admin().members()) {
      Member.Builder m = Member.newBuilder()
          .setId(p.id())
          .setAddress(p.address())
          .setRole(p.role() == FleetPeer.Role.LISTENER ? Member.Role.LISTENER : Member.Role.VOTER)
          .setPriority(p.priority());
      Presence seen = present.get(p.id());
      m.setPresence(seen == null
          ? MemberPresence.newBuilder().setBattery(-1).setLink(-1).build()
          : MemberPresence.newBuilder().setPresent(true).setKind(seen.kind())
              .setEligible(seen.eligible()).setBattery(seen.battery()).setLink(seen.link())
              .setRestarts(seen.restarts()).build());
      b.addMembers(m);
    }
    return b.build();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
