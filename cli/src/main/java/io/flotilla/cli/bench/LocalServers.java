package io.flotilla.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the server processes a baseline started on this machine. */
final class LocalServers {
  private static final Duration GRACE = Duration.ofSeconds(5);

  private LocalServers() {}

  /** Stops every process (SIGTERM, then SIGKILL after 5 s) and waits for them to exit. */
  static void stop(List<Process> processes) {
    processes.forEach(Process::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (Process p : processes) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly().waitFor(GRACE.toSeconds(), TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
