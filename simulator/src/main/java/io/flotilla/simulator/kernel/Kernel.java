package io.flotilla.simulator.kernel;

import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * The discrete-event loop: one thread, a virtual clock in microseconds, and a queue of events
 * processed strictly in (time, scheduling order). Every processed event is numbered from 1
 * and folded into a {@link TraceHash}, so the same scenario and seed give the same numbers and
 * the same hash, and a run can be replayed up to any event number.
 */
public final class Kernel {
  private final EventQueue queue = new EventQueue();
  private final TraceHash trace = new TraceHash();
  private long now;
  private long nextSeq;
  private long processed;
  private ArrayDeque<String> recent;
  private int recentLimit;

  /** Current virtual time in microseconds. */
  public long now() {
    return now;
  }

  /** Number of events processed so far; the number of the event being processed. */
  public long eventNumber() {
    return processed;
  }

  public TraceHash trace() {
    return trace;
  }

  /** Schedules {@code e} to fire {@code delay} microseconds from now. */
  public void after(long delay, Event e) {
    at(now + Math.max(0, delay), e);
  }

  /** Schedules {@code e} at absolute time {@code time}, which must not be in the past. */
  public void at(long time, Event e) {
    if (time < now) {
      throw new IllegalArgumentException("event scheduled in the past: " + time + " < " + now);
    }
    e.time = time;
    e.seq = nextSeq++;
    queue.add(e);
  }

  /** Keeps the descriptions of the last {@code limit} events, for a replay trace. */
  public void keepRecent(int limit) {
    recentLimit = limit;
    recent = new ArrayDeque<>(limit);
  }

  /** The kept descriptions, oldest first, each prefixed with its number and time. */
  public Iterable<String> recent() {
    return recent == null ? java.util.List.of() : recent;
  }

  /**
   * Processes events until the next one would be after {@code until}, or {@code lastEvent}
   * events have been processed, whichever is first. {@code progress} is called with the
   * event count every 2^16 events so a caller can report progress.
   *
   * @return true if it stopped because of {@code lastEvent}
   */
  public boolean run(long until, long lastEvent, LongConsumer progress) {
    while (processed < lastEvent) {
      Event e = queue.peek();
      if (e == null || e.time > until) {
        now = Math.max(now, until);
        return false;
      }
      queue.poll();
      now = e.time;
      processed++;
      trace.add(e.time);
      trace.add(e.fingerprint());
      if (recent != null) {
        if (recent.size() == recentLimit) {
          recent.removeFirst();
        }
        recent.addLast(String.format("#%d %s %s", processed, SimTime.format(e.time),
            e.describe()));
      }
      e.fire();
      if ((processed & 0xffff) == 0) {
        progress.accept(processed);
      }
    }
    return true;
  }
}
