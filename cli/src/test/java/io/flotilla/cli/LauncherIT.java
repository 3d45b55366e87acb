package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's quick start, through the real launcher script and the packaged jar. */
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  private record Run(int exit, String out) {}

  private static Run launch(String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(concat("./flotilla", args))
        .directory(ROOT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all;
  }

  @Test
  void theLauncherRunsThePackagedCommand() throws Exception {
    Run r = launch("--version");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out().strip()).isEqualTo("flotilla 0.1.0-SNAPSHOT");
  }

  @Test
  void theQuickStartDemoFailsOverWithoutLosingAnAcknowledgedWrite() throws Exception {
    Run r = launch("fleet", "demo", "--writes", "30");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("Read back 30 of 30 acknowledged tasks")
        .contains("time to re-elect after kill -9")
        .contains("(lost: 0)");
  }

  @Test
  void aCommandLineErrorIsOneLineAndExitCodeTwo() throws Exception {
    Run r = launch("put", "--endpoints", "not-an-endpoint", "k", "v");
    assertThat(r.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(r.out().strip()).isEqualTo("flotilla: endpoint 'not-an-endpoint' is not host:port");
  }
}
