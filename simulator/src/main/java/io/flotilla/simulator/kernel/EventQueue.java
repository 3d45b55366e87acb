package io.flotilla.simulator.kernel;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, insertion sequence). Equal times keep the
 * order they were scheduled in, which makes the order of simultaneous events deterministic.
 */
final class EventQueue {
  private Event[] heap = new Event[1024];
  private int size;

  int size() {
    return size;
  }

  void add(Event e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = e;
  }

  /** Removes and returns the earliest event, or null when empty. */
  Event poll() {
    if (size == 0) {
      return null;
    }
    Event first = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      siftDown(last);
    }
    return first;
  }

  Event peek() {
    return size == 0 ? null : heap[0];
  }

  private void siftDown(Event e) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Event c = heap[child];
      int right = child + 1;
      if (right < size && before(heap[right], c)) {
        child = right;
        c = heap[child];
      }
      if (!before(c, e)) {
        break;
      }
      heap[i] = c;
      i = child;
    }
    heap[i] = e;
  }

  private static boolean before(Event a, Event b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
}
