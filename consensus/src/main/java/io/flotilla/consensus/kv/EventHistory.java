package io.flotilla.consensus.kv;

import io.flotilla.consensus.proto.Error;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.proto.WatchPollResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The most recent committed events, for watches. Keeps whole revisions only: when the oldest
 * event is dropped, the rest of its revision goes too, so every revision after
 * {@link #compactRevision()} is complete. Not thread-safe: its owner locks.
 */
final class EventHistory {
  private final int capacity;
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private long compactRevision;

  EventHistory(int capacity) {
    this.capacity = capacity;
  }

  void append(Event event) {
    events.addLast(event);
    while (events.size() > capacity) {
      long dropped = revisionOf(events.removeFirst());
      while (!events.isEmpty() && revisionOf(events.peekFirst()) == dropped) {
        events.removeFirst();
      }
      compactRevision = dropped;
    }
  }

  /** Forgets every event: the state now starts at {@code revision} (after a snapshot load). */
  void reset(long revision) {
    events.clear();
    compactRevision = revision;
  }

  long compactRevision() {
    return compactRevision;
  }

  /**
   * The matching events from the request's revision on, never splitting a revision, or
   * {@code COMPACTED} when that revision is no longer kept.
   *
   * @param currentRevision the store's revision: a poll from 0 starts after it
   */
  PollResult poll(WatchPollRequest request, long currentRevision) {
    long from = request.getFromRevision() == 0 ? currentRevision + 1 : request.getFromRevision();
    if (from <= compactRevision) {
      return PollResult.error(Error.newBuilder()
          .setCode(Error.Code.COMPACTED)
          .setMessage("revision " + from + " is compacted; the oldest watchable revision is "
              + (compactRevision + 1))
          .build());
    }
    List<Event> newer = new ArrayList<>();
    for (Iterator<Event> it = events.descendingIterator(); it.hasNext(); ) {
      Event e = it.next();
      if (revisionOf(e) < from) {
        break;
      }
      newer.add(e);
    }
    Collections.reverse(newer);
    int max = request.getMaxEvents() <= 0 ? Integer.MAX_VALUE : request.getMaxEvents();
    WatchPollResponse.Builder reply = WatchPollResponse.newBuilder()
        .setCompactRevision(compactRevision)
        .setNextRevision(Math.max(from, currentRevision + 1));
    long lastRevision = -1;
    for (Event e : newer) {
      long revision = revisionOf(e);
      if (reply.getEventsCount() >= max && revision != lastRevision) {
        reply.setNextRevision(lastRevision + 1);
        break;
      }
      if (KeyValueStore.matches(e.getKv().getKey(), request.getKey(), request.getPrefix())) {
        reply.addEvents(e);
        lastRevision = revision;
      }
    }
    return PollResult.ok(reply.build());
  }

  static long revisionOf(Event e) {
    return e.getKv().getModRevision();
  }

  record PollResult(WatchPollResponse response, Error error) {
    static PollResult ok(WatchPollResponse response) {
      return new PollResult(response, null);
    }

    static PollResult error(Error error) {
      return new PollResult(null, error);
    }
  }
}
