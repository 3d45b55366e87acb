package io.flotilla.consensus.voters;

/**
 * What a group's leader knows of one member when it decides who votes.
 *
 * @param id the agent's id
 * @param voter whether it votes now (else it is a listener)
 * @param eligible whether the agent may vote at all (an attribute of the agent: a ground
 *     station or a well-powered vehicle, say)
 * @param present whether the agent's presence key is alive (its lease is kept alive)
 * @param lagMillis how long since the leader last heard from it; 0 for the leader itself
 * @param battery the charge the agent reported, 0-100, or -1 if it reported none
 * @param link the link quality the agent reported, 0.0-1.0, or -1 if it reported none
 * @param restarts how often the agent's node started recently (its restart count)
 */
public record AgentHealth(String id, boolean voter, boolean eligible, boolean present,
    long lagMillis, int battery, double link, int restarts) {

  /** An agent the leader knows nothing of beyond its membership: absent, unreported. */
  public static AgentHealth unknown(String id, boolean voter) {
    return new AgentHealth(id, voter, true, false, Long.MAX_VALUE, -1, -1, 0);
  }
}
