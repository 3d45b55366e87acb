package io.flotilla.simulator.report;

import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, as written to {@code summary.json}. Times are in seconds unless a
 * name says otherwise; {@code violation} is null when every invariant held. {@code engine} names
 * what ran the Raft groups: {@link #MODEL} or {@link #RATIS}. {@code voterChanges} and
 * {@code forwarding} are null where the engine does not model them (Ratis), and forwarding
 * also when the scenario has no council.
 */
public record RunSummary(String engine, String scenario, long seed, double simulatedSeconds,
    double wallSeconds, long events, double eventsPerSecond, double simToWall, String traceHash,
    Violation violation, Fleet fleet, List<GroupSummary> groups, VoterChanges voterChanges,
    Forwarding forwarding) {
  /** The deterministic engine: the simulator's own Raft model in virtual time. */
  public static final String MODEL = "model";

  /** Real Apache Ratis servers under the simulated radio, paced to the wall clock. */
  public static final String RATIS = "ratis";

  /** The first invariant found broken, and the command that replays the run up to it. */
  public record Violation(String invariant, String message, long event, String time,
      String replay) {}

  /** Totals over all groups. */
  public record Fleet(int agents, int groups, long leaderChanges, long leaderLosses,
      double availability, double unavailableSeconds, Distribution electionMillis,
      Distribution commitLatencyMillis, Distribution clientLatencyMillis, long committed,
      double commitsPerSecond, long writesAcked, long writesFailed, long readsAnswered,
      long readsFailed, long messagesSent, long messagesDropped, Drops drops, Double mtbfSeconds,
      Double mttrSeconds) {}

  /**
   * Why messages were dropped: radio loss, out of range, cut by a scripted partition, or
   * arriving at an agent that had crashed.
   */
  public record Drops(long lost, long outOfRange, long cut, long crashed) {}

  /**
   * One group. {@code mtbfSeconds}: leader time per leader loss; {@code mttrSeconds}: mean
   * leaderless window after a loss; null when there was no loss.
   */
  public record GroupSummary(String name, int voters, int listeners, long leaderChanges,
      long leaderLosses, double availability, double unavailableSeconds, int windows,
      double longestWindowSeconds, Distribution electionMillis,
      Distribution commitLatencyMillis, long committed, double commitsPerSecond,
      long messagesSent, long messagesDropped, Double mtbfSeconds, Double mttrSeconds) {}

  /** This summary with the voter changes and forwarding of the run added. */
  public RunSummary with(VoterChanges changes, Forwarding forwarded) {
    return new RunSummary(engine, scenario, seed, simulatedSeconds, wallSeconds, events,
        eventsPerSecond, simToWall, traceHash, violation, fleet, groups, changes, forwarded);
  }

  /**
   * The voter changes the groups' leaders made: how many of each kind and for each class of
   * reason, and the first few as they happened.
   */
  public record VoterChanges(long total, Map<String, Long> byKind, Map<String, Long> byReason,
      List<VoterChangeSummary> first) {}

  /** One voter change; {@code time} as the trace prints it. */
  public record VoterChangeSummary(String time, String group, String kind, String in,
      String out, String reason) {}

  /**
   * Squads' decisions forwarded to the council: batches and decisions the council took,
   * batches it refused as already taken, the largest backlog of one squad and the total left
   * at the end (decisions), and the delay from commit in the squad to commit in the council.
   */
  public record Forwarding(long batches, long decisions, long duplicatesRefused,
      long backlogMax, long backlogAtEnd, Distribution delayMillis) {}
}
