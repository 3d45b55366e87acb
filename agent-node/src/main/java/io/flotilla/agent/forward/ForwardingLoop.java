package io.flotilla.agent.forward;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.forward.Forwarder;
import io.flotilla.consensus.forward.Route;
import io.flotilla.consensus.server.FleetServer;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a squad's {@link Forwarding} while this node leads the squad, on a thread of its own:
 * every {@code delay}, each route forwards what gathered, in batches, until it has caught up.
 * A council that cannot be reached only delays the routes (the squad goes on committing); the
 * cursors in the targets make every change arrive once however leadership moves.
 */
public final class ForwardingLoop implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardingLoop.class);
  private static final Duration BACKOFF = Duration.ofSeconds(1);

  private final String squad;
  private final FleetServer server;
  private final Forwarding forwarding;
  private final List<Forwarder> forwarders = new ArrayList<>();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param squadClient the node's client of the squad
   * @param councilClient the node's client of the council, the one it signs all its council
   *     proposals through (the loop does not close it)
   */
  public ForwardingLoop(String squad, FleetServer server, Forwarding forwarding,
      FleetClient squadClient, FleetClient councilClient) {
    this.squad = squad;
    this.server = server;
    this.forwarding = forwarding;
    if (forwarding.up() != null) {
      forwarders.add(new Forwarder(Route.up(squad, forwarding.up()), squadClient, councilClient,
          forwarding.batch(), Duration.ZERO));
    }
    if (forwarding.down() != null) {
      forwarders.add(new Forwarder(Route.down(forwarding.council().name(), forwarding.down()),
          councilClient, squadClient, forwarding.batch(), Duration.ZERO));
    }
    this.thread = new Thread(this::run, "flotilla-forward-" + squad);
    thread.setDaemon(true);
  }

  public ForwardingLoop start() {
    thread.start();
    return this;
  }

  /** Changes applied in their targets so far, both routes together. */
  public long forwarded() {
    return forwarded.get();
  }

  /** Rounds that failed because a group could not be reached or refused a batch. */
  public long failures() {
    return failures.get();
  }

  private void run() {
    String failing = null;
    while (!closed) {
      Duration pause = forwarding.delay();
      try {
        if (server.status(squad).isLeader()) {
          for (Forwarder f : forwarders) {
            for (int n; !closed && (n = f.forwardOnce()) > 0; ) {
              forwarded.addAndGet(n);
            }
          }
        }
        if (failing != null) {
          LOG.info("group {}: forwarding to and from {} resumed", squad,
              forwarding.council().name());
          failing = null;
        }
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        if (failing == null) {
          failing = e.getMessage();
          LOG.warn("group {}: forwarding to and from {} waits: {}", squad,
              forwarding.council().name(), failing);
        }
        pause = BACKOFF;
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
