package io.flotilla.simulator.fleet;

import io.flotilla.simulator.raft.LogEntry;

/**
 * What the fleet reports as it runs, to the invariant checker and the metrics. Called on the
 * simulation thread at the virtual time the thing happens.
 */
public interface FleetObserver {
  /** {@code m} just became leader of its group in its node's current term. */
  default void becameLeader(Member m) {}

  /** {@code m} stopped leading: it stepped down, saw a newer term, or crashed. */
  default void lostLeadership(Member m) {}

  default void appended(Member m, long index, LogEntry entry, long chain) {}

  /** {@code m}'s commit index moved from {@code from} to {@code to}. */
  default void committed(Member m, long from, long to) {}

  /** {@code m} applied the entry at {@code index} to its state machine (no-ops included). */
  default void applied(Member m, long index, LogEntry entry) {}

  /** A leader saw an entry it proposed commit, {@code micros} after proposing it. */
  default void proposalCommitted(Member leader, long micros) {}

  /** A client request finished: acknowledged, or given up after its retries. */
  default void requestDone(Member client, boolean write, boolean ok, long micros) {}

  /** The write of {@code key} = {@code value} at {@code revision} was acknowledged. */
  default void acknowledged(Group group, String key, String value, long revision) {}

  /** {@code agent} believes it holds {@code role} until {@code validUntil} (micros). */
  default void roleHeld(String role, String agent, long validUntil) {}

  default void roleReleased(String role, String agent) {}

  /** An observer that tells {@code first}, then {@code second}, of everything. */
  static FleetObserver both(FleetObserver first, FleetObserver second) {
    return new FleetObserver() {
      @Override
      public void becameLeader(Member m) {
        first.becameLeader(m);
        second.becameLeader(m);
      }

      @Override
      public void lostLeadership(Member m) {
        first.lostLeadership(m);
        second.lostLeadership(m);
      }

      @Override
      public void appended(Member m, long index, LogEntry entry, long chain) {
        first.appended(m, index, entry, chain);
        second.appended(m, index, entry, chain);
      }

      @Override
      public void committed(Member m, long from, long to) {
        first.committed(m, from, to);
        second.committed(m, from, to);
      }

      @Override
      public void applied(Member m, long index, LogEntry entry) {
        first.applied(m, index, entry);
        second.applied(m, index, entry);
      }

      @Override
      public void proposalCommitted(Member leader, long micros) {
        first.proposalCommitted(leader, micros);
        second.proposalCommitted(leader, micros);
      }

      @Override
      public void requestDone(Member client, boolean write, boolean ok, long micros) {
        first.requestDone(client, write, ok, micros);
        second.requestDone(client, write, ok, micros);
      }

      @Override
      public void acknowledged(Group group, String key, String value, long revision) {
        first.acknowledged(group, key, value, revision);
        second.acknowledged(group, key, value, revision);
      }

      @Override
      public void roleHeld(String role, String agent, long validUntil) {
        first.roleHeld(role, agent, validUntil);
        second.roleHeld(role, agent, validUntil);
      }

      @Override
      public void roleReleased(String role, String agent) {
        first.roleReleased(role, agent);
        second.roleReleased(role, agent);
      }
    };
  }
}
