package io.flotilla.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * CPU time (user and system, as the operating system accounts it) that a set of processes used
 * inside measured windows, summed over the windows. Unknown once a reading failed: a process
 * ended, or the system does not say.
 */
final class CpuMeter {
  private final List<ProcessHandle> processes;
  private Optional<Duration> used = Optional.of(Duration.ZERO);
  private Optional<Duration> windowStart = Optional.empty();

  CpuMeter(List<ProcessHandle> processes) {
    this.processes = List.copyOf(processes);
  }

  void start() {
    windowStart = total();
  }

  void stop() {
    Optional<Duration> now = total();
    used = used.isPresent() && windowStart.isPresent() && now.isPresent()
        ? Optional.of(used.get().plus(now.get().minus(windowStart.get())))
        : Optional.empty();
  }

  /** CPU time used inside the windows so far. */
  Optional<Duration> used() {
    return processes.isEmpty() ? Optional.empty() : used;
  }

  private Optional<Duration> total() {
    Duration sum = Duration.ZERO;
    for (ProcessHandle p : processes) {
      Optional<Duration> cpu = p.isAlive() ? p.info().totalCpuDuration() : Optional.empty();
      if (cpu.isEmpty()) {
        return Optional.empty();
      }
      sum = sum.plus(cpu.get());
    }
    return Optional.of(sum);
  }
}
