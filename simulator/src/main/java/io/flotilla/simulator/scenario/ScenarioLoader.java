package io.flotilla.simulator.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads scenarios from YAML, by file path or by the name of a shipped example, and validates
 * them. Every problem is reported as a {@link ScenarioException} whose message is one line
 * naming the scenario and the offending key.
 */
public final class ScenarioLoader {
  /** The examples shipped under {@code scenarios/} on the class path. */
  public static final List<String> EXAMPLES =
      List.of("warehouse-robots", "city-drones", "tunnel-convoy", "survey-swarm");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ScenarioLoader() {}

  /** Loads and validates a scenario from a file path or a shipped example's name. */
  public static Scenario load(String source) {
    return bind(tree(source), label(source));
  }

  /** The scenario's YAML as a tree, for callers that change values before binding. */
  public static JsonNode tree(String source) {
    String label = label(source);
    try {
      JsonNode node = YAML.readTree(read(source));
      if (node == null || !node.isObject()) {
        throw new ScenarioException("scenario " + label + ": expected a mapping of keys");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ScenarioException("scenario " + label + ": malformed YAML"
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())
          + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
  }

  /** Binds a tree to a scenario and validates it; {@code label} names it in errors. */
  public static Scenario bind(JsonNode tree, String label) {
    Scenario scenario;
    try {
      scenario = YAML.treeToValue(tree, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new ScenarioException("scenario " + label + ": " + explain(e));
    }
    ScenarioValidator.validate(scenario, label);
    return scenario;
  }

  /** Parses scenario YAML text, as tests and tools write it inline. */
  public static Scenario parse(String yaml, String label) {
    try {
      JsonNode node = YAML.readTree(yaml);
      return bind(node == null ? YAML.createObjectNode() : node, label);
    } catch (JsonProcessingException e) {
      throw new ScenarioException("scenario " + label + ": malformed YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
  }

  private static String read(String source) {
    Path path = Path.of(source);
    try {
      if (Files.isRegularFile(path)) {
        return Files.readString(path, StandardCharsets.UTF_8);
      }
      try (InputStream in = ScenarioLoader.class.getResourceAsStream(
          "/scenarios/" + source + ".yaml")) {
        if (in != null) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new ScenarioException("scenario " + source + ": cannot read: " + e.getMessage());
    }
    throw new ScenarioException("scenario " + source + ": no such file and no shipped example"
        + " of that name (examples: " + String.join(", ", EXAMPLES) + ")");
  }

  private static String label(String source) {
    return Path.of(source).getFileName().toString();
  }

  private static String explain(JsonProcessingException e) {
    String key = e instanceof JsonMappingException m ? path(m) : "";
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown key '" + key + "'";
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      return key + ": " + v.getCause().getMessage();
    }
    if (e instanceof InvalidFormatException f) {
      return key + ": '" + f.getValue() + "' is not a valid "
          + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String wanted = m.getTargetType() == Span.class
          ? "a duration with a unit (500ms, 10s, 5m, 1h)"
          : List.class.isAssignableFrom(m.getTargetType()) ? "a list"
          : m.getTargetType().isRecord() ? "a mapping of keys"
          : "a " + m.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
      return key + ": expected " + wanted;
    }
    return key + ": " + e.getOriginalMessage().lines().findFirst().orElse("");
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
