package io.flotilla.agent.presence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * What an agent says of itself in each of its groups, under {@code _flotilla/presence/<id>},
 * on a lease its node keeps alive: the key exists exactly while the node is up and reaches the
 * group. The group's leader reads these to decide who votes.
 *
 * @param kind "mobile" or "ground"
 * @param eligible whether the agent may vote
 * @param battery the charge its software last reported, 0-100, or -1 for none
 * @param link the link quality its software last reported, 0.0-1.0, or -1 for none
 * @param restarts how often its node started in the last hour, this start not counted
 */
public record Presence(String kind, boolean eligible, int battery, double link, int restarts) {
  public static final String PREFIX = "_flotilla/presence/";

  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static String key(String agentId) {
    return PREFIX + agentId;
  }

  public Presence withHealth(int newBattery, double newLink) {
    return new Presence(kind, eligible, newBattery, newLink, restarts);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The presence in a key's value, or empty when it is not one (written by hand, say). */
  public static Optional<Presence> parse(String json) {
    try {
      return Optional.ofNullable(JSON.readValue(json, Presence.class));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
