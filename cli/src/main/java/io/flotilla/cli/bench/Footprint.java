package io.flotilla.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What one agent process costs a small machine: how long from its launch until its
 * {@code /readyz} answers 200, and its resident memory and thread count once it has sat idle.
 * Memory and threads come from {@code /proc} (Linux); elsewhere they are unknown (-1).
 *
 * @param readyMillis from launching the process to the first 200 from {@code /readyz}
 * @param idleRssBytes resident set size after the idle time
 * @param threads the process's threads after the idle time
 */
public record Footprint(long readyMillis, long idleRssBytes, int threads) {
  private static final Duration POLL = Duration.ofMillis(10);

  /**
   * Waits for the process to become ready, lets it idle, then reads its memory.
   *
   * @param launchedAt {@link System#nanoTime()} just before the process was launched
   * @param metrics the agent's metrics endpoint, host:port
   */
  public static Footprint measure(ProcessHandle process, long launchedAt, String metrics,
      Duration idle, Duration wait) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://" + metrics + "/readyz"))
        .timeout(Duration.ofSeconds(1)).build();
    long deadline = launchedAt + wait.toNanos();
    while (!ready(http, readyz)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("the agent was not ready within " + wait);
      }
      Thread.sleep(POLL.toMillis());
    }
    long readyMillis = (System.nanoTime() - launchedAt) / 1_000_000;
    Thread.sleep(idle.toMillis());
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    return new Footprint(readyMillis,
        statusField(status, "VmRSS:").map(kb -> kb * 1024).orElse(-1L),
        statusField(status, "Threads:").map(Long::intValue).orElse(-1));
  }

  private static boolean ready(HttpClient http, HttpRequest readyz) throws InterruptedException {
    try {
      return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYetListening) {
      return false;
    }
  }

  /** A numeric field of /proc/PID/status ("VmRSS:  123 kB" gives 123). */
  private static Optional<Long> statusField(Path status, String name) throws IOException {
    if (!Files.isReadable(status)) {
      return Optional.empty();
    }
    return Files.readAllLines(status).stream().filter(l -> l.startsWith(name))
        .map(l -> Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]))
        .findFirst();
  }
}
