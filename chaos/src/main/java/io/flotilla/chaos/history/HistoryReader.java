package io.flotilla.chaos.history;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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

  /**
   * Reads the history in {@code file}, naming the file in error messages.
   *
   * @throws HistoryParseException also for a line that is not UTF-8 text
   */
  default History read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    } catch (CharacterCodingException e) {
      throw new HistoryParseException(file.toString(), firstLineNotUtf8(file),
          "is not UTF-8 text");
    }
  }

  /**
   * The 1-based line, counted as {@link BufferedReader#readLine} counts them, holding the
   * file's first bytes that are not UTF-8. The decoder reads ahead of the lines handed out, so
   * its error does not tell.
   */
  private static int firstLineNotUtf8(Path file) throws IOException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int number = 1;
      for (int b = in.read(); ; b = in.read()) {
        if (b != '\n' && b != '\r' && b != -1) {
          line.write(b);
          continue;
        }
        try {
          utf8.decode(ByteBuffer.wrap(line.toByteArray()));
        } catch (CharacterCodingException e) {
          return number;
        }
        if (b == -1) {
          return number; // not reached: the file held bytes that are not UTF-8
        }
        if (b == '\r') {
          in.mark(1);
          if (in.read() != '\n') {
            in.reset();
          }
        }
        line.reset();
        number++;
      }
    }
  }
}
