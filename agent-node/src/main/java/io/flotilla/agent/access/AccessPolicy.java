package io.flotilla.agent.access;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Who may do what through the agent API, from the access list in the agent's configuration.
 * A client not on the list may do nothing; a client on it is checked against its one rule.
 * Pure: the decisions here are what {@link AccessInterceptor} enforces on every call.
 */
public final class AccessPolicy {
  private final Map<String, AccessRule> rules;

  public AccessPolicy(List<AccessRule> rules) {
    this.rules = rules.stream().collect(Collectors.toUnmodifiableMap(AccessRule::client,
        Function.identity(), (a, b) -> {
          throw new IllegalArgumentException("client " + a.client() + " is listed twice");
        }));
  }

  /** Why {@code client} may not act in {@code role} on {@code keys}, or empty when it may. */
  public Optional<String> refusal(String client, Role role, List<ByteString> keys) {
    AccessRule rule = rules.get(client);
    if (rule == null) {
      return Optional.of("client " + client + " is not on the access list");
    }
    if (!rule.role().includes(role)) {
      return Optional.of("client " + client + " has role " + name(rule.role()) + ", this needs "
          + name(role));
    }
    if (rule.role() == Role.WRITE) {
      ByteString prefix = ByteString.copyFromUtf8(rule.prefix());
      for (ByteString key : keys) {
        if (!key.startsWith(prefix)) {
          return Optional.of("client " + client + " may write only under '" + rule.prefix()
              + "', not '" + key.toStringUtf8() + "'");
        }
      }
    }
    return Optional.empty();
  }

  private static String name(Role r) {
    return r.name().toLowerCase(java.util.Locale.ROOT);
  }
}
