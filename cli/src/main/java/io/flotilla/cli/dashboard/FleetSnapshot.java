package io.flotilla.cli.dashboard;

import java.util.List;

/**
 * The fleet as the dashboard last polled it: what {@code /api/fleet} serves and the page draws.
 * Field names are written in snake case (see {@code docs/cli-json.md}).
 *
 * @param polledAt when the poll ended, ISO-8601
 * @param intervalMs how often the dashboard polls
 * @param endpoints every endpoint it polls, in the order given
 * @param groups every group an endpoint has reported, by name
 */
public record FleetSnapshot(String polledAt, long intervalMs, List<Endpoint> endpoints,
    List<Group> groups) {

  /**
   * One polled agent API.
   *
   * @param state {@code up} (answered the last poll), {@code stale} (answered before, not the
   *     last poll), {@code unreachable} (never answered) or {@code pending} (not polled yet)
   * @param sinceMs with {@code stale}: how long since it last answered
   * @param error why the last poll got no answer; null when it got one
   * @param id the agent's id, once it has answered
   */
  public record Endpoint(String endpoint, String state, Long sinceMs, String error, String id,
      String version, Long uptimeMs) {}

  /**
   * One group, merged from its members' answers.
   *
   * @param leader the leader named at the highest term any up member reports; null when none
   * @param term that highest term; null when no member answered the last poll
   * @param commitIndex the highest commit index an up member reports; null when none answered
   * @param commitRate commits per second between consecutive polls, oldest first; null where
   *     no member answered
   * @param membersError why this poll read no member list ("no member answered" when none of
   *     the group's polled members did); the members are then those of the last list read
   * @param members by id
   */
  public record Group(String group, String leader, Long term, Long commitIndex,
      List<Double> commitRate, List<Member> members, List<VoterChange> changes,
      List<Route> routes, String membersError) {}

  /**
   * One member of a group.
   *
   * @param role {@code voter} or {@code listener} as the group's configuration has it; null
   *     for a member that reports the group but is not in the last member list read
   * @param state the member's own view of its part: LEADER, FOLLOWER, CANDIDATE or LISTENER;
   *     null when no polled endpoint is this member
   * @param endpoint the polled endpoint that is this member; null when none is
   * @param stale whether that endpoint did not answer the last poll (its figures are its last)
   * @param sinceMs with {@code stale}: how long since it last answered
   * @param lag committed entries it has yet to receive, as the leader sees it
   * @param lastContactMs since the leader last heard from it
   * @param presence what the member published about itself; null when it published nothing
   */
  public record Member(String id, String address, String role, String state, String endpoint,
      boolean stale, Long sinceMs, Long commitIndex, Long appliedIndex, Long lag,
      Long lastContactMs, Presence presence) {}

  /** @param battery percent, -1 when not reported; @param link 0 to 1, -1 when not reported */
  public record Presence(String kind, boolean eligible, int battery, double link, int restarts) {}

  /** A voter-set change the group's leader made, with its reason. */
  public record VoterChange(String at, String leader, long term, String kind, String in,
      String out, String reason) {}

  /**
   * A forwarding route run by the group's leader.
   *
   * @param behindMs how long changes have waited on the route (0: its last round caught up)
   * @param stuck why the target refuses what comes next; null while it does not
   */
  public record Route(String name, String from, String to, long forwarded, long behindMs,
      String stuck) {}
}
