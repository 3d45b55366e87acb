package io.flotilla.chaos.history;

import java.io.IOException;

/**
 * A history that cannot be read: a malformed line, or events that do not pair up. The message
 * names the source and line, as in {@code history.edn:12: missing :type}.
 */
public final class HistoryParseException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final String problem;

  public HistoryParseException(String source, int line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  /** The file or stream the history came from. */
  public String source() {
    return source;
  }

  /** The 1-based line the problem was found on. */
  public int line() {
    return line;
  }

  /** What is wrong, without the source and line. */
  public String problem() {
    return problem;
  }
}
