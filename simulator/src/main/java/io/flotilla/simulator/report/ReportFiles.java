package io.flotilla.simulator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a run's {@code summary.json} and {@code report.html} into a directory. */
public final class ReportFiles {
  public static final String SUMMARY = "summary.json";
  public static final String REPORT = "report.html";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFiles() {}

  public static void write(Path dir, RunSummary summary, Metrics metrics) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(SUMMARY).toFile(), summary);
    Files.writeString(dir.resolve(REPORT), HtmlReport.render(summary, metrics),
        StandardCharsets.UTF_8);
  }
}
