package io.flotilla.agent.access;

import java.util.Objects;

/**
 * One entry of the agent's access list.
 *
 * @param client the client's name: the common name of its certificate
 * @param role what it may do
 * @param prefix the keys a {@link Role#WRITE} client may write; empty for every key
 */
public record AccessRule(String client, Role role, String prefix) {
  public AccessRule {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(role, "role");
    prefix = prefix == null ? "" : prefix;
  }
}
