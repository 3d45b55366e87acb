package io.flotilla.simulator.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;

class ScenarioLoaderTest {
  static final java.util.List<String> EXAMPLES = ScenarioLoader.EXAMPLES;

  private static final String VALID = """
      name: ok
      duration: 1m
      squads:
        - {name: s, voters: 3, listeners: 2}
      """;

  @ParameterizedTest
  @FieldSource("EXAMPLES")
  void everyShippedExampleLoadsByName(String name) {
    Scenario s = ScenarioLoader.load(name);
    assertThat(s.name()).isEqualTo(name);
    assertThat(s.squads()).isNotEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      an unknown key              | squads:\\n  - {name: s, votrs: 3}                     | scenario t.yaml: unknown key 'squads[0].votrs'
      a negative rate             | squads: [{name: s}]\\nworkload: {claims: {perMinute: -1}} | scenario t.yaml: workload.claims.perMinute must not be negative
      a squad with no voters      | squads: [{name: s, voters: 0}]                      | scenario t.yaml: squads[0].voters must be at least 1 (a squad with no voters cannot elect a leader)
      no squads                   | name: lonely                                        | scenario t.yaml: squads must list at least one squad
      a duration without a unit   | duration: 10\\nsquads: [{name: s}]                  | scenario t.yaml: duration: expected a duration with a unit (500ms, 10s, 5m, 1h)
      a word where a number goes  | squads: [{name: s, voters: three}]                  | scenario t.yaml: squads[0].voters: 'three' is not a valid integer
      an unknown profile          | profile: wifi\\nsquads: [{name: s}]                 | scenario t.yaml: profile must be 'lan' or 'radio', not 'wifi'
      a loss that is no probability | radio: {loss: 1.5}\\nsquads: [{name: s}]          | scenario t.yaml: radio.loss must be a probability between 0 and 1
      a fault on a missing group  | squads: [{name: s}]\\nfaults: [{type: crash-leader, group: x-0}] | scenario t.yaml: faults[0].group: no group named 'x-0'
      a patrol without a route    | squads: [{name: s, mobility: {type: patrol}}]       | scenario t.yaml: squads[0].mobility.waypoints must list at least two points
      a ttl shorter than keep-alive | squads: [{name: s}]\\nworkload: {presence: {ttl: 1s, keepAlive: 2s}} | scenario t.yaml: workload.presence.ttl must be longer than workload.presence.keepAlive
      """)
  void aBadScenarioIsOneClearLineNamingTheKey(String what, String yaml, String message) {
    assertThatThrownBy(() -> ScenarioLoader.parse(yaml.replace("\\n", "\n"), "t.yaml"))
        .as(what)
        .isInstanceOf(ScenarioException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest
  @CsvSource({"no-such-scenario", "/tmp/does/not/exist.yaml"})
  void aMissingScenarioNamesTheExamples(String source) {
    assertThatThrownBy(() -> ScenarioLoader.load(source))
        .hasMessageContaining("no such file and no shipped example")
        .hasMessageContaining("city-drones");
  }

  @org.junit.jupiter.api.Test
  void missingValuesTakeTheirDefaults() {
    Scenario s = ScenarioLoader.parse(VALID, "ok");
    assertThat(s.profile()).isEqualTo("radio");
    assertThat(s.duration().micros()).isEqualTo(60_000_000L);
    assertThat(s.squads().get(0).count()).isEqualTo(1);
    assertThat(s.workload().presence().ttl().micros()).isEqualTo(10_000_000L);
    assertThat(s.council()).isNull();
  }
}
