package io.flotilla.agent.voters;

import io.flotilla.agent.presence.Presence;
import io.flotilla.agent.presence.PresenceKeeper;
import io.flotilla.consensus.client.FleetAdmin;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.GroupStatus;
import io.flotilla.consensus.voters.AgentHealth;
import io.flotilla.consensus.voters.VoterChange;
import io.flotilla.consensus.voters.VoterManager;
import io.flotilla.consensus.voters.VoterPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one group's voter set healthy while this node leads it: on each {@link #tick} it reads
 * the members, their presence and how long ago each answered, asks the shared
 * {@link VoterManager} for the one change to make, makes it through Ratis reconfiguration, and
 * commits a {@link VoterRecord} of it. A node that starts leading starts with a fresh manager,
 * so a voter's grace is counted from then, and judges no one before every live member had a
 * presence lease's time to live to publish its presence (at a fleet's start, or after a
 * leaderless spell in which no presence could be written).
 */
public final class VoterSteward {
  /** Change records kept in the group; older ones are deleted. */
  static final int RECORDS_KEPT = 50;
  private static final Logger LOG = LoggerFactory.getLogger(VoterSteward.class);

  private final String group;
  private final FleetServer server;
  private final FleetClient client;
  private final VoterPolicy policy;
  private final Consumer<VoterChange> made;
  private VoterManager manager;
  private long leadingSinceMillis;

  /** @param made told of every change made, after it is committed (for metrics) */
  public VoterSteward(String group, FleetServer server, FleetClient client, VoterPolicy policy,
      Consumer<VoterChange> made) {
    this.group = group;
    this.server = server;
    this.client = client;
    this.policy = policy;
    this.made = made;
  }

  public void tick() {
    try {
      GroupStatus status = server.status(group);
      if (!status.isLeader() || !status.leaderReady()) {
        manager = null;
        return;
      }
      long now = System.currentTimeMillis();
      if (manager == null) {
        manager = new VoterManager(policy);
        leadingSinceMillis = now;
      }
      if (now - leadingSinceMillis < PresenceKeeper.TTL.toMillis()) {
        return;
      }
      FleetAdmin admin = client.admin();
      Optional<VoterChange> change = manager.decide(now, server.id(),
          health(status, admin.members()));
      if (change.isEmpty()) {
        return;
      }
      VoterChange c = change.get();
      LOG.info("group {}: {}", group, c);
      switch (c.kind()) {
        case PROMOTE -> admin.promote(c.in());
        case DEMOTE -> admin.demote(c.out());
        case SWAP -> admin.swap(c.out(), c.in());
        case HAND_OFF -> admin.transferLeadership(c.in());
      }
      manager.made(c, System.currentTimeMillis());
      LOG.info("group {}: made in {} ms", group, System.currentTimeMillis() - now);
      record(VoterRecord.of(c, now, server.id(), status.term()));
      made.accept(c);
    } catch (IOException | RuntimeException e) {
      LOG.warn("group {}: voter management skipped a round: {}", group, e.getMessage());
    }
  }

  private List<AgentHealth> health(GroupStatus status, List<FleetPeer> members) {
    Map<String, Presence> presence = new HashMap<>();
    for (KeyValue kv : client.range(Presence.PREFIX).getKvsList()) {
      Presence.parse(kv.getValue().toStringUtf8()).ifPresent(p -> presence.put(
          kv.getKey().toStringUtf8().substring(Presence.PREFIX.length()), p));
    }
    Map<String, Long> lag = new HashMap<>();
    status.followers().forEach(f -> lag.put(f.id(), f.lastContactMillis()));
    lag.put(server.id(), 0L);
    List<AgentHealth> out = new ArrayList<>();
    for (FleetPeer m : members) {
      boolean voter = m.role() == FleetPeer.Role.VOTER;
      Presence p = presence.get(m.id());
      long l = lag.getOrDefault(m.id(), Long.MAX_VALUE);
      out.add(p == null
          ? new AgentHealth(m.id(), voter, true, false, l, -1, -1, 0)
          : new AgentHealth(m.id(), voter, p.eligible(), true, l, p.battery(), p.link(),
              p.restarts()));
    }
    return out;
  }

  private void record(VoterRecord r) {
    client.put(r.key(), r.toJson());
    List<KeyValue> all = client.range(VoterRecord.PREFIX).getKvsList();
    for (int i = 0; i < all.size() - RECORDS_KEPT; i++) {
      client.delete(all.get(i).getKey().toStringUtf8());
    }
  }
}
