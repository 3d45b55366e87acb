package io.flotilla.chaos.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Flotilla's JSON-lines histories: one JSON object an event, one event a line.
 *
 * <pre>
 * {"process":0,"type":"invoke","f":"cas","key":"x","value":[1,4],"time":1718000000000}
 * {"process":0,"type":"ok","f":"cas","key":"x","value":[1,4],"time":1718000350000}
 * </pre>
 *
 * <ul>
 *   <li>{@code process} (required): a non-negative integer; one operation at a time per process.
 *   <li>{@code type} (required): {@code invoke}, {@code ok}, {@code fail} or {@code info}.
 *   <li>{@code f} (required): the function, e.g. {@code read}, {@code write}, {@code cas}, {@code
 *       get}, {@code put}, {@code append}, {@code add}.
 *   <li>{@code key} (optional): the object addressed, a string or integer; absent or {@code null}
 *       for single-object histories.
 *   <li>{@code value} (optional): the argument on invoke, the result on completion; any JSON
 *       value. Integers read as {@link Long}, arrays as lists.
 *   <li>{@code time} (optional): nanoseconds on one clock for every event, or absent from every
 *       event, in which case an event's position is its time.
 * </ul>
 *
 * <p>Other fields are ignored, so writers may add their own.
 */
public final class JsonLinesHistoryReader implements HistoryReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public History read(BufferedReader in, String source) throws IOException {
    EventCollector events = new EventCollector(source);
    int lineNumber = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new HistoryParseException(source, lineNumber,
            "bad JSON: " + e.getOriginalMessage());
      }
      if (node == null || !node.isObject()) {
        throw new HistoryParseException(source, lineNumber, "expected a JSON object {...}");
      }
      JsonNode process = node.get("process");
      if (process == null || !process.canConvertToInt() || !process.isIntegralNumber()
          || process.intValue() < 0) {
        throw new HistoryParseException(source, lineNumber,
            "\"process\" must be a non-negative integer");
      }
      EventType type;
      try {
        type = EventType.fromFormatName(text(node, "type", source, lineNumber));
      } catch (IllegalArgumentException e) {
        throw new HistoryParseException(source, lineNumber, e.getMessage());
      }
      String function = text(node, "f", source, lineNumber);
      JsonNode time = node.get("time");
      if (time != null && !time.isNull() && !(time.isIntegralNumber() && time.canConvertToLong())) {
        throw new HistoryParseException(source, lineNumber, "\"time\" must be an integer");
      }
      JsonNode key = node.get("key");
      if (key != null && !(key.isNull() || key.isTextual() || key.isIntegralNumber())) {
        throw new HistoryParseException(source, lineNumber,
            "\"key\" must be a string or an integer");
      }
      events.add(lineNumber, process.intValue(), type, function,
          key == null ? null : value(key, source, lineNumber),
          value(node.get("value"), source, lineNumber),
          time == null || time.isNull() ? null : time.longValue());
    }
    return events.history();
  }

  private static String text(JsonNode node, String field, String source, int line)
      throws HistoryParseException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new HistoryParseException(source, line, "\"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  private static Object value(JsonNode node, String source, int line)
      throws HistoryParseException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new HistoryParseException(source, line, "integer " + node + " is out of range");
      }
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isArray()) {
      List<Object> items = new ArrayList<>(node.size());
      for (JsonNode item : node) {
        items.add(value(item, source, line));
      }
      return Collections.unmodifiableList(items);
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      map.put(field.getKey(), value(field.getValue(), source, line));
    }
    return Collections.unmodifiableMap(map);
  }
}
