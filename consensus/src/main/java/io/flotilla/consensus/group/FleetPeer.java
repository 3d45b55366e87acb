package io.flotilla.consensus.group;

import java.util.Objects;

/**
 * One member of a group.
 *
 * @param id unique within the fleet
 * @param address host:port of its Raft endpoint
 * @param role whether it votes
 * @param priority leadership preference among voters; the highest live one tends to lead
 */
public record FleetPeer(String id, String address, Role role, int priority) {

  /** A voter takes part in elections and commit quorums; a listener only follows the log. */
  public enum Role { VOTER, LISTENER }

  public FleetPeer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(role, "role");
    if (id.isBlank()) {
      throw new IllegalArgumentException("peer id must not be blank");
    }
  }

  public static FleetPeer voter(String id, String address) {
    return new FleetPeer(id, address, Role.VOTER, 0);
  }

  public static FleetPeer listener(String id, String address) {
    return new FleetPeer(id, address, Role.LISTENER, 0);
  }

  public FleetPeer withRole(Role newRole) {
    return new FleetPeer(id, address, newRole, priority);
  }

  public FleetPeer withPriority(int newPriority) {
    return new FleetPeer(id, address, role, newPriority);
  }
}
