package io.flotilla.chaos.linearizability;

import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * The set of (linearized operations, state) pairs a search has reached, as an open-addressing hash
 * table. Keys are compared exactly, bit sets and states both, so a hash collision costs time but
 * never a wrong answer. Memory is claimed from the check's {@link SearchLimits} in chunks.
 */
final class Memo {

  private static final long CHUNK = 1 << 20;
  /**
   * Bytes per entry besides its bit set and state: up to four table slots (the table is a
   * quarter to half full) of a hash and two references, and the bit set's array header.
   */
  private static final long ENTRY_OVERHEAD = 4 * 16 + 16;

  private final SearchLimits limits;
  private final long entryBytes;
  private final ToLongFunction<Object> stateBytes;
  private long[] hashes = new long[1024];
  private long[][] sets = new long[1024][];
  private Object[] states = new Object[1024];
  private int size;
  private long reserved;
  private long used;
  private boolean full;

  Memo(SearchLimits limits, int words, ToLongFunction<Object> stateBytes) {
    this.limits = limits;
    this.entryBytes = ENTRY_OVERHEAD + 8L * words;
    this.stateBytes = stateBytes;
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
    used += entryBytes + stateBytes.applyAsLong(state);
    while (used > reserved) {
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
