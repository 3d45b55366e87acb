package io.flotilla.chaos.workload;

import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys in generations, as Jepsen's independent keys: each client works on a few live keys and
 * moves on to fresh ones after a number of its own operations. Contention stays high while each
 * key's history stays short, so the linearizability check splits into many small searches
 * instead of a few that operations of unknown outcome can make exponentially hard. A client's
 * keys depend only on its random source and its own operation count.
 */
final class RotatingKeys {
  private final String prefix;
  private final int live;
  private final int opsPerGeneration;
  private final ConcurrentHashMap<Integer, Integer> issued = new ConcurrentHashMap<>();

  /**
   * @param live keys in use at once
   * @param opsPerGeneration operations a client sends before it moves to the next keys
   */
  RotatingKeys(String prefix, int live, int opsPerGeneration) {
    this.prefix = prefix;
    this.live = live;
    this.opsPerGeneration = opsPerGeneration;
  }

  /** The key of {@code process}'s next operation. */
  String next(Random random, int process) {
    long generation = (issued.merge(process, 1, Integer::sum) - 1) / opsPerGeneration;
    return prefix + (generation * live + random.nextInt(live));
  }
}
