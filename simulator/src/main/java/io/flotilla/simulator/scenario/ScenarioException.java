package io.flotilla.simulator.scenario;

/** A scenario that cannot be read or makes no sense; the message is one line naming the key. */
public final class ScenarioException extends RuntimeException {
  public ScenarioException(String message) {
    super(message);
  }
}
