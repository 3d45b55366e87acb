package io.flotilla.agent.forward;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
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
 *
 * <p>A route whose target refuses a batch for what it holds ({@code INVALID_ARGUMENT}: a key
 * that its prefix makes longer than the target's rules allow, say) is <em>stuck</em>: no retry
 * can move it until the source or the target's rules change. It is logged as an error once,
 * reported with the reason ({@link #routes}, in the node's status and metrics), and tried again
 * every second, so it resumes by itself when the cause goes; the other route goes on.
 */
public final class ForwardingLoop implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardingLoop.class);
  private static final Duration BACKOFF = Duration.ofSeconds(1);

  private final String squad;
  private final FleetServer server;
  private final Forwarding forwarding;
  private final List<RouteRun> routes = new ArrayList<>();
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
    String council = forwarding.council().name();
    if (forwarding.up() != null) {
      routes.add(new RouteRun(new Forwarder(Route.up(squad, forwarding.up()), squadClient,
          councilClient, forwarding.batch(), Duration.ZERO), squad, council));
    }
    if (forwarding.down() != null) {
      routes.add(new RouteRun(new Forwarder(Route.down(council, forwarding.down()),
          councilClient, squadClient, forwarding.batch(), Duration.ZERO), council, squad));
    }
    this.thread = new Thread(this::run, "flotilla-forward-" + squad);
    thread.setDaemon(true);
  }

  public ForwardingLoop start() {
    thread.start();
    return this;
  }

  /** The squad whose routes this loop runs. */
  public String squad() {
    return squad;
  }

  /** Changes applied in their targets so far, both routes together. */
  public long forwarded() {
    return routes.stream().mapToLong(r -> r.copied.get()).sum();
  }

  /** Route rounds that failed because a group could not be reached or refused a batch. */
  public long failures() {
    return failures.get();
  }

  /** Each route as it stands, up before down. */
  public List<RouteState> routes() {
    return routes.stream().map(RouteRun::state).toList();
  }

  /** How many routes are stuck now. */
  public int stuck() {
    return (int) routes.stream().filter(r -> r.stuck != null).count();
  }

  /**
   * A route as it stands.
   *
   * @param stuck why the route's target refuses what it must forward next; null while it is not
   * @param behindMillis how long since the route's last round that copied all there was; 0 when
   *     its last round did
   */
  public record RouteState(String name, String from, String to, long forwarded, String stuck,
      long behindMillis) {}

  private void run() {
    while (!closed) {
      Duration pause = forwarding.delay();
      try {
        if (server.status(squad).isLeader()) {
          for (RouteRun r : routes) {
            if (!closed && !r.runOnce()) {
              pause = BACKOFF;
            }
          }
        } else {
          routes.forEach(RouteRun::stopLeading);
        }
      } catch (IOException e) {
        // This node's own replica of the squad is gone (a removal or a shutdown).
        pause = BACKOFF;
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One route's forwarder and what its last round met. */
  private final class RouteRun {
    final Forwarder forwarder;
    final String from;
    final String to;
    final AtomicLong copied = new AtomicLong();
    volatile String stuck;
    String waiting;
    /** When the last round that caught up ended; -1 before this node's first while it leads. */
    long caughtUpNanos = -1;
    /** Since when changes have waited on the route: -1 while its last round caught up. */
    volatile long behindSinceNanos = -1;

    RouteRun(Forwarder forwarder, String from, String to) {
      this.forwarder = forwarder;
      this.from = from;
      this.to = to;
    }

    /** This node no longer runs the route: what it last measured says nothing of the next leader. */
    void stopLeading() {
      caughtUpNanos = -1;
      behindSinceNanos = -1;
    }

    /** Forwards until caught up; false when a group could not be reached or refused a batch. */
    boolean runOnce() {
      String route = forwarder.route().name();
      try {
        for (int n; !closed && (n = forwarder.forwardOnce()) > 0; ) {
          copied.addAndGet(n);
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        // Anything but a group's answer (a cursor this forwarder cannot read) is stuck too.
        if (!(e instanceof FleetException f) || f.code() == FleetException.Code.INVALID_ARGUMENT) {
          if (stuck == null) {
            LOG.error("group {}: forwarding {} from {} to {} is stuck: {} refuses what comes "
                + "next: {}", squad, route, from, to, to, e.getMessage());
          }
          stuck = e.getMessage();
        } else if (waiting == null) {
          waiting = e.getMessage();
          LOG.warn("group {}: forwarding {} from {} to {} waits: {}", squad, route, from, to,
              waiting);
        }
        if (behindSinceNanos < 0) {
          behindSinceNanos = caughtUpNanos >= 0 ? caughtUpNanos : System.nanoTime();
        }
        return false;
      }
      caughtUpNanos = System.nanoTime();
      behindSinceNanos = -1;
      if (stuck != null || waiting != null) {
        LOG.info("group {}: forwarding {} from {} to {} resumed", squad, route, from, to);
        stuck = null;
        waiting = null;
      }
      return true;
    }

    RouteState state() {
      long since = behindSinceNanos;
      long behindMillis = since < 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
      return new RouteState(forwarder.route().name(), from, to, copied.get(), stuck, behindMillis);
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
