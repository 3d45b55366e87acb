package io.flotilla.chaos.history;

/**
 * An EDN keyword value such as {@code :timed-out}, kept apart from strings so that a history read
 * from EDN is written back the same way.
 *
 * @param name the keyword without its leading colon
 */
public record Keyword(String name) {

  @Override
  public String toString() {
    return ":" + name;
  }
}
