package io.flotilla.chaos.linearizability;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and switches for a check.
 *
 * @param timeLimit how long the search may run before answering {@link Verdict#UNKNOWN}; {@code
 *     null} for no limit
 * @param partitioned whether to check each group of {@link Model#partition} on its own; turning it
 *     off checks the whole history as one, which is slower but must agree
 * @param maxMemoBytes an estimate of the memory the search may use to remember explored states,
 *     across all partitions; past it the answer is {@link Verdict#UNKNOWN} rather than an
 *     out-of-memory error
 */
public record CheckOptions(Duration timeLimit, boolean partitioned, long maxMemoBytes) {

  /** No time limit, partitioned, and a quarter of the JVM's maximum heap for the memo. */
  public static final CheckOptions DEFAULT =
      new CheckOptions(null, true, Runtime.getRuntime().maxMemory() / 4);

  public CheckOptions {
    if (timeLimit != null && timeLimit.isNegative()) {
      throw new IllegalArgumentException("negative time limit " + timeLimit);
    }
    if (maxMemoBytes <= 0) {
      throw new IllegalArgumentException("maxMemoBytes must be positive");
    }
  }

  /** These options with {@code limit} as the time limit. */
  public CheckOptions withTimeLimit(Duration limit) {
    return new CheckOptions(Objects.requireNonNull(limit), partitioned, maxMemoBytes);
  }

  /** These options checking the whole history as one partition. */
  public CheckOptions unpartitioned() {
    return new CheckOptions(timeLimit, false, maxMemoBytes);
  }

  /** These options with {@code bytes} as the memo's memory estimate limit. */
  public CheckOptions withMaxMemoBytes(long bytes) {
    return new CheckOptions(timeLimit, partitioned, bytes);
  }
}
