package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Flotilla.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private Path smallScenario() throws Exception {
    Path file = dir.resolve("small.yaml");
    Files.writeString(file, """
        name: small
        duration: 1m
        profile: lan
        area: {width: 100, height: 100}
        radio: {range: 200, loss: 0.02}
        squads:
          - {name: pod, count: 2, voters: 3, listeners: 2}
        faults:
          - {type: crash-leader, group: pod-1, at: 10s, rebootAfter: 5s}
        """);
    return file;
  }

  @Test
  void aRunPrintsASummaryAndWritesTheReport() throws Exception {
    Path report = dir.resolve("report");
    int exit = run("sim", "run", smallScenario().toString(), "--seed", "3", "--duration", "30s",
        "--out", report.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Scenario small, seed 3, model engine: 10 agents, 2 groups")
        .contains("every invariant held")
        .containsPattern("pod-1 +3 +2 +1 +1 ")
        .contains("fleet");
    assertThat(Files.readString(report.resolve("summary.json"))).contains("\"traceHash\"");
    assertThat(Files.readString(report.resolve("report.html")))
        .startsWith("<!DOCTYPE html>").contains("<svg").doesNotContain("<script src");
  }

  @Test
  void theRatisEngineRunsTheScenarioOnRealServersAndSaysSo() throws Exception {
    Path report = dir.resolve("ratis");
    int exit = run("sim", "run", smallScenario().toString(), "--engine", "ratis", "--duration",
        "5s", "--out", report.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Scenario small, seed 1, ratis engine: 10 agents")
        .contains("Ratis scheduling is not deterministic")
        .contains("elections not caused by the scenario's faults");
    assertThat(Files.readString(report.resolve("summary.json")))
        .contains("\"engine\" : \"ratis\"");
    assertThat(Files.readString(report.resolve("report.html"))).contains("engine ratis");
  }

  @Test
  void anUnknownEngineIsAUsageError() throws Exception {
    assertThat(run("sim", "run", smallScenario().toString(), "--engine", "etcd"))
        .isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(err.toString()).startsWith("flotilla: ").contains("--engine", "etcd", "model, ratis");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void aReplayStopsAtTheEventAndPrintsTheEventsBeforeIt() throws Exception {
    int exit = run("sim", "run", smallScenario().toString(), "--duration", "30s",
        "--replay", "500", "--trace", "5");

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("The last 5 events up to event 500:")
        .containsPattern("#500 00:00:\\d\\d\\.\\d{3} ");
  }

  @Test
  void aSweepWritesOneCsvRowPerRun() throws Exception {
    Path sweep = dir.resolve("sweep");
    int exit = run("sim", "sweep", smallScenario().toString(), "--set", "radio.loss=0,0.2",
        "--seeds", "2", "--duration", "5s", "--threads", "2", "--out", sweep.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(Files.readAllLines(sweep.resolve("sweep.csv"))).hasSize(5)
        .first().asString().startsWith("radio.loss,seed,availability");
    assertThat(Files.readString(sweep.resolve("sweep.html"))).contains("<svg");
    assertThat(out.toString()).contains("{radio.loss=0.2}");
  }

  @Test
  void aBadScenarioIsAUsageErrorWithOneLine() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "squads:\n  - {name: pod, voters: 0}\n");

    int exit = run("sim", "run", bad.toString());

    assertThat(exit).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("flotilla: scenario bad.yaml: squads[0].voters must be"
        + " at least 1");
  }

  @Test
  void anUnknownExampleNamesTheShippedOnes() {
    int exit = run("sim", "run", "atlantis", "--duration", "1x");

    assertThat(exit).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("city-drones");
  }
}
