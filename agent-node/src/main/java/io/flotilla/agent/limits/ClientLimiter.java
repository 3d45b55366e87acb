package io.flotilla.agent.limits;

import io.grpc.ServerInterceptor;
import java.util.function.LongSupplier;

/**
 * The node's per-client limits ({@link ClientLimits}) and the one table of clients they share.
 * Call {@link #sweep} now and then: it forgets idle clients, so the table stays as small as the
 * set of recent clients and those holding watches or leases.
 */
public final class ClientLimiter {
  private final ClientTable clients;
  private final RateLimit rateLimit;
  private final WatchQuota watches;
  private final LeaseQuota leases;

  /** @param nanoClock the time the limits count on, in nanoseconds: {@link System#nanoTime} */
  public ClientLimiter(ClientLimits limits, LongSupplier nanoClock, Rejections rejections,
      LeaseQuota.LiveLeases live) {
    this.clients = new ClientTable(limits, rejections, nanoClock);
    this.rateLimit = new RateLimit(clients);
    this.watches = new WatchQuota(clients);
    this.leases = new LeaseQuota(clients, live);
  }

  /** Holds every call to the request rate; must run after the caller is named. */
  public ServerInterceptor rateLimit() {
    return rateLimit;
  }

  public WatchQuota watches() {
    return watches;
  }

  public LeaseQuota leases() {
    return leases;
  }

  /** Forgets idle clients, and the ended leases of idle clients that still count some. */
  public void sweep() {
    leases.pruneIdle();
    clients.evictIdle();
  }
}
