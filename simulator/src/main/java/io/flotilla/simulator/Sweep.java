package io.flotilla.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.simulator.report.Latencies;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioException;
import io.flotilla.simulator.scenario.ScenarioLoader;
import io.flotilla.simulator.scenario.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a scenario over a grid of settings and seeds, one single-threaded deterministic run per
 * cell, many cells at once on a thread pool. Results come back in grid order whatever order
 * the runs finish in.
 */
public final class Sweep {
  /** One swept key, e.g. {@code radio.loss} or {@code squads[0].voters}, and its values. */
  public record Axis(String key, List<String> values) {
    /** Parses {@code key=v1,v2,...}. */
    public static Axis parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new IllegalArgumentException("--set needs KEY=VALUE[,VALUE...], not '" + text + "'");
      }
      return new Axis(text.substring(0, eq).strip(),
          List.of(text.substring(eq + 1).split(",")).stream().map(String::strip).toList());
    }
  }

  /** The outcome of one run of the grid, with its latency samples to merge over seeds. */
  public record Point(Map<String, String> settings, long seed, RunSummary summary,
      Latencies latencies) {}

  private static final Pattern STEP = Pattern.compile("([A-Za-z][A-Za-z0-9]*)(?:\\[(\\d+)])?");

  private Sweep() {}

  /**
   * Every combination of the axes' values, each run with seeds {@code firstSeed ..
   * firstSeed + seeds - 1}.
   *
   * @throws ScenarioException if a combination makes an invalid scenario (checked up front)
   */
  public static List<Point> run(JsonNode base, String label, List<Axis> axes, int seeds,
      long firstSeed, Span duration, int threads, Consumer<Point> done)
      throws InterruptedException {
    List<Map<String, String>> grid = new ArrayList<>();
    grid.add(new LinkedHashMap<>());
    for (Axis a : axes) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> g : grid) {
        for (String v : a.values()) {
          Map<String, String> m = new LinkedHashMap<>(g);
          m.put(a.key(), v);
          next.add(m);
        }
      }
      grid = next;
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (Map<String, String> settings : grid) {
      JsonNode tree = base.deepCopy();
      settings.forEach((k, v) -> set(tree, k, v, label));
      Scenario s = ScenarioLoader.bind(tree, label);
      scenarios.add(duration == null ? s : s.withDuration(duration));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Point>> futures = new ArrayList<>();
      for (int i = 0; i < grid.size(); i++) {
        for (int k = 0; k < seeds; k++) {
          Map<String, String> settings = grid.get(i);
          Scenario s = scenarios.get(i).withSeed(firstSeed + k);
          futures.add(pool.submit(() -> {
            SimulationResult r = Simulation.create(s, SimulationOptions.defaults())
                .run(Progress.NONE);
            Point p = new Point(settings, s.seed(), r.summary(), r.metrics().latencies());
            synchronized (done) {
              done.accept(p);
            }
            return p;
          }));
        }
      }
      List<Point> points = new ArrayList<>();
      for (Future<Point> f : futures) {
        try {
          points.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a sweep run failed: " + e.getCause(), e.getCause());
        }
      }
      return points;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sets a dotted key path such as {@code radio.loss} or {@code squads[0].voters}. */
  static void set(JsonNode root, String key, String value, String label) {
    String[] steps = key.split("\\.");
    JsonNode node = root;
    for (int i = 0; i < steps.length; i++) {
      Matcher m = STEP.matcher(steps[i]);
      if (!m.matches()) {
        throw new ScenarioException("scenario " + label + ": cannot set '" + key + "'");
      }
      boolean last = i == steps.length - 1;
      String field = m.group(1);
      ObjectNode obj = (ObjectNode) node;
      if (m.group(2) == null) {
        if (last) {
          obj.set(field, scalar(value));
          return;
        }
        node = obj.get(field) instanceof ObjectNode child ? child : obj.putObject(field);
      } else {
        int index = Integer.parseInt(m.group(2));
        if (!(obj.get(field) instanceof ArrayNode list) || index >= list.size()) {
          throw new ScenarioException("scenario " + label + ": cannot set '" + key + "': "
              + field + " has no element " + index);
        }
        if (last) {
          list.set(index, scalar(value));
          return;
        }
        if (!(list.get(index) instanceof ObjectNode child)) {
          throw new ScenarioException("scenario " + label + ": cannot set '" + key + "'");
        }
        node = child;
      }
    }
  }

  private static JsonNode scalar(String v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v.matches("-?\\d+")) {
      return f.numberNode(Long.parseLong(v));
    }
    if (v.matches("-?\\d*\\.\\d+([eE]-?\\d+)?")) {
      return f.numberNode(Double.parseDouble(v));
    }
    if (v.equals("true") || v.equals("false")) {
      return f.booleanNode(Boolean.parseBoolean(v));
    }
    return f.textNode(v);
  }
}
