package io.flotilla.simulator.ratis;

import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioLoader;

/** Small scenarios for the Ratis engine's tests: few servers, seconds of wall time. */
final class RatisScenarios {
  private RatisScenarios() {}

  /**
   * Two squads of three voters each, 1,500 m apart with 200 m radios, so that each squad can
   * elect but the council of their two delegates is out of range; plus {@code extra} lines.
   */
  static Scenario twoDistantSquads(String profile, String duration, String extra) {
    return ScenarioLoader.parse("""
        name: two-squads
        duration: %s
        profile: %s
        area: {width: 3000, height: 20}
        radio: {range: 200, loss: 0.05, edgeLoss: 0.1, latency: 5ms, rangeLatency: 5ms, jitter: 5ms}
        squads:
          - name: s
            count: 2
            voters: 3
            listeners: 0
            mobility: {type: patrol, waypoints: [[50, 5], [60, 5]], speed: [1], spacing: 1}
        council: {kind: delegates, voters: 2, reportEvery: 2s}
        workload:
          presence: {ttl: 5s, keepAlive: 1s}
          claims: {perMinute: 30, tasks: 200}
          reads: {perMinute: 0}
          coordinator: {candidates: 2, recheck: 1s}
        %s
        """.formatted(duration, profile, extra), "test");
  }
}
