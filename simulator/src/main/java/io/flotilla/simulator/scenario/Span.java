package io.flotilla.simulator.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.flotilla.simulator.kernel.SimTime;

/** A duration in a scenario file, written with a unit: {@code 500ms}, {@code 10s}, {@code 1h}. */
public record Span(long micros) {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Span parse(String text) {
    return new Span(SimTime.parse(text));
  }

  public static Span ofMillis(long ms) {
    return new Span(SimTime.millis(ms));
  }

  public static Span ofSeconds(double s) {
    return new Span(SimTime.seconds(s));
  }

  /** The shortest form in one unit that parses back to the same value. */
  @JsonValue
  @Override
  public String toString() {
    long[] units = {3_600_000_000L, 60_000_000L, 1_000_000L, 1_000L};
    String[] names = {"h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (micros != 0 && micros % units[i] == 0) {
        return micros / units[i] + names[i];
      }
    }
    return micros + "us";
  }
}
