package io.flotilla.agent.limits;

import io.grpc.Status;

/**
 * Holds each client to {@code client-limits.watches}. Every {@link #acquire} that succeeds
 * must be matched by one {@link #release} when the watch ends, however it ends.
 */
public final class WatchQuota {
  private final ClientTable clients;

  WatchQuota(ClientTable clients) {
    this.clients = clients;
  }

  /** Takes one of the client's watches: null when it may watch, else the refusal. */
  public Status acquire(String client) {
    int limit = clients.limits().watches();
    return clients.with(client, (s, now) -> s.takeWatch(limit) ? null
        : clients.refusal("watches", client, "holds " + limit
            + " watches on this node; cancel one first"));
  }

  public void release(String client) {
    clients.with(client, (s, now) -> {
      s.releaseWatch();
      return null;
    });
  }
}
