package io.flotilla.simulator.world;

/**
 * How an agent moves. Positions are computed lazily from piecewise-linear legs, so nothing
 * ticks per agent: asking where an agent is at time t costs O(1) amortized. Callers ask with
 * non-decreasing times.
 */
public interface Mobility {
  /** Writes the agent's position at {@code now} (virtual microseconds) into {@code out}. */
  void locate(long now, Position out);
}
