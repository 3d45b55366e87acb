package io.flotilla.chaos.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Map;

/**
 * Reads Jepsen's {@code history.edn}: one EDN map a line, such as {@code {:process 0, :type
 * :invoke, :f :write, :value 3}}. The same reader takes the key-value lines of the kv histories,
 * {@code {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}}.
 *
 * <p>{@code :process}, {@code :type} and {@code :f} are required; {@code :key}, {@code :value} and
 * {@code :time} (nanoseconds) are optional, and other keys are ignored. Events of a non-integer
 * process, such as Jepsen's {@code :nemesis}, are skipped: they are not client operations. The
 * EDN is parsed by a small hand-written reader covering the values histories hold.
 */
public final class EdnHistoryReader implements HistoryReader {

  private static final Keyword PROCESS = new Keyword("process");
  private static final Keyword TYPE = new Keyword("type");
  private static final Keyword FUNCTION = new Keyword("f");
  private static final Keyword KEY = new Keyword("key");
  private static final Keyword VALUE = new Keyword("value");
  private static final Keyword TIME = new Keyword("time");

  @Override
  public History read(BufferedReader in, String source) throws IOException {
    EventCollector events = new EventCollector(source);
    int lineNumber = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Map<?, ?> map = parseMap(line, source, lineNumber);
      Object process = require(map, PROCESS, source, lineNumber);
      if (!(process instanceof Long)) {
        continue;
      }
      EventType type = eventType(require(map, TYPE, source, lineNumber), source, lineNumber);
      String function = name(require(map, FUNCTION, source, lineNumber), ":f", source, lineNumber);
      Object time = map.get(TIME);
      if (time != null && !(time instanceof Long)) {
        throw new HistoryParseException(source, lineNumber, ":time must be an integer");
      }
      events.add(lineNumber, processId((Long) process, source, lineNumber), type, function,
          map.get(KEY), map.get(VALUE), (Long) time);
    }
    return events.history();
  }

  private static Map<?, ?> parseMap(String line, String source, int lineNumber)
      throws HistoryParseException {
    Object value;
    try {
      value = Edn.parse(line);
    } catch (IllegalArgumentException e) {
      throw new HistoryParseException(source, lineNumber, "bad EDN at " + e.getMessage());
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new HistoryParseException(source, lineNumber, "expected an EDN map {...}");
    }
    return map;
  }

  private static Object require(Map<?, ?> map, Keyword key, String source, int line)
      throws HistoryParseException {
    Object value = map.get(key);
    if (value == null) {
      throw new HistoryParseException(source, line, "missing " + key);
    }
    return value;
  }

  static EventType eventType(Object value, String source, int line)
      throws HistoryParseException {
    try {
      return EventType.fromFormatName(name(value, ":type", source, line));
    } catch (IllegalArgumentException e) {
      throw new HistoryParseException(source, line, e.getMessage());
    }
  }

  static String name(Object value, String field, String source, int line)
      throws HistoryParseException {
    if (value instanceof Keyword k) {
      return k.name();
    }
    if (value instanceof String s) {
      return s;
    }
    throw new HistoryParseException(source, line, field + " must be a keyword");
  }

  static int processId(long process, String source, int line) throws HistoryParseException {
    if (process < 0 || process > Integer.MAX_VALUE) {
      throw new HistoryParseException(source, line, "process " + process + " is out of range");
    }
    return (int) process;
  }
}
