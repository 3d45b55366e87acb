package io.flotilla.simulator.kernel;

/**
 * Something that happens at one instant of virtual time. The kernel orders events by time,
 * then by the order they were scheduled, so a run never depends on hash order or wall time.
 *
 * <p>{@link #fingerprint()} is folded into the run's trace hash: two runs that process events
 * with equal times and fingerprints in the same order have equal hashes.
 */
public abstract class Event {
  long time;
  long seq;

  /** Virtual time in microseconds at which the event fires. */
  public final long time() {
    return time;
  }

  /** Does what the event stands for; may schedule further events. */
  protected abstract void fire();

  /** A 64-bit summary of what the event is and whom it concerns. */
  protected abstract long fingerprint();

  /** One line for a human reading a replay trace. */
  public abstract String describe();
}
