package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetDemoCommandTest {
  @Test
  void aBadFlagIsAUsageErrorWithOneLine() {
    CliRun r = CliRun.of("fleet", "demo", "--agents", "many");

    assertThat(r.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("flotilla: Invalid value for option '--agents'");
  }

  @Test
  void tooFewAgentsForAFailoverIsAUsageError() {
    CliRun r = CliRun.of("fleet", "demo", "--agents", "1");

    assertThat(r.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(r.err().strip()).isEqualTo("flotilla: --agents must be 3 to 9 and --writes at least 1");
  }
}
