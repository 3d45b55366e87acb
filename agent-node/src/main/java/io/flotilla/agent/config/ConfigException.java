package io.flotilla.agent.config;

/** A configuration that cannot run; the message is one line that names the offending key. */
public final class ConfigException extends Exception {
  public ConfigException(String key, String problem) {
    super(oneLine("config: " + key + ": " + problem));
  }

  /**
   * Keys and values from the file can hold any character; ones that end a line, or that a
   * terminal would act on, are written as escapes so that the message stays one line.
   */
  private static String oneLine(String message) {
    StringBuilder b = new StringBuilder(message.length());
    message.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", c));
          } else {
            b.appendCodePoint(c);
          }
        }
      }
    });
    return b.toString();
  }
}
