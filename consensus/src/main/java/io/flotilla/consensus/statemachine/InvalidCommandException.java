package io.flotilla.consensus.statemachine;

/** A command that can never apply: malformed bytes, an empty key, a value over the limit. */
public class InvalidCommandException extends Exception {
  public InvalidCommandException(String message) {
    super(message);
  }
}
