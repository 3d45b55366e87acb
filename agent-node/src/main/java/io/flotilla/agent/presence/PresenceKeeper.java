package io.flotilla.agent.presence;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.proto.PutRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this agent's {@link Presence} in each group that manages its voters: a key on a lease
 * that each {@link #tick} renews, rewritten when the agent reports new health. If the node
 * stops or loses its group for longer than the lease's time to live, the key goes and the
 * group's leader knows the agent is absent. Ticks run on one thread; reports and {@link #close} may come
 * from any.
 */
public final class PresenceKeeper {
  /** How long a presence outlives its node's last renewal. */
  public static final Duration TTL = Duration.ofSeconds(9);
  /**
   * How often a node renews its presence: each renewal is a write to the group, so a squad of
   * ten pays about three a second; two renewals may be lost before the presence goes.
   */
  public static final Duration RENEW = TTL.dividedBy(3);
  /**
   * How long a group that refused this agent's presence (an agent not yet enrolled where
   * proposals are signed) is left alone: each refusal is counted as a possible attack.
   */
  static final Duration AFTER_REFUSAL = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(PresenceKeeper.class);

  private final String agentId;
  private final Map<String, FleetClient> groups;
  private final Map<String, Long> leases = new ConcurrentHashMap<>();
  private final Map<String, Presence> written = new ConcurrentHashMap<>();
  private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();
  private final Executor publisher;
  private volatile Presence presence;
  private volatile boolean closed;

  /**
   * @param publisher where a reported change of health is written at once (the thread that
   *     calls {@link #tick}, so writes to a group never overlap)
   */
  public PresenceKeeper(String agentId, Map<String, FleetClient> groups, Presence initial,
      Executor publisher) {
    this.agentId = agentId;
    this.groups = Map.copyOf(groups);
    this.presence = initial;
    this.publisher = publisher;
  }

  public Presence presence() {
    return presence;
  }

  /**
   * Takes the health the agent's software reports and writes it at once if it changed. Written
   * only at the next renewal, a value reported as it crosses back over a threshold could stay
   * on the wrong side for a whole renewal period, long enough for the leader's grace to run out
   * on a battery that merely hovers around its bound.
   */
  public void report(int battery, double link) {
    Presence before = presence;
    presence = before.withHealth(battery, link);
    if (!presence.equals(before) && !closed) {
      try {
        publisher.execute(this::tick);
      } catch (RejectedExecutionException stopping) {
        // The node is stopping; its presence is being withdrawn anyway.
      }
    }
  }

  /** Renews the lease in every group, writing the presence where it is new or changed. */
  public void tick() {
    groups.forEach((group, client) -> {
      Long refused = refusedUntil.get(group);
      if (closed || (refused != null && System.nanoTime() - refused < 0)) {
        return;
      }
      try {
        renew(group, client);
      } catch (RuntimeException e) {
        leases.remove(group);
        if (e instanceof FleetException f && f.code() == FleetException.Code.PERMISSION_DENIED) {
          refusedUntil.put(group, System.nanoTime() + AFTER_REFUSAL.toNanos());
          LOG.warn("group {}: presence refused, trying again in {} s: {}", group,
              AFTER_REFUSAL.toSeconds(), e.getMessage());
        } else {
          LOG.debug("group {}: presence not renewed ({})", group, e.getMessage());
        }
      }
    });
  }

  private void renew(String group, FleetClient client) {
    Long lease = leases.get(group);
    if (lease != null && client.keepAlive(lease).getTtlMillis() <= 0) {
      lease = null;
    }
    if (lease == null) {
      lease = client.grantLease(TTL).getId();
      leases.put(group, lease);
      written.remove(group);
    }
    Presence now = presence;
    if (!now.equals(written.get(group))) {
      client.put(PutRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8(Presence.key(agentId)))
          .setValue(ByteString.copyFromUtf8(now.toJson()))
          .setLease(lease)
          .build());
      written.put(group, now);
    }
  }

  /**
   * Withdraws the presence from every group at once: a graceful stop is not a failure. Waits
   * at most {@code wait}: a group without a quorum lets the lease expire instead.
   */
  public void close(Duration wait) {
    closed = true;
    CompletableFuture<?>[] revokes = leases.entrySet().stream()
        .map(e -> groups.get(e.getKey()).revokeLeaseAsync(e.getValue()))
        .toArray(CompletableFuture[]::new);
    leases.clear();
    try {
      CompletableFuture.allOf(revokes).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("presence not withdrawn from every group ({}); its lease will expire",
          e.getMessage());
    }
  }
}
