package io.flotilla.simulator;

import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioLoader;

/** Small scenarios for tests, written as the YAML a user would write. */
public final class Scenarios {
  private Scenarios() {}

  /**
   * One stationary squad {@code s-0} of {@code voters} voters and {@code listeners}
   * listeners, all within radio range of each other, plus {@code extra} YAML lines.
   */
  public static Scenario squad(int voters, int listeners, String profile, double loss, String duration,
      String extra) {
    return ScenarioLoader.parse("""
        name: test
        duration: %s
        profile: %s
        area: {width: 100, height: 100}
        radio: {range: 500, loss: %s, edgeLoss: %s, latency: 2ms, rangeLatency: 1ms, jitter: 2ms}
        squads:
          - {name: s, count: 1, voters: %d, listeners: %d}
        workload:
          presence: {ttl: 5s, keepAlive: 1s}
          claims: {perMinute: 30, tasks: 200}
          reads: {perMinute: 30}
          coordinator: {candidates: 2, recheck: 1s}
        %s
        """.formatted(duration, profile, loss, loss, voters, listeners, extra), "test");
  }
}
