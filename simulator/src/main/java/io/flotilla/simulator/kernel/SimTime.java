package io.flotilla.simulator.kernel;

import java.util.Locale;

/** Virtual time: microseconds as a long, with parsing and formatting for people. */
public final class SimTime {
  public static final long MICROS_PER_MILLI = 1_000L;
  public static final long MICROS_PER_SECOND = 1_000_000L;

  private SimTime() {}

  public static long millis(long ms) {
    return ms * MICROS_PER_MILLI;
  }

  public static long seconds(double s) {
    return Math.round(s * MICROS_PER_SECOND);
  }

  /**
   * Parses a duration such as {@code 250ms}, {@code 1.5s}, {@code 10m}, {@code 1h} or
   * {@code 1h30m}.
   *
   * @throws IllegalArgumentException with a one-line reason when the text is not a duration
   */
  public static long parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    long total = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      if (start == unitStart || unitStart == i) {
        throw new IllegalArgumentException("invalid duration '" + text
            + "' (use a number and a unit: 500ms, 10s, 5m, 1h)");
      }
      double value;
      try {
        value = Double.parseDouble(s.substring(start, unitStart));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid duration '" + text + "'");
      }
      long unit = switch (s.substring(unitStart, i)) {
        case "us" -> 1L;
        case "ms" -> MICROS_PER_MILLI;
        case "s" -> MICROS_PER_SECOND;
        case "m", "min" -> 60 * MICROS_PER_SECOND;
        case "h" -> 3600 * MICROS_PER_SECOND;
        default -> throw new IllegalArgumentException("invalid duration '" + text
            + "': unknown unit '" + s.substring(unitStart, i) + "' (use us, ms, s, m, h)");
      };
      total += Math.round(value * unit);
    }
    return total;
  }

  /** Formats as {@code hh:mm:ss.mmm}. */
  public static String format(long micros) {
    long ms = micros / MICROS_PER_MILLI;
    return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d",
        ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
  }
}
