package io.flotilla.chaos.history;

import java.util.Objects;

/**
 * One line of a history: a process invoking an operation or learning how it ended.
 *
 * <p>Values are plain Java objects: {@code null} (EDN {@code nil}), {@link Long}, {@link Double},
 * {@link Boolean}, {@link String}, {@link Keyword} and unmodifiable {@link java.util.List}s of
 * those. Readers normalise every integer to {@code Long} so that equal numbers compare equal.
 *
 * @param process the client process, an integer; each process runs one operation at a time
 * @param type whether the operation starts or how it ended
 * @param function the operation's name, e.g. {@code read}, {@code write}, {@code cas}
 * @param key the object the operation addresses, or {@code null} for single-object histories
 * @param value the operation's argument (on invoke) or result (on completion)
 * @param time when it happened, in nanoseconds on one clock; histories without clocks use the
 *     event's position instead
 */
public record Event(
    int process, EventType type, String function, Object key, Object value, long time) {

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(function, "function");
  }
}
