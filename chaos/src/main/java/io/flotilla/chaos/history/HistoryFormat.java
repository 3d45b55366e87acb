package io.flotilla.chaos.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The history formats Flotilla reads, by the names the command line uses. */
public enum HistoryFormat {
  /** Jepsen's EDN maps, including the kv histories' lines; see {@link EdnHistoryReader}. */
  EDN("edn", new EdnHistoryReader()),
  /** Jepsen's {@code jepsen.util} log lines; see {@link JepsenLogReader}. */
  JEPSEN_LOG("jepsen-log", new JepsenLogReader()),
  /** Flotilla's JSON lines; see {@link JsonLinesHistoryReader}. */
  JSONL("jsonl", new JsonLinesHistoryReader());

  private final String formatName;
  private final HistoryReader reader;

  HistoryFormat(String formatName, HistoryReader reader) {
    this.formatName = formatName;
    this.reader = reader;
  }

  /** The name on the command line: {@code edn}, {@code jepsen-log} or {@code jsonl}. */
  public String formatName() {
    return formatName;
  }

  /** The reader for this format. */
  public HistoryReader reader() {
    return reader;
  }

  /**
   * The format called {@code name}. {@code kv} names {@link #EDN}, since the kv histories are EDN
   * maps with a {@code :key}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static HistoryFormat byName(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    if (wanted.equals("kv")) {
      return EDN;
    }
    for (HistoryFormat format : values()) {
      if (format.formatName.equals(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown format '" + name + "' (expected edn, jepsen-log, kv or jsonl)");
  }

  /**
   * Guesses the format of {@code file} from its extension ({@code .edn}, {@code .log}, {@code
   * .jsonl}, {@code .ndjson}, {@code .json}) or else from its first non-blank line.
   *
   * @return empty when neither tells, as for a file that is not UTF-8 text
   */
  public static Optional<HistoryFormat> guess(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".edn")) {
      return Optional.of(EDN);
    }
    if (name.endsWith(".log")) {
      return Optional.of(JEPSEN_LOG);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return Optional.of(JSONL);
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String text = line.strip();
        if (text.isEmpty()) {
          continue;
        }
        if (text.startsWith("{\"")) {
          return Optional.of(JSONL);
        }
        if (text.startsWith("{")) {
          return Optional.of(EDN);
        }
        if (text.contains("jepsen.util")) {
          return Optional.of(JEPSEN_LOG);
        }
        return Optional.empty();
      }
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
