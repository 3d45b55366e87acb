package io.flotilla.simulator.ratis;

import io.flotilla.simulator.Progress;
import io.flotilla.simulator.Simulation;
import io.flotilla.simulator.SimulationOptions;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.report.GroupMetrics;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.scenario.Scenario;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The fidelity check between the engines: runs one scenario on the model engine and on real
 * Ratis servers with the same seeds, and compares time to elect after a leader loss, leader
 * changes per hour and commit latency. The model engine keeps its place as the fast one only
 * while each Ratis median stays within its measure's {@link Bounds} of the model's.
 */
public final class EngineComparison {
  /**
   * How far the Ratis median may lie from the model's, as a ratio ratis / model, and why that
   * far: the Ratis engine runs on the wall clock and shares the machine's cores with its own
   * servers, so its figures move from run to run where the model's do not.
   */
  public record Bounds(double low, double high, String reason) {
    boolean admit(double ratio) {
      return ratio >= low && ratio <= high;
    }
  }

  /**
   * Elections on the Ratis engine wait on real timers and threads; a run has a sample per
   * scripted leader loss.
   */
  static final Bounds ELECTION = new Bounds(0.5, 2.0,
      "real timers and threads, a sample per scripted loss");
  /**
   * The scripted crashes set the model's count; Ratis may add an election a late heartbeat
   * caused on a loaded machine, and must not lose a scripted one.
   */
  static final Bounds LEADER_CHANGES = new Bounds(1.0, 3.0,
      "the scripted losses, plus elections late threads cause");
  /**
   * The model charges a write the radio's delays alone; Ratis adds its servers' own work on
   * each write (log, appenders, state machine), so it is slower and never faster.
   */
  static final Bounds COMMIT_LATENCY = new Bounds(1.0, 3.0,
      "the model charges no server work per write");

  /** One measure on both engines: every sample, their medians, and how close they must be. */
  public record Measure(String name, String unit, List<Double> model, List<Double> ratis,
      Bounds bounds) {
    public double modelMedian() {
      return median(model);
    }

    public double ratisMedian() {
      return median(ratis);
    }

    /** (ratis - model) / model of the medians; NaN when either engine has no sample. */
    public double relativeDifference() {
      double m = modelMedian();
      double r = ratisMedian();
      return m == 0 ? (r == 0 ? 0 : Double.NaN) : (r - m) / m;
    }

    /** Whether both engines have samples and the Ratis median is within the bounds. */
    public boolean agrees() {
      double d = relativeDifference();
      return !Double.isNaN(d) && bounds.admit(1 + d);
    }
  }

  /** Both engines' measures, and each engine's run summaries in seed order. */
  public record Result(List<Measure> measures, List<RunSummary> modelRuns,
      List<RunSummary> ratisRuns) {}

  private EngineComparison() {}

  /**
   * Runs {@code seeds} seeds from {@code firstSeed} on both engines, one run at a time (the
   * Ratis engine needs the machine to itself to keep to the wall clock). {@code done} hears
   * of each run as it finishes.
   */
  public static Result run(Scenario scenario, int seeds, long firstSeed, Path storage,
      BiConsumer<String, RunSummary> done) throws IOException {
    List<Double> electModel = new ArrayList<>();
    List<Double> electRatis = new ArrayList<>();
    List<Double> changesModel = new ArrayList<>();
    List<Double> changesRatis = new ArrayList<>();
    List<Double> commitModel = new ArrayList<>();
    List<Double> commitRatis = new ArrayList<>();
    List<RunSummary> modelRuns = new ArrayList<>();
    List<RunSummary> ratisRuns = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      Scenario s = scenario.withSeed(seed);
      SimulationResult model = Simulation.create(s, SimulationOptions.defaults())
          .run(Progress.NONE);
      record(model, electModel, changesModel, commitModel);
      modelRuns.add(model.summary());
      done.accept(RunSummary.MODEL, model.summary());
      RatisSimulation.Run ratis;
      try (RatisSimulation sim = RatisSimulation.create(s, storage.resolve("seed-" + seed))) {
        ratis = sim.run(Progress.NONE);
      }
      record(ratis.result(), electRatis, changesRatis, commitRatis);
      ratisRuns.add(ratis.result().summary());
      done.accept(RunSummary.RATIS, ratis.result().summary());
    }
    return new Result(List.of(
        new Measure("time to elect after a leader loss", "ms", electModel, electRatis, ELECTION),
        new Measure("leader changes per hour", "/h", changesModel, changesRatis,
            LEADER_CHANGES),
        new Measure("commit latency, median of a run", "ms", commitModel, commitRatis,
            COMMIT_LATENCY)),
        modelRuns, ratisRuns);
  }

  /**
   * Every leaderless window that followed a loss and ended with a new leader before the run
   * did is one time-to-elect sample; rates and latencies are one sample per run.
   */
  private static void record(SimulationResult r, List<Double> elect, List<Double> changes,
      List<Double> commit) {
    RunSummary s = r.summary();
    long end = (long) (s.simulatedSeconds() * 1e6);
    for (GroupMetrics g : r.metrics().groups()) {
      for (GroupMetrics.Window w : g.windows()) {
        if (w.afterLoss() && w.end() < end) {
          elect.add((w.end() - w.start()) / 1000.0);
        }
      }
    }
    changes.add(s.fleet().leaderChanges() / s.simulatedSeconds() * 3600);
    if (s.fleet().commitLatencyMillis().count() > 0) {
      commit.add(s.fleet().commitLatencyMillis().p50());
    }
  }

  /** Prints the measures side by side with the relative difference of their medians. */
  public static void print(PrintWriter out, Result r) {
    String row = "%-36s %16s %16s %10s  %s%n";
    out.printf(Locale.ROOT, row, "measure (median, samples)", "model", "ratis", "rel. diff",
        "");
    for (Measure m : r.measures()) {
      double d = m.relativeDifference();
      out.printf(Locale.ROOT, row, m.name(), cell(m.modelMedian(), m.unit(), m.model().size()),
          cell(m.ratisMedian(), m.unit(), m.ratis().size()),
          Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%+.0f%%", d * 100),
          Double.isNaN(d) ? "no data" : (m.agrees() ? "ok" : "DISAGREE") + " (ratis/model in "
              + String.format(Locale.ROOT, "%.1f-%.1f", m.bounds().low(), m.bounds().high())
              + ": " + m.bounds().reason() + ")");
    }
    out.println("The Ratis engine's runs are paced to the wall clock and its scheduling is not"
        + " deterministic: repeat a comparison before acting on a small difference.");
  }

  private static String cell(double v, String unit, int n) {
    return Double.isNaN(v) ? "- (0)" : String.format(Locale.ROOT, "%.1f %s (%d)", v, unit, n);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
