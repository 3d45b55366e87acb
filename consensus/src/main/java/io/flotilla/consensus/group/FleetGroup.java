package io.flotilla.consensus.group;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;

/**
 * A Raft group: a name and its members. The name alone determines the Ratis group id, so every
 * process that names the same group means the same one.
 */
public record FleetGroup(String name, List<FleetPeer> peers) {

  public FleetGroup {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("group name must not be blank");
    }
    peers = List.copyOf(peers);
    Set<String> ids = new HashSet<>();
    for (FleetPeer p : peers) {
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("group " + name + " lists peer " + p.id() + " twice");
      }
    }
  }

  public static FleetGroup of(String name, FleetPeer... peers) {
    return new FleetGroup(name, List.of(peers));
  }

  public Optional<FleetPeer> peer(String id) {
    return peers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  public List<FleetPeer> voters() {
    return peers.stream().filter(p -> p.role() == FleetPeer.Role.VOTER).toList();
  }

  public RaftGroupId ratisId() {
    return ratisId(name);
  }

  public static RaftGroupId ratisId(String name) {
    return RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes(("flotilla/" + name).getBytes(StandardCharsets.UTF_8)));
  }

  public RaftGroup toRatis() {
    return RaftGroup.valueOf(ratisId(), peers.stream().map(FleetGroup::toRatis).toList());
  }

  private static RaftPeer toRatis(FleetPeer p) {
    return RaftPeer.newBuilder()
        .setId(p.id())
        .setAddress(p.address())
        .setPriority(p.priority())
        .setStartupRole(p.role() == FleetPeer.Role.VOTER
            ? RaftPeerRole.FOLLOWER : RaftPeerRole.LISTENER)
        .build();
  }

  /** A Ratis peer as a member of the fleet, in the role its configuration lists it in. */
  public static FleetPeer fromRatis(RaftPeer p, FleetPeer.Role role) {
    return new FleetPeer(p.getId().toString(), p.getAddress(), role, p.getPriority());
  }
}
