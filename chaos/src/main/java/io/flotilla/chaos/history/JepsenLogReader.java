package io.flotilla.chaos.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the operation lines Jepsen logs through {@code jepsen.util}, as in the etcd histories:
 *
 * <pre>
 * INFO  jepsen.util - 2	:invoke	:cas	[1 4]
 * INFO  jepsen.util - 2	:ok	:cas	[1 4]
 * INFO  jepsen.util - 3	:fail	:read	:timed-out
 * </pre>
 *
 * <p>The fields are the process, the event type, the function and an EDN value. Lines carry no
 * clock, so an event's position is its time. A {@code :fail} whose value is {@code :timed-out}
 * reads as {@code :info}: a timeout says nothing about whether the operation took effect. Lines of
 * a non-integer process (the nemesis) are skipped; any other line that does not have this shape is
 * an error.
 */
public final class JepsenLogReader implements HistoryReader {

  private static final Pattern LINE =
      Pattern.compile("^\\S+\\s+jepsen\\.util\\s+-\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*(.*)$");
  private static final Keyword TIMED_OUT = new Keyword("timed-out");

  @Override
  public History read(BufferedReader in, String source) throws IOException {
    EventCollector events = new EventCollector(source);
    int lineNumber = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new HistoryParseException(source, lineNumber,
            "expected 'INFO  jepsen.util - PROCESS :TYPE :F VALUE'");
      }
      Object process = parse(m.group(1), source, lineNumber);
      if (!(process instanceof Long)) {
        continue;
      }
      EventType type = EdnHistoryReader.eventType(parse(m.group(2), source, lineNumber), source,
          lineNumber);
      String function =
          EdnHistoryReader.name(parse(m.group(3), source, lineNumber), ":f", source, lineNumber);
      Object value = m.group(4).isEmpty() ? null : parse(m.group(4), source, lineNumber);
      if (type == EventType.FAIL && TIMED_OUT.equals(value)) {
        type = EventType.INFO;
      }
      events.add(lineNumber, EdnHistoryReader.processId((Long) process, source, lineNumber), type,
          function, null, value, null);
    }
    return events.history();
  }

  private static Object parse(String text, String source, int line) throws HistoryParseException {
    try {
      return Edn.parse(text);
    } catch (IllegalArgumentException e) {
      throw new HistoryParseException(source, line, "bad value '" + text + "': " + e.getMessage());
    }
  }
}
