package io.flotilla.simulator;

import io.flotilla.simulator.fleet.NodeFactory;
import io.flotilla.simulator.invariants.Invariant;
import java.util.EnumSet;
import java.util.Set;

/**
 * How to run a scenario, beyond what the scenario itself says.
 *
 * @param stopAtEvent stop after this many events (a replay), or {@link Long#MAX_VALUE}
 * @param traceTail how many of the last events to keep as human-readable lines (0: none)
 * @param checks which invariants to check
 * @param digestEvery compare state digests at every index divisible by this
 * @param nodes builds each replica's Raft node
 */
public record SimulationOptions(long stopAtEvent, int traceTail, Set<Invariant> checks,
    int digestEvery, NodeFactory nodes) {

  public SimulationOptions {
    if (digestEvery < 1) {
      throw new IllegalArgumentException("digestEvery must be at least 1");
    }
    checks = checks.isEmpty() ? EnumSet.noneOf(Invariant.class) : EnumSet.copyOf(checks);
  }

  /**
   * Every invariant checked, state digests every 1024 indexes (a divergence persists, so
   * sampling finds it), the standard Raft node.
   */
  public static SimulationOptions defaults() {
    return new SimulationOptions(Long.MAX_VALUE, 0, EnumSet.allOf(Invariant.class), 1024,
        NodeFactory.STANDARD);
  }

  /** Stops after event {@code event} and keeps the last {@code tail} events readable. */
  public SimulationOptions replay(long event, int tail) {
    return new SimulationOptions(event, tail, checks, digestEvery, nodes);
  }

  public SimulationOptions checking(Set<Invariant> only) {
    return new SimulationOptions(stopAtEvent, traceTail, only, digestEvery, nodes);
  }

  public SimulationOptions digestEvery(int every) {
    return new SimulationOptions(stopAtEvent, traceTail, checks, every, nodes);
  }

  public SimulationOptions nodes(NodeFactory factory) {
    return new SimulationOptions(stopAtEvent, traceTail, checks, digestEvery, factory);
  }
}
