package io.flotilla.cli.bench;

import io.flotilla.consensus.ratis.RatisBytes;
import io.flotilla.consensus.group.FleetGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * A benchmark client of the baseline group: one plain async {@link RaftClient} (20 attempts
 * 100 ms apart, which matter only while the group has no leader). Writes carry the key and value a
 * fleet's put would, so log entries are of comparable size; puts and transactions are both one
 * increment, reads are the Ratis read of the matching consistency.
 */
public final class RatisLoadClient implements LoadClient {
  /** Where outcomes run, as gRPC's default executor runs an agent client's callbacks. */
  private static final Executor OUTCOMES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "flotilla-bench-ratis-outcome");
    t.setDaemon(true);
    return t;
  });

  private final RaftClient raft;
  private final RaftPeerId home;
  private final KeySpace keys;
  private final long timeoutMillis;

  /**
   * @param home the member that answers this client's stale reads
   * @param attemptTimeout how long one attempt may wait for a server
   * @param inFlight requests this client keeps outstanding
   */
  public RatisLoadClient(FleetGroup group, String home, KeySpace keys, Duration timeout,
      Duration attemptTimeout, int inFlight) {
    RaftProperties props = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(props,
        TimeDuration.valueOf(attemptTimeout.toMillis(), TimeUnit.MILLISECONDS));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(props, Math.max(100, inFlight));
    this.raft = RaftClient.newBuilder()
        .setProperties(props)
        .setRaftGroup(group.toRatis())
        .setClientId(ClientId.randomId())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20,
            TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
    this.home = RaftPeerId.valueOf(home);
    this.keys = keys;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public void send(Operation op, int key, Outcome outcome) {
    CompletableFuture<RaftClientReply> reply = switch (op) {
      case PUT, TXN -> raft.async().send(
          RatisBytes.message(keys.key(key).concat(keys.value())));
      case GET -> raft.async().sendReadOnly(RatisBytes.message(keys.key(key)));
      case LOCAL_GET -> raft.async().sendReadOnlyNonLinearizable(RatisBytes.message(keys.key(key)));
      case STALE_GET -> raft.async().sendStaleRead(RatisBytes.message(keys.key(key)), 0, home);
    };
    // Outcomes start the next request, so they run off Ratis's threads: Ratis completes a reply
    // while holding its window's lock, and a request sent from there to another window (a stale
    // read's, say) while another thread does the reverse deadlocks the two.
    reply.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenCompleteAsync((r, error) -> {
      if (error != null) {
        outcome.failed(error);
      } else if (!r.isSuccess()) {
        outcome.failed(r.getException());
      } else {
        outcome.succeeded();
      }
    }, OUTCOMES);
  }

  @Override
  public void close() {
    try {
      raft.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
