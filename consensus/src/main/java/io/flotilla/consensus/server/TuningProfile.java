package io.flotilla.consensus.server;

import java.time.Duration;

/**
 * Timing of elections and RPCs for the links a group runs over. Every member of a group should
 * use the same profile.
 */
public enum TuningProfile {
  /** Wired or good Wi-Fi links: Ratis's defaults, 150-300 ms election timeouts. */
  LAN(Duration.ofMillis(150), Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(1)),
  /**
   * Lossy radio links with 50-300 ms round trips: election timeouts of 1-2 s ride out a few
   * lost heartbeats without starting an election.
   */
  RADIO(Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofSeconds(5),
      Duration.ofSeconds(3));

  private final Duration electionTimeoutMin;
  private final Duration electionTimeoutMax;
  private final Duration requestTimeout;
  private final Duration attemptTimeout;

  TuningProfile(Duration min, Duration max, Duration request, Duration attempt) {
    this.electionTimeoutMin = min;
    this.electionTimeoutMax = max;
    this.requestTimeout = request;
    this.attemptTimeout = attempt;
  }

  public Duration electionTimeoutMin() {
    return electionTimeoutMin;
  }

  public Duration electionTimeoutMax() {
    return electionTimeoutMax;
  }

  /** How long one Raft RPC between servers may take. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long a client's write or read waits on one server before it tries another. A leader
   * that dies where nothing tells its clients (power lost, out of radio range: no connection
   * reset) costs its clients this long, so it is short: a few election rounds, well above a
   * commit's time on such links. Retries are safe: a server answers a repeated write from its
   * retry cache instead of applying it twice.
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }
}
