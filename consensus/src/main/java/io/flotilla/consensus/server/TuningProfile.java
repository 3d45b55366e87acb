package io.flotilla.consensus.server;

import java.time.Duration;

/**
 * Timing of elections and RPCs for the links a group runs over. Every member of a group should
 * use the same profile.
 */
public enum TuningProfile {
  /** Wired or good Wi-Fi links: Ratis's defaults, 150-300 ms election timeouts. */
  LAN(Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofSeconds(3)),
  /**
   * Lossy radio links with 50-300 ms round trips: election timeouts of 1-2 s ride out a few
   * lost heartbeats without starting an election.
   */
  RADIO(Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofSeconds(5));

  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;
  private final Duration requestTimeout;

  TuningProfile(Duration min, Duration max, Duration request) {
    this.electionTimeoutMin = min;
    this.electionTimeoutMax = max;
    this.requestTimeout = request;
  }

  public Duration electionTimeoutMin() {
    return electionTimeoutMin;
  }

  public Duration electionTimeoutMax() {
    return electionTimeoutMax;
  }

  /** How long one Raft RPC (and one client request attempt) may take. */
  public Duration requestTimeout() {
    return requestTimeout;
  }
}
