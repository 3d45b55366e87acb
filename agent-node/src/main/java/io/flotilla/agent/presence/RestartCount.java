package io.flotilla.agent.presence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts a node's starts in its data directory ({@code starts}, one epoch-millisecond time per
 * line, only the recent ones kept), so that an agent whose node keeps crashing can be told
 * apart from one that restarted once.
 */
public final class RestartCount {
  private static final Duration WINDOW = Duration.ofHours(1);

  private RestartCount() {}

  /**
   * Records a start now and returns how many other starts the window holds.
   *
   * @throws IOException when the data directory cannot be written
   */
  public static int recordStart(Path dataDir, long nowMillis) throws IOException {
    Path file = dataDir.resolve("starts");
    List<String> kept = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        try {
          if (nowMillis - Long.parseLong(line.trim()) < WINDOW.toMillis()) {
            kept.add(line.trim());
          }
        } catch (NumberFormatException e) {
          // A damaged line only loses a count; the node still starts.
        }
      }
    }
    int before = kept.size();
    kept.add(Long.toString(nowMillis));
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve("starts.tmp");
    Files.write(tmp, kept);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return before;
  }
}
