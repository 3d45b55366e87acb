package io.flotilla.agent.voters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flotilla.consensus.voters.VoterChange;
import java.util.Optional;

/**
 * A voter-set change as committed to the group's log, under
 * {@code _flotilla/voters/<13-digit epoch ms>-<leader>}, so that every member and operator can
 * read what changed, when, by which leader and why.
 *
 * @param atMillis when the leader made it (epoch milliseconds)
 * @param leader the leader that made it
 * @param term its term
 * @param kind PROMOTE, DEMOTE, SWAP or HAND_OFF
 * @param in the agent that became a voter (or took the leadership), or null
 * @param out the agent that stopped voting (or leading), or null
 * @param reason why
 */
public record VoterRecord(long atMillis, String leader, long term, String kind, String in,
    String out, String reason) {
  public static final String PREFIX = "_flotilla/voters/";

  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static VoterRecord of(VoterChange c, long atMillis, String leader, long term) {
    return new VoterRecord(atMillis, leader, term, c.kind().name(), c.in(), c.out(), c.reason());
  }

  String key() {
    return PREFIX + String.format("%013d-%s", atMillis, leader);
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Optional<VoterRecord> parse(String json) {
    try {
      return Optional.ofNullable(JSON.readValue(json, VoterRecord.class));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
