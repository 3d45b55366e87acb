package io.flotilla.agent.trust;

/**
 * A certificate or key file that cannot be read, written or trusted: missing, malformed, already
 * there when it must not be, or on a file system that refuses it. The message is one line that
 * names the file, fit to show a person as it is.
 */
public final class TrustFileException extends RuntimeException {

  TrustFileException(String message) {
    super(oneLine(message));
  }

  TrustFileException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  // Parts of the message come from the JDK and the file system, which may break lines.
  private static String oneLine(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
