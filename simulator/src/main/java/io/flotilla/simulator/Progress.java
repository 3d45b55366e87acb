package io.flotilla.simulator;

/** Told how far a run has got, every 65,536 events; runs on the simulation thread. */
@FunctionalInterface
public interface Progress {
  Progress NONE = (simulatedMicros, events) -> { };

  void update(long simulatedMicros, long events);
}
