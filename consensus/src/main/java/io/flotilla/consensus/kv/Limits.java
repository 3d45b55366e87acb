package io.flotilla.consensus.kv;

/**
 * Bounds on what the fleet state machine accepts. Every replica of a group must use the same
 * limits: they take part in deciding whether a committed command applies.
 *
 * @param maxKeyBytes longest key
 * @param maxValueBytes longest value
 * @param maxTxnOps most compares, or most operations in one branch, of a transaction
 * @param minLeaseTtlMillis shortest lease; shorter than a few election timeouts makes leases
 *     expire during an ordinary leader change
 * @param maxLeaseTtlMillis longest lease
 * @param watchHistory how many events are kept for watches; a watch that starts before the
 *     oldest kept event gets {@code COMPACTED}
 */
public record Limits(
    int maxKeyBytes,
    int maxValueBytes,
    int maxTxnOps,
    long minLeaseTtlMillis,
    long maxLeaseTtlMillis,
    int watchHistory) {

  public static final Limits DEFAULT = new Limits(4096, 1 << 20, 128, 1000, 86_400_000L, 10_000);

  public Limits {
    if (maxKeyBytes <= 0 || maxValueBytes < 0 || maxTxnOps <= 0 || watchHistory <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (minLeaseTtlMillis <= 0 || maxLeaseTtlMillis < minLeaseTtlMillis) {
      throw new IllegalArgumentException("lease TTL bounds must satisfy 0 < min <= max");
    }
  }

  public Limits withMaxValueBytes(int bytes) {
    return new Limits(maxKeyBytes, bytes, maxTxnOps, minLeaseTtlMillis, maxLeaseTtlMillis,
        watchHistory);
  }

  public Limits withMinLeaseTtlMillis(long millis) {
    return new Limits(maxKeyBytes, maxValueBytes, maxTxnOps, millis, maxLeaseTtlMillis,
        watchHistory);
  }

  public Limits withWatchHistory(int events) {
    return new Limits(maxKeyBytes, maxValueBytes, maxTxnOps, minLeaseTtlMillis,
        maxLeaseTtlMillis, events);
  }
}
