package io.flotilla.agent.access;

/** What a client of the agent API may do; each role includes the ones before it. */
public enum Role {
  /** Read keys, leases, watches, election holders, status and members. */
  READ,
  /** Also write keys under its rule's prefix, hold leases and run for elections under it. */
  WRITE,
  /** Everything, including membership, leadership, elections pauses and snapshots. */
  ADMIN;

  boolean includes(Role other) {
    return compareTo(other) >= 0;
  }
}
