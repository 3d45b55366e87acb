package io.flotilla.simulator.world;

/**
 * An agent's charge in percent at a virtual time, as the agent would report it in its health:
 * 0-100, or -1 for an agent on mains power (a ground station) that reports none.
 */
@FunctionalInterface
public interface Battery {
  /** Mains power: nothing to report. */
  Battery MAINS = now -> -1;

  int percent(long now);

  /**
   * A drone's battery: full at time 0, empty at {@code emptyAt} microseconds, draining at a
   * constant rate in between (a drone in the air draws power whether it flies on or hovers).
   * Rounded up, so it reads 0 only once it is empty.
   */
  static Battery draining(long emptyAt) {
    return now -> now >= emptyAt ? 0 : (int) -Math.floorDiv(-100L * (emptyAt - now), emptyAt);
  }
}
