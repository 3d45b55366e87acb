package io.flotilla.agent.limits;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Every client's {@link ClientState}, made on its first request. A client idle for
 * {@link #IDLE} that holds nothing (no watch, no lease, its bucket full) is forgotten by
 * {@link #evictIdle}, so the table holds only recent clients and those still holding something.
 */
final class ClientTable {
  static final Duration IDLE = Duration.ofMinutes(1);

  private final ConcurrentMap<String, ClientState> clients = new ConcurrentHashMap<>();
  private final ClientLimits limits;
  private final Rejections rejections;
  private final LongSupplier nanoClock;

  ClientTable(ClientLimits limits, Rejections rejections, LongSupplier nanoClock) {
    this.limits = limits;
    this.rejections = rejections;
    this.nanoClock = nanoClock;
  }

  ClientLimits limits() {
    return limits;
  }

  interface Use<T> {
    T apply(ClientState state, long nowNanos);
  }

  /** Runs {@code use} on the client's state, under its lock. */
  <T> T with(String client, Use<T> use) {
    long now = nanoClock.getAsLong();
    while (true) {
      ClientState s = clients.computeIfAbsent(client, c -> new ClientState(limits, now));
      synchronized (s) {
        // An evicted state is out of the table; the next turn makes a fresh one.
        if (!s.evicted) {
          return use.apply(s, now);
        }
      }
    }
  }

  /** Forgets clients that have made no request for {@link #IDLE} and hold nothing. */
  void evictIdle() {
    long now = nanoClock.getAsLong();
    clients.forEach((client, s) -> {
      synchronized (s) {
        if (now - s.lastRequest() >= IDLE.toNanos() && s.forgettable(now)) {
          s.evicted = true;
          clients.remove(client, s);
        }
      }
    });
  }

  /** Clients idle for {@link #IDLE} that still hold leases, perhaps long gone. */
  List<String> idleLeaseHolders() {
    long now = nanoClock.getAsLong();
    return clients.entrySet().stream().filter(e -> {
      synchronized (e.getValue()) {
        return now - e.getValue().lastRequest() >= IDLE.toNanos()
            && e.getValue().leaseCount() > 0;
      }
    }).map(Map.Entry::getKey).toList();
  }

  int size() {
    return clients.size();
  }

  /** Counts a refusal by {@code limit} and describes it in one line naming the limit. */
  Status refusal(String limit, String client, String what) {
    rejections.rejected(limit);
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "client-limits." + limit + " exceeded: client " + client + " " + what);
  }
}
