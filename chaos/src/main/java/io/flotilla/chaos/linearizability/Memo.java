package io.flotilla.chaos.linearizability;

import java.util.Arrays;

/**
 * The set of (linearized operations, state) pairs a search has reached, as an open-addressing hash
 * table. Keys are compared exactly, bit sets and states both, so a hash collision costs time but
 * never a wrong answer. Memory is claimed from the check's {@link SearchLimits} in chunks.
 */
final class Memo {

  private static final long CHUNK = 1 << 20;
  /** Bytes per entry besides its bit set: table slots at half load, array header, the state. */
  private static final long ENTRY_OVERHEAD = 96;

  private final SearchLimits limits;
  private final long entryBytes;
  private long[] hashes = new long[1024];
  private long[][] sets = new long[1024][];
  private Object[] states = new Object[1024];
  private int size;
  private long reserved;
  private long used;
  private boolean full;

  Memo(SearchLimits limits, int words) {
    this.limits = limits;
    this.entryBytes = ENTRY_OVERHEAD + 8L * words;
  }

  /**
   * Adds the pair unless present.
   *
   * @param hash a well-mixed hash of both {@code set} and {@code state}
   * @return whether it was absent; once the memory limit is reached, always false
   */
  boolean add(long[] set, long hash, Object state) {
    int mask = sets.length - 1;
    int i = (int) hash & mask;
    while (sets[i] != null) {
      if (hashes[i] == hash && Arrays.equals(sets[i], set) && states[i].equals(state)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    used += entryBytes;
    if (used > reserved) {
      if (!limits.reserve(CHUNK)) {
        full = true;
        return false;
      }
      reserved += CHUNK;
    }
    hashes[i] = hash;
    sets[i] = set.clone();
    states[i] = state;
    if (++size * 2 > sets.length) {
      grow();
    }
    return true;
  }

  /** Whether an {@link #add} was refused for want of memory. */
  boolean full() {
    return full;
  }

  private void grow() {
    long[] oldHashes = hashes;
    long[][] oldSets = sets;
    Object[] oldStates = states;
    int capacity = oldSets.length * 2;
    hashes = new long[capacity];
    sets = new long[capacity][];
    states = new Object[capacity];
    int mask = capacity - 1;
    for (int j = 0; j < oldSets.length; j++) {
      if (oldSets[j] != null) {
        int i = (int) oldHashes[j] & mask;
        while (sets[i] != null) {
          i = (i + 1) & mask;
        }
        hashes[i] = oldHashes[j];
        sets[i] = oldSets[j];
        states[i] = oldStates[j];
      }
    }
  }
}
