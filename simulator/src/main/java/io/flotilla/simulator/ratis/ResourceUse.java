package io.flotilla.simulator.ratis;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM cost while the simulated world ran: CPU in cores (process CPU time over wall
 * time), peak resident memory and peak live threads. Resident memory is read from Linux's
 * {@code /proc/self/status}; elsewhere it is reported as -1.
 *
 * @param cpuCores mean cores busy over the measured stretch
 * @param peakRssBytes highest resident set size seen at a sample, or -1
 * @param peakThreads highest number of live threads seen at a sample
 */
public record ResourceUse(double cpuCores, long peakRssBytes, int peakThreads) {

  /** Samples the process from the moment it is made. */
  static final class Meter {
    private final long wallStart = System.nanoTime();
    private final long cpuStart = cpuNanos();
    private long peakRss = -1;
    private int peakThreads;

    /** Records the current memory and threads; cheap enough to call every second. */
    void sample() {
      peakRss = Math.max(peakRss, rss());
      peakThreads = Math.max(peakThreads, ManagementFactory.getThreadMXBean().getThreadCount());
    }

    ResourceUse finish() {
      sample();
      double wall = System.nanoTime() - wallStart;
      return new ResourceUse(wall <= 0 ? 0 : (cpuNanos() - cpuStart) / wall, peakRss,
          peakThreads);
    }

    private static long cpuNanos() {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getProcessCpuTime();
      }
      return 0;
    }

    private static long rss() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Not Linux: no resident size to report.
      }
      return -1;
    }
  }
}
