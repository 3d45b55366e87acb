package io.flotilla.chaos.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a history's events, one a line, in a format a {@link HistoryReader} reads back. */
public interface HistoryWriter {

  /** Writes every event of {@code history} to {@code out}, each line ending in a newline. */
  void write(History history, Writer out) throws IOException;

  /** Writes {@code history} to {@code file}, replacing it. */
  default void write(History history, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(history, out);
    }
  }
}
