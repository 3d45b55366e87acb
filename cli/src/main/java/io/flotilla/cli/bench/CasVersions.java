package io.flotilla.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;

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

  /** The swap at {@code seen} succeeded: the key is one version further. */
  void swapped(int key, long seen) {
    versions.compareAndSet(key, seen, seen + 1);
  }

  /** The compare failed: another client got there first; the key is at {@code current}. */
  void learned(int key, long current) {
    versions.set(key, current);
  }
}
