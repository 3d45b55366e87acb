package io.flotilla.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The version of each key last seen by the clients of one run, for their compare-and-swap
 * transactions: a swap expects the key to be at this version.
 */
public final class CasVersions {
  private final AtomicLongArray versions;

  public CasVersions(int keys) {
    versions = new AtomicLongArray(keys);
  }

  long seen(int key) {
    return versions.get(key);
  }

  /**
   * A swap at {@code seen} was answered: it succeeded, and the key is one version further; or
   * another client got there first, and the key is at the version {@code current} gives (read
   * only then, from the transaction's failure branch).
   */
  void answered(int key, long seen, boolean swapped, LongSupplier current) {
    if (swapped) {
      versions.compareAndSet(key, seen, seen + 1);
    } else {
      versions.set(key, current.getAsLong());
    }
  }
}
