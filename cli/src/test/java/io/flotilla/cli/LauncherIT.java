package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.agent.LocalPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, through the real launcher script and the packaged jar. */
class LauncherIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  private record Run(int exit, String out) {}

  private static Run launch(String... args) throws IOException, InterruptedException {
    return launch(Map.of(), args);
  }

  private static Run launch(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder b = new ProcessBuilder(concat("./flotilla", args))
        .directory(ROOT.toFile()).redirectErrorStream(true);
    b.environment().putAll(env);
    Process p = b.start();
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
  void theSmallJvmProfileRunsAgentsInA64MegabyteHeap(@TempDir Path dir) throws Exception {
    Run r = launch(Map.of("FLOTILLA_JVM_PROFILE", "small"),
        "bench", "--footprint", "--duration", "1s", "--dir", dir.toString(), "-o", "json");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("-Xms16m -Xmx64m -XX:+UseSerialGC")
        .contains("\"java_options\" : \"-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=10000");

    Run bad = launch(Map.of("FLOTILLA_JVM_PROFILE", "tiny"), "--version");
    assertThat(bad.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(bad.out().strip())
        .isEqualTo("flotilla: FLOTILLA_JVM_PROFILE must be small or default, not 'tiny'");
  }

  @Test
  void theFirstAgentRecordsAClassDataArchiveThatLaterAgentsStartFrom(@TempDir Path dir)
      throws Exception {
    Path archive = ROOT.resolve("cli/target/flotilla-agent.jsa");
    Files.deleteIfExists(archive);
    int[] ports = LocalPorts.free(3);
    Process agent = new ProcessBuilder("./flotilla", "node", "run",
        "--data-dir", dir.resolve("data").toString(),
        "--raft-address", "127.0.0.1:" + ports[0], "--api-address", "127.0.0.1:" + ports[1],
        "--metrics-address", "127.0.0.1:" + ports[2])
        .directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readyz = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ports[2] + "/readyz")).build();
    Awaitility.await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(
        () -> http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    agent.destroy();
    assertThat(agent.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(archive).as(Files.readString(dir.resolve("agent.log"))).isNotEmptyFile();

    Run r = launch("bench", "--footprint", "--duration", "1s", "--dir",
        dir.resolve("bench").toString(), "-o", "json");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("-XX:SharedArchiveFile=" + archive);
  }

  @Test
  void aCommandLineErrorIsOneLineAndExitCodeTwo() throws Exception {
    Run r = launch("put", "--endpoints", "not-an-endpoint", "k", "v");
    assertThat(r.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(r.out().strip()).isEqualTo("flotilla: endpoint 'not-an-endpoint' is not host:port");
  }
}
