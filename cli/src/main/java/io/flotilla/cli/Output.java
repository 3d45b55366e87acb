package io.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.KeyValue;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a command's result as a table for people, or as JSON or YAML for scripts. The JSON
 * shapes are documented in docs/cli-json.md and only grow: fields are added, never renamed.
 * Keys and values are printed as UTF-8 text.
 */
final class Output {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML_MAPPER = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private Output() {}

  static void print(PrintWriter out, ClientOptions.Format format, JsonNode data, Table table) {
    switch (format) {
      case json -> out.println(write(JSON_MAPPER, data));
      case yaml -> out.print(write(YAML_MAPPER, data));
      case table -> out.print(table.render());
    }
    out.flush();
  }

  /** One line of compact JSON, for streams (watch). */
  static String line(JsonNode data) {
    try {
      return new ObjectMapper().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(ObjectMapper m, JsonNode data) {
    try {
      return m.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode kv(KeyValue kv) {
    return JSON.objectNode()
        .put("key", kv.getKey().toStringUtf8())
        .put("value", kv.getValue().toStringUtf8())
        .put("create_revision", kv.getCreateRevision())
        .put("mod_revision", kv.getModRevision())
        .put("version", kv.getVersion())
        .put("lease", kv.getLease());
  }

  static ArrayNode kvs(List<KeyValue> kvs) {
    ArrayNode a = JSON.arrayNode();
    kvs.forEach(kv -> a.add(kv(kv)));
    return a;
  }

  static ObjectNode event(Event e) {
    ObjectNode n = JSON.objectNode()
        .put("type", e.getType().name())
        .put("key", e.getKv().getKey().toStringUtf8())
        .put("mod_revision", e.getKv().getModRevision());
    if (e.getType() == Event.Type.PUT) {
      n.put("value", e.getKv().getValue().toStringUtf8())
          .put("version", e.getKv().getVersion())
          .put("lease", e.getKv().getLease());
    }
    return n;
  }

  /** A plain aligned table. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String... header) {
      if (header.length > 0) {
        rows.add(header);
      }
    }

    Table row(Object... cells) {
      String[] r = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        r[i] = String.valueOf(cells[i]);
      }
      rows.add(r);
      return this;
    }

    /** A line printed after the table. */
    Table note(String line) {
      notes.add(line);
      return this;
    }

    String render() {
      StringBuilder b = new StringBuilder();
      if (!rows.isEmpty()) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
          for (int i = 0; i < r.length; i++) {
            width[i] = Math.max(width[i], r[i].length());
          }
        }
        for (String[] r : rows) {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < r.length; i++) {
            line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
          }
          b.append(line.toString().stripTrailing()).append('\n');
        }
      }
      notes.forEach(n -> b.append(n).append('\n'));
      return b.toString();
    }
  }
}
