package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.HistoryFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The recorded histories under {@code src/test/resources/linearizability}, with their verdicts. */
final class TestData {

  private TestData() {}

  static Path dir(String name) {
    try {
      return Path.of(TestData.class.getResource("/linearizability/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each etcd file with its expected verdict, from {@code jepsen-etcd/VERDICTS}. */
  static Map<Path, Verdict> etcd() {
    Path dir = dir("jepsen-etcd");
    Map<Path, Verdict> verdicts = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("VERDICTS"))) {
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.trim().split("\\s+");
        verdicts.put(dir.resolve(fields[0]), switch (fields[1]) {
          case "linearizable" -> Verdict.LINEARIZABLE;
          case "not-linearizable" -> Verdict.NOT_LINEARIZABLE;
          default -> throw new IllegalStateException("bad verdict line: " + line);
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return verdicts;
  }

  /** The kv histories: {@code cNN-ok.txt} are linearizable, {@code cNN-bad.txt} are not. */
  static Map<Path, Verdict> kv() {
    Path dir = dir("kv");
    Map<Path, Verdict> verdicts = new LinkedHashMap<>();
    for (String name : List.of("c01-ok.txt", "c01-bad.txt", "c10-ok.txt", "c10-bad.txt")) {
      verdicts.put(dir.resolve(name),
          name.endsWith("-ok.txt") ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
    }
    return verdicts;
  }

  static History read(Path file) {
    try {
      return HistoryFormat.guess(file).orElse(HistoryFormat.EDN).reader().read(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
