package io.flotilla.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A concurrent history: the events as recorded and the operations they describe.
 *
 * <p>Each process runs one operation at a time, so an invocation is completed by the same
 * process's next event, which must name the same function. An invocation that is never completed
 * counts as {@link Outcome#INFO}: it may or may not have happened.
 */
public final class History {

  private final List<Event> events;
  private final List<Operation> operations;

  private History(List<Event> events, List<Operation> operations) {
    this.events = events;
    this.operations = operations;
  }

  /**
   * Pairs the events' invocations with their completions.
   *
   * @throws IllegalArgumentException if the events do not pair up; the message names the 1-based
   *     position of the offending event
   */
  public static History of(List<Event> events) {
    try {
      return of(events, "history", null);
    } catch (HistoryParseException e) {
      throw new IllegalArgumentException("event " + e.line() + ": " + e.problem(), e);
    }
  }

  /**
   * Pairs events read from {@code source}; {@code lines} gives each event's line for error
   * messages, or {@code null} to use event positions.
   */
  static History of(List<Event> events, String source, int[] lines) throws HistoryParseException {
    List<Event> copy = List.copyOf(events);
    Map<Integer, Integer> pending = new HashMap<>();
    List<Operation> operations = new ArrayList<>();
    List<Integer> invokedAt = new ArrayList<>();
    for (int i = 0; i < copy.size(); i++) {
      Event event = copy.get(i);
      int line = lines == null ? i + 1 : lines[i];
      Integer open = pending.get(event.process());
      if (event.type() == EventType.INVOKE) {
        if (open != null) {
          throw new HistoryParseException(source, line, "process " + event.process()
              + " invokes again while its operation from line " + lineOf(lines, invokedAt.get(open))
              + " is still running");
        }
        pending.put(event.process(), operations.size());
        invokedAt.add(i);
        operations.add(new Operation(operations.size(), event.process(), event.function(),
            event.key(), event.value(), null, Outcome.INFO, event.time(), Operation.NEVER));
        continue;
      }
      if (open == null) {
        throw new HistoryParseException(source, line, "process " + event.process() + " completes "
            + event.function() + " without invoking it");
      }
      Operation invoked = operations.get(open);
      if (!invoked.function().equals(event.function())) {
        throw new HistoryParseException(source, line, "process " + event.process() + " completes "
            + event.function() + " but invoked " + invoked.function());
      }
      if (event.time() < invoked.invokeTime()) {
        throw new HistoryParseException(source, line, "completion time " + event.time()
            + " is before the invocation time " + invoked.invokeTime());
      }
      pending.remove(event.process());
      Object key = invoked.key() != null ? invoked.key() : event.key();
      operations.set(open, switch (event.type()) {
        case OK -> complete(invoked, key, event.value(), Outcome.OK, event.time());
        case FAIL -> complete(invoked, key, event.value(), Outcome.FAIL, event.time());
        case INFO -> complete(invoked, key, null, Outcome.INFO, Operation.NEVER);
        case INVOKE -> throw new AssertionError();
      });
    }
    return new History(copy, List.copyOf(operations));
  }

  private static int lineOf(int[] lines, int eventIndex) {
    return lines == null ? eventIndex + 1 : lines[eventIndex];
  }

  private static Operation complete(
      Operation invoked, Object key, Object output, Outcome outcome, long completeTime) {
    return new Operation(invoked.id(), invoked.process(), invoked.function(), key,
        invoked.input(), output, outcome, invoked.invokeTime(), completeTime);
  }

  /** The events in recorded order. */
  public List<Event> events() {
    return events;
  }

  /** The operations in invocation order; {@link Operation#id()} is the position in this list. */
  public List<Operation> operations() {
    return operations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof History h && events.equals(h.events);
  }

  @Override
  public int hashCode() {
    return Objects.hash(events);
  }

  @Override
  public String toString() {
    return "History[" + events.size() + " events, " + operations.size() + " operations]";
  }
}
