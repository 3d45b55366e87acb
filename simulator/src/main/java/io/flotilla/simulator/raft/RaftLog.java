package io.flotilla.simulator.raft;

import io.flotilla.simulator.kernel.TraceHash;
import java.util.Arrays;

/**
 * A replica's log, indexed from 1. Alongside each entry it keeps a chain hash of the whole
 * prefix up to that entry, so two logs agree on a prefix exactly when their chain hashes at
 * its last index are equal: Raft's log matching property becomes an O(1) comparison.
 */
public final class RaftLog {
  private LogEntry[] entries = new LogEntry[64];
  private long[] chain = new long[64];
  private int last;
  private long[] configs = new long[4];
  private int configCount;

  public long lastIndex() {
    return last;
  }

  public long lastTerm() {
    return term(last);
  }

  /** The term of the entry at {@code index}; 0 for index 0. */
  public long term(long index) {
    return index == 0 ? 0 : entries[(int) index].term();
  }

  public LogEntry entry(long index) {
    if (index < 1 || index > last) {
      throw new IndexOutOfBoundsException("no entry " + index + " in a log of " + last);
    }
    return entries[(int) index];
  }

  /** The index of the last configuration entry in the log, or 0 if there is none. */
  public long lastConfigIndex() {
    return configCount == 0 ? 0 : configs[configCount - 1];
  }

  /** The index of the last configuration entry before {@code index}, or 0 if none. */
  public long configIndexBefore(long index) {
    for (int i = configCount - 1; i >= 0; i--) {
      if (configs[i] < index) {
        return configs[i];
      }
    }
    return 0;
  }

  /** The chain hash of entries 1..index; 0 for index 0. */
  public long chain(long index) {
    return index == 0 ? 0 : chain[(int) index];
  }

  /** Appends at {@code lastIndex() + 1}, returning the new chain hash. */
  long append(LogEntry e) {
    int i = last + 1;
    if (i == entries.length) {
      entries = Arrays.copyOf(entries, i * 2);
      chain = Arrays.copyOf(chain, i * 2);
    }
    entries[i] = e;
    chain[i] = TraceHash.mix(chain[i - 1], e.id());
    last = i;
    if (e.isConfiguration()) {
      if (configCount == configs.length) {
        configs = Arrays.copyOf(configs, configCount * 2);
      }
      configs[configCount++] = i;
    }
    return chain[i];
  }

  /** Drops every entry from {@code index} on. */
  void truncateFrom(long index) {
    for (int i = (int) index; i <= last; i++) {
      entries[i] = null;
    }
    last = (int) index - 1;
    while (configCount > 0 && configs[configCount - 1] >= index) {
      configCount--;
    }
  }

  /** Entries {@code from..from+max-1} that exist, for an append message. */
  LogEntry[] slice(long from, int max) {
    int n = (int) Math.max(0, Math.min(max, last - from + 1));
    return n == 0 ? NONE : Arrays.copyOfRange(entries, (int) from, (int) from + n);
  }

  static final LogEntry[] NONE = new LogEntry[0];
}
