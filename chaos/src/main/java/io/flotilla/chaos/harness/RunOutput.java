package io.flotilla.chaos.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.cluster.DockerCluster;
import io.flotilla.chaos.history.EdnHistoryWriter;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.JsonLinesHistoryWriter;
import io.flotilla.chaos.nemesis.NemesisSchedule;
import io.flotilla.chaos.workload.Check;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder a run leaves: {@code history.jsonl} and {@code history.edn} (the nemesis is
 * process -1, its operations spanning each fault), {@code verdicts.json}, {@code checker.html}
 * when a linearizability check failed, {@code report.html} (latency and throughput over time,
 * faults shaded), {@code schedule.json} with the seed that replays it, and {@code nodes/*.log}.
 */
final class RunOutput {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunOutput() {}

  static void write(ChaosRun.Options o, NemesisSchedule schedule, History history,
      List<Check> checks, Validity validity, DockerCluster cluster) throws IOException {
    Path out = o.out();
    Files.createDirectories(out);
    try (Writer w = Files.newBufferedWriter(out.resolve("history.jsonl"))) {
      new JsonLinesHistoryWriter().write(history, w);
    }
    try (Writer w = Files.newBufferedWriter(out.resolve("history.edn"))) {
      new EdnHistoryWriter().write(history, w);
    }
    ObjectNode verdicts = JSON.createObjectNode()
        .put("validity", validity.name())
        .put("workload", o.workload())
        .put("nodes", o.nodes())
        .put("seed", o.seed())
        .put("time_ms", o.time().toMillis())
        .put("unsafe_local_reads", o.unsafeLocalReads())
        .put("events", history.events().size());
    var list = verdicts.putArray("checks");
    for (Check c : checks) {
      list.addObject().put("checker", c.checker()).put("validity", c.validity().name())
          .put("summary", c.summary());
      if (c.html().isPresent()) {
        Files.writeString(out.resolve("checker.html"), c.html().get());
      }
    }
    JSON.writeValue(out.resolve("verdicts.json").toFile(), verdicts);
    JSON.writeValue(out.resolve("schedule.json").toFile(), schedule);
    Files.writeString(out.resolve("report.html"), PerformanceReport.render(
        o.workload() + " on " + o.nodes() + " nodes, nemesis " + o.nemeses() + ", seed " + o.seed(),
        history, validity));
    cluster.saveLogs(out.resolve("nodes"));
  }
}
