package io.flotilla.consensus.server;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.kv.FleetStateMachine;
import io.flotilla.consensus.kv.LeaseExpiry;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.LeaseListRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.ratis.RatisBytes;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proposals a leader makes on its own, on each group this server leads: the group's rules
 * from this server's config when they are not the group's ({@link FleetStateMachine#rulesProposal};
 * clients' commands carry them too, as their prelude, so this is for a leader no client writes
 * to), and the expiry of the leases {@link LeaseExpiry} finds due on this server's monotonic clock.
 * One such proposal is in flight per group at a time.
 */
final class LeaderDuties {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

  private final FleetServer server;
  private final LongSupplier monotonicClock;
  private final ClientId clientId;
  private final Map<RaftGroupId, LeaseExpiry> led = new ConcurrentHashMap<>();
  private final Set<RaftGroupId> inFlight = ConcurrentHashMap.newKeySet();

  /** @param clientId the id the server's state machines take for its own proposals */
  LeaderDuties(FleetServer server, LongSupplier monotonicClock, ClientId clientId) {
    this.server = server;
    this.monotonicClock = monotonicClock;
    this.clientId = clientId;
  }

  void run() {
    try {
      for (RaftGroupId gid : server.groupIds()) {
        check(gid);
      }
    } catch (Exception e) {
      LOG.debug("leader duties failed on {}", server.id(), e);
    }
  }

  private void check(RaftGroupId gid) throws Exception {
    DivisionInfo info = server.ratis().getDivision(gid).getInfo();
    if (!info.isLeader() || !info.isLeaderReady()) {
      led.remove(gid);
      return;
    }
    if (inFlight.contains(gid)) {
      return;
    }
    FleetStateMachine state = (FleetStateMachine) server.ratisStateMachine(gid).stateMachine();
    Optional<ByteString> rules = state.rulesProposal();
    if (rules.isPresent()) {
      propose(gid, rules.get());
      return;
    }
    QueryReply reply = QueryReply.parseFrom(state
        .query(Query.newBuilder().setLeaseList(LeaseListRequest.getDefaultInstance()).build()
            .toByteString())
        .join());
    // Read after the list: a renewal in it has applied, so it was sent before this instant.
    long now = monotonicClock.getAsLong();
    LeaseExpireRequest expire = led.computeIfAbsent(gid, g -> new LeaseExpiry())
        .due(info.getCurrentTerm(), reply.getLeaseList().getLeasesList(), now);
    if (expire.getLeasesCount() == 0) {
      return;
    }
    propose(gid, Command.newBuilder().setLeaseExpire(expire).build().toByteString());
  }

  private void propose(RaftGroupId gid, ByteString command) throws IOException {
    inFlight.add(gid);
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(server.serverId())
        .setGroupId(gid)
        .setCallId(server.nextCallId())
        .setMessage(RatisBytes.message(command))
        .setType(RaftClientRequest.writeRequestType())
        .build();
    server.ratis().submitClientRequestAsync(request)
        .whenComplete((r, e) -> inFlight.remove(gid));
  }
}
