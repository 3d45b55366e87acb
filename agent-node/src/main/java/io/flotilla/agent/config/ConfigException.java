package io.flotilla.agent.config;

/** A configuration that cannot run; the message is one line that names the offending key. */
public final class ConfigException extends Exception {
  public ConfigException(String key, String problem) {
    super("config: " + key + ": " + problem);
  }
}
