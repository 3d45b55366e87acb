package io.flotilla.chaos;

import io.flotilla.chaos.history.Event;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds small histories for tests, one operation a call: {@code
 * history().ok(0, "write", 1, null, 0, 10).ok(1, "read", null, 1, 20, 30).build()}. Integers
 * become longs, as readers make them.
 */
public final class TestHistories {

  private final List<Event> events = new ArrayList<>();
  private Object key;

  private TestHistories() {}

  public static TestHistories history() {
    return new TestHistories();
  }

  /** Operations added after this address {@code key}. */
  public TestHistories key(Object key) {
    this.key = normalize(key);
    return this;
  }

  public TestHistories ok(int process, String f, Object input, Object output, long start,
      long end) {
    return complete(process, f, input, EventType.OK, output, start, end);
  }

  public TestHistories fail(int process, String f, Object input, long start, long end) {
    return complete(process, f, input, EventType.FAIL, input, start, end);
  }

  public TestHistories info(int process, String f, Object input, long start, long end) {
    return complete(process, f, input, EventType.INFO, null, start, end);
  }

  /** An operation invoked at {@code start} that never completes. */
  public TestHistories pending(int process, String f, Object input, long start) {
    events.add(new Event(process, EventType.INVOKE, f, key, normalize(input), start));
    return this;
  }

  private TestHistories complete(int process, String f, Object input, EventType type,
      Object output, long start, long end) {
    events.add(new Event(process, EventType.INVOKE, f, key, normalize(input), start));
    events.add(new Event(process, type, f, key, normalize(output), end));
    return this;
  }

  public History build() {
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(Event::time));
    return History.of(sorted);
  }

  public static Object normalize(Object value) {
    if (value instanceof Integer i) {
      return i.longValue();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(TestHistories::normalize).toList();
    }
    return value;
  }
}
