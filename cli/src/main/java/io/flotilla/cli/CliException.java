package io.flotilla.cli;

/** A failure the CLI reports as one line, with the exit code it implies. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The cluster answered no: a compare failed, no leader in time, unknown lease. */
  static CliException refused(String message) {
    return new CliException(Flotilla.EXIT_REFUSED, message);
  }

  /** The command line or its input is wrong. */
  static CliException usage(String message) {
    return new CliException(Flotilla.EXIT_USAGE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
