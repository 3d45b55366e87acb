package io.flotilla.chaos.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * Writes histories as {@link JsonLinesHistoryReader} reads them, leaving out {@code key} when it
 * is {@code null}. JSON has no keywords, so a {@link Keyword} value is written as its name.
 */
public final class JsonLinesHistoryWriter implements HistoryWriter {

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public void write(History history, Writer out) throws IOException {
    for (Event event : history.events()) {
      StringWriter line = new StringWriter(96);
      try (JsonGenerator json = JSON.createGenerator(line)) {
        json.writeStartObject();
        json.writeNumberField("process", event.process());
        json.writeStringField("type", event.type().formatName());
        json.writeStringField("f", event.function());
        if (event.key() != null) {
          json.writeFieldName("key");
          writeValue(json, event.key());
        }
        json.writeFieldName("value");
        writeValue(json, event.value());
        json.writeNumberField("time", event.time());
        json.writeEndObject();
      }
      out.write(line.toString());
      out.write('\n');
    }
    out.flush();
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Long n) {
      json.writeNumber(n);
    } else if (value instanceof Double d) {
      json.writeNumber(d);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Keyword k) {
      json.writeString(k.name());
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        writeValue(json, item);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        json.writeFieldName(String.valueOf(e.getKey() instanceof Keyword k ? k.name() : e.getKey()));
        writeValue(json, e.getValue());
      }
      json.writeEndObject();
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName()
          + " as JSON");
    }
  }
}
