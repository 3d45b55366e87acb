package io.flotilla.chaos.linearizability;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The limits every partition's search of one check shares. */
final class SearchLimits {

  private final long deadline;
  private final long maxMemoBytes;
  private final AtomicLong memoBytes = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  SearchLimits(long deadline, long maxMemoBytes) {
    this.deadline = deadline;
    this.maxMemoBytes = maxMemoBytes;
  }

  boolean pastDeadline() {
    return System.nanoTime() - deadline > 0;
  }

  /** Stops every search still running: a partition is not linearizable, so the history is not. */
  void cancel() {
    cancelled.set(true);
  }

  boolean cancelled() {
    return cancelled.get();
  }

  /** Claims {@code bytes} more for a memo; false once the total would pass the limit. */
  boolean reserve(long bytes) {
    return memoBytes.addAndGet(bytes) <= maxMemoBytes;
  }
}
