package io.flotilla.simulator.kernel;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named random streams derived from one seed. Each stream's seed is a hash of the run seed and
 * the stream's name, so adding a stream, or drawing more from one, never changes what another
 * stream yields.
 */
public final class RandomStreams {
  private final long seed;
  private final Map<String, SplittableRandom> streams = new HashMap<>();

  public RandomStreams(long seed) {
    this.seed = seed;
  }

  public long seed() {
    return seed;
  }

  /** The stream with this name; the same object on every call. */
  public SplittableRandom stream(String name) {
    return streams.computeIfAbsent(name, n -> new SplittableRandom(seedOf(n)));
  }

  private long seedOf(String name) {
    long h = seed;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = TraceHash.mix(h, b);
    }
    return TraceHash.mix(h, name.length());
  }
}
