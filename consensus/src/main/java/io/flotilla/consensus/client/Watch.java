package io.flotilla.consensus.client;

import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.proto.WatchPollResponse;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running watch: long-polls the group's committed event history, resuming from the next
 * revision after every reply, so leader changes and lost replies neither skip nor repeat an
 * event. Close it to stop.
 *
 * <p>It ends by itself only through {@link WatchListener#onError}: when its start revision was
 * compacted, the request is invalid, or the listener threw (then {@code INTERNAL}, with the
 * listener's exception as the cause). {@link #nextRevision()} is then the first revision not
 * delivered, so a new watch from there misses nothing.
 */
public final class Watch implements AutoCloseable {
  private static final int POLL_WAIT_MILLIS = 1000;
  private static final int RETRY_MILLIS = 200;

  private final FleetClient client;
  private final WatchPollRequest template;
  private final WatchListener listener;
  private final ScheduledExecutorService timer;
  private volatile long nextRevision;
  private volatile boolean closed;

  Watch(FleetClient client, WatchPollRequest template, WatchListener listener,
      ScheduledExecutorService timer) {
    this.client = client;
    this.template = template;
    this.listener = listener;
    this.timer = timer;
    this.nextRevision = template.getFromRevision();
  }

  void start() {
    poll();
  }

  private void poll() {
    if (closed) {
      return;
    }
    WatchPollRequest request = template.toBuilder()
        .setFromRevision(nextRevision)
        .setWaitMillis(POLL_WAIT_MILLIS)
        .build();
    client.pollAsync(request)
        // Deliver on our own thread: a listener that calls the client must not block Ratis's.
        .whenCompleteAsync((reply, error) -> {
          if (closed) {
            return;
          }
          if (error != null) {
            FleetException f = FleetException.of(error);
            if (f.code() == FleetException.Code.COMPACTED
                || f.code() == FleetException.Code.INVALID_ARGUMENT) {
              closed = true;
              listener.onError(f);
              return;
            }
            timer.schedule(this::poll, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            return;
          }
          WatchPollResponse r = reply.getWatchPoll();
          if (r.getEventsCount() > 0) {
            try {
              listener.onEvents(r.getEventsList());
            } catch (RuntimeException e) {
              closed = true;
              listener.onError(new FleetException(FleetException.Code.INTERNAL,
                  "watch listener failed at revision " + nextRevision + ": " + e.getMessage(), e));
              return;
            }
          }
          nextRevision = r.getNextRevision();
          poll();
        }, timer);
  }

  /** The revision the next event delivered will be at least at. */
  public long nextRevision() {
    return nextRevision;
  }

  @Override
  public void close() {
    closed = true;
  }
}
