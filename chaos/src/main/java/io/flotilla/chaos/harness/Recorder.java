package io.flotilla.chaos.harness;

import io.flotilla.chaos.history.Event;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of a run as it happens: every invocation and completion, in the order they
 * occurred, with nanoseconds since the run began. The nemesis is process {@value #NEMESIS}.
 */
final class Recorder {
  static final int NEMESIS = -1;

  private final long t0 = System.nanoTime();
  private final List<Event> events = new ArrayList<>();

  synchronized void record(int process, EventType type, String function, Object key, Object value) {
    events.add(new Event(process, type, function, key, value, System.nanoTime() - t0));
  }

  long elapsedNanos() {
    return System.nanoTime() - t0;
  }

  /** Everything, the nemesis included. */
  synchronized History all() {
    return History.of(events);
  }

  /** The client operations alone, for the checkers. */
  synchronized History clients() {
    return History.of(events.stream().filter(e -> e.process() != NEMESIS).toList());
  }
}
