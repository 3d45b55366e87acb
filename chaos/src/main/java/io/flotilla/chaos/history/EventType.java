package io.flotilla.chaos.history;

import java.util.Locale;

/**
 * What a history event records, in Jepsen's vocabulary.
 *
 * <p>{@link #INVOKE} starts an operation; the process's next event completes it. {@link #OK} says it
 * took effect, {@link #FAIL} that it certainly did not, and {@link #INFO} that nobody knows: the
 * operation may take effect at any time after its invocation, even after the history ends.
 */
public enum EventType {
  INVOKE,
  OK,
  FAIL,
  INFO;

  /** The lower-case name used by every history format: {@code invoke}, {@code ok}, ... */
  public String formatName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type named by {@code name} ({@code invoke}, {@code ok}, {@code fail} or {@code info}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static EventType fromFormatName(String name) {
    for (EventType type : values()) {
      if (type.formatName().equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown event type '" + name + "' (expected invoke, ok, fail or info)");
  }
}
