package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FleetDemoCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Flotilla.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void theDemoFailsOverAndLosesNoAcknowledgedWrite() {
    int exit = run("fleet", "demo", "--writes", "30", "--dir", dir.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Read back 30 of 30 acknowledged tasks")
        .contains("writes committed")
        .contains("(lost: 0)");
  }

  @Test
  void aBadFlagIsAUsageErrorWithOneLine() {
    int exit = run("fleet", "demo", "--agents", "many");

    assertThat(exit).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("flotilla: Invalid value for option '--agents'");
  }
}
