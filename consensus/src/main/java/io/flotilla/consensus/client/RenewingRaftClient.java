package io.flotilla.consensus.client;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.client.api.AsyncApi;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;

/**
 * A group's Ratis client, replaced when Ratis has given up on it. Ratis keeps each client's
 * async requests in one ordered window, and once a request in it runs out of retries (an outage
 * longer than a call's deadline) it fails that request and every later one on the window for
 * good. Without a new client, an agent would refuse every write after its first long outage.
 *
 * <p>A request failed with {@link AlreadyClosedException} is sent again, once, on the new client.
 * It may well have left this process, and even have been committed: Ratis fails every unreplied
 * request behind the one that ran out of retries that way ({@code SlidingWindow.Client.fail}).
 * Sending it again is safe only because every request carries its number in the client's
 * session ({@link Proposer}), by which the group applies it at most once. The new client starts
 * at the server the old one last took for the leader: Ratis would otherwise start it at the
 * leader it cached for the group, which after a failover may be the dead one, and every new
 * client would wait out its first attempt there. The old client is closed after {@code grace},
 * when every call it still carries has passed its deadline.
 */
final class RenewingRaftClient implements AutoCloseable {
  /** A new client, given the server to try first (null: Ratis's own guess). */
  private final Function<RaftPeerId, RaftClient> factory;
  private final ScheduledExecutorService timer;
  private final Duration grace;
  private volatile RaftClient current;
  /** Replaced clients not closed yet, so that closing this one closes them too. */
  private final Set<RaftClient> retired = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  RenewingRaftClient(Function<RaftPeerId, RaftClient> factory,
      ScheduledExecutorService timer, Duration grace) {
    this.factory = factory;
    this.timer = timer;
    this.grace = grace;
    this.current = factory.apply(null);
  }

  /** The client to use now; for calls outside the ordered window (admin, group info). */
  RaftClient get() {
    return current;
  }

  /** Sends an async request, on a new client when Ratis has given up on the current one. */
  CompletableFuture<RaftClientReply> send(
      Function<AsyncApi, CompletableFuture<RaftClientReply>> request) {
    RaftClient used = current;
    return request.apply(used.async()).exceptionallyCompose(error -> {
      if (!givenUp(error)) {
        return CompletableFuture.failedFuture(error);
      }
      RaftClient fresh = renew(used);
      return has(error, AlreadyClosedException.class) && fresh != null
          ? request.apply(fresh.async()) : CompletableFuture.failedFuture(error);
    });
  }

  /** Whether Ratis failed the client's window: it refuses every later request on it. */
  private static boolean givenUp(Throwable error) {
    return has(error, RaftRetryFailureException.class) || has(error, AlreadyClosedException.class);
  }

  /** Whether {@code error} or one of its causes is a {@code type}. */
  static boolean has(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Replaces {@code used} unless another call already did; null once closed. */
  private RaftClient renew(RaftClient used) {
    synchronized (this) {
      if (closed) {
        return null;
      }
      if (current != used) {
        return current;
      }
      current = factory.apply(used.getLeaderId());
      retired.add(used);
    }
    timer.schedule(() -> {
      if (retired.remove(used)) {
        closeQuietly(used);
      }
    }, grace.toMillis(), TimeUnit.MILLISECONDS);
    return current;
  }

  private static void closeQuietly(RaftClient client) {
    try {
      client.close();
    } catch (IOException | RuntimeException ignored) {
      // Its calls are over; a failure to release its channels changes nothing for the caller.
    }
  }

  @Override
  public void close() throws IOException {
    RaftClient last;
    synchronized (this) {
      closed = true;
      last = current;
    }
    for (RaftClient old : retired) {
      if (retired.remove(old)) {
        closeQuietly(old);
      }
    }
    last.close();
  }
}
