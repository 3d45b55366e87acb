package io.flotilla.consensus.kv;

import io.flotilla.consensus.proto.GroupRules;

/**
 * Bounds on what the fleet state machine accepts, as a member is configured. All but the watch
 * history are part of the group's rules ({@link GroupRules}): a leader checks proposals by its
 * own limits, and replicas apply by the rules the log last set, so members configured
 * differently never diverge.
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

  /** These limits as group rules, with the given signature policy. */
  public GroupRules rules(boolean requireSignatures) {
    return GroupRules.newBuilder()
        .setMaxKeyBytes(maxKeyBytes)
        .setMaxValueBytes(maxValueBytes)
        .setMaxTxnOps(maxTxnOps)
        .setMinLeaseTtlMillis(minLeaseTtlMillis)
        .setMaxLeaseTtlMillis(maxLeaseTtlMillis)
        .setRequireSignatures(requireSignatures)
        .build();
  }

  /**
   * The limits a group's rules set, with this member's own watch history.
   *
   * @throws IllegalArgumentException when the rules are out of range
   */
  public Limits withRules(GroupRules rules) {
    return new Limits(boundedInt(rules.getMaxKeyBytes()), boundedInt(rules.getMaxValueBytes()),
        boundedInt(rules.getMaxTxnOps()), rules.getMinLeaseTtlMillis(),
        rules.getMaxLeaseTtlMillis(), watchHistory);
  }

  private static int boundedInt(int unsigned) {
    if (unsigned < 0) {
      throw new IllegalArgumentException("limit " + Integer.toUnsignedString(unsigned)
          + " is over " + Integer.MAX_VALUE);
    }
    return unsigned;
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
