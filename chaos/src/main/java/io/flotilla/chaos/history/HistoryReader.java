package io.flotilla.chaos.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a history from text with one event a line; blank lines are skipped. */
public interface HistoryReader {

  /**
   * Reads every event from {@code in}.
   *
   * @param source names the input in error messages
   * @throws HistoryParseException naming the source and line of the first malformed line, or of
   *     the first event that does not pair up
   */
  History read(BufferedReader in, String source) throws IOException;

  /** Reads the history in {@code file}, naming the file in error messages. */
  default History read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    }
  }
}
