package io.flotilla.consensus.client;

import io.flotilla.consensus.proto.Event;
import java.util.List;

/**
 * Receives a watch's events: every committed event on the watched keys, once each, in
 * revision order, on the client's watch thread. A listener may call the client, but while it
 * runs the client's other watches wait.
 */
public interface WatchListener {
  void onEvents(List<Event> events);

  /**
   * The watch ended for good: its start revision was compacted ({@code COMPACTED}), the
   * request was refused ({@code INVALID_ARGUMENT}), or {@link #onEvents} threw ({@code
   * INTERNAL}, caused by what it threw).
   */
  default void onError(FleetException error) {}
}
