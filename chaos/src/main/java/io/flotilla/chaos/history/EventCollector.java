package io.flotilla.chaos.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers the events a reader finds, remembering their lines for error messages. A history either
 * gives every event a time or none; without times, an event's position is its time.
 */
final class EventCollector {

  private final String source;
  private final List<Event> events = new ArrayList<>();
  private int[] lines = new int[64];
  private Boolean timed;

  EventCollector(String source) {
    this.source = source;
  }

  void add(int line, int process, EventType type, String function, Object key, Object value,
      Long time) throws HistoryParseException {
    boolean hasTime = time != null;
    if (timed == null) {
      timed = hasTime;
    } else if (timed != hasTime) {
      throw new HistoryParseException(source, line, hasTime
          ? "has a time but the events before it do not"
          : "has no time but the events before it do");
    }
    if (events.size() == lines.length) {
      lines = Arrays.copyOf(lines, lines.length * 2);
    }
    lines[events.size()] = line;
    events.add(new Event(process, type, function, key, value, hasTime ? time : events.size()));
  }

  History history() throws HistoryParseException {
    return History.of(events, source, Arrays.copyOf(lines, events.size()));
  }
}
