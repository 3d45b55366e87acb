package io.flotilla.consensus.server;

import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.kv.LeaseExpiry;
import io.flotilla.consensus.proto.LeaseListRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.ratis.RatisBytes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On each group this server leads, proposes the expiry of the leases {@link LeaseExpiry} picks. */
final class LeaseExpirer {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseExpirer.class);

  private final FleetServer server;
  private final LongSupplier clock;
  private final ClientId clientId = ClientId.randomId();
  private final Map<RaftGroupId, long[]> leadership = new HashMap<>(); // {term, since}
  private final Set<RaftGroupId> inFlight = ConcurrentHashMap.newKeySet();

  LeaseExpirer(FleetServer server, LongSupplier clock) {
    this.server = server;
    this.clock = clock;
  }

  void run() {
    try {
      for (RaftGroupId gid : server.groupIds()) {
        check(gid);
      }
    } catch (Exception e) {
      LOG.debug("lease expiry check failed on {}", server.id(), e);
    }
  }

  private void check(RaftGroupId gid) throws Exception {
    DivisionInfo info = server.ratis().getDivision(gid).getInfo();
    long now = clock.getAsLong();
    if (!info.isLeader() || !info.isLeaderReady()) {
      leadership.remove(gid);
      return;
    }
    long[] since = leadership.get(gid);
    if (since == null || since[0] != info.getCurrentTerm()) {
      leadership.put(gid, new long[] {info.getCurrentTerm(), now});
      return;
    }
    if (inFlight.contains(gid)) {
      return;
    }
    QueryReply reply = QueryReply.parseFrom(server.ratisStateMachine(gid).stateMachine()
        .query(Query.newBuilder().setLeaseList(LeaseListRequest.getDefaultInstance()).build()
            .toByteString())
        .join());
    LeaseExpireRequest expire = LeaseExpiry.due(reply.getLeaseList().getLeasesList(), now, since[1]);
    if (expire.getIdsCount() == 0) {
      return;
    }
    inFlight.add(gid);
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(server.serverId())
        .setGroupId(gid)
        .setCallId(server.nextCallId())
        .setMessage(RatisBytes.message(
            Command.newBuilder().setLeaseExpire(expire).build().toByteString()))
        .setType(RaftClientRequest.writeRequestType())
        .build();
    server.ratis().submitClientRequestAsync(request)
        .whenComplete((r, e) -> inFlight.remove(gid));
  }
}
