package io.flotilla.consensus.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.CommandReply;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.ratis.RatisBytes;
import io.flotilla.consensus.server.LocalFleet;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.api.AsyncApi;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write is applied at most once however its client is renewed. When one request of a Ratis
 * client's ordered window runs out of retries, Ratis fails every later unreplied request of the
 * window with {@link AlreadyClosedException} ({@code SlidingWindow.Client.fail}), requests that
 * were already sent and committed among them. The client sends such a request again on a new
 * Ratis client, with a new Ratis client id, so Ratis's retry cache cannot tell it is the same.
 *
 * <p>The first Ratis client here is real but for one edge: its first request is sent and
 * committed, and then reported failed with {@code AlreadyClosedException}, as Ratis reports it.
 */
class RenewedClientAppliesOnceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void aCommittedWriteReportedClosedIsNotAppliedAgainOverALaterWrite() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient other = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      AtomicBoolean first = new AtomicBoolean(true);
      // Between the commit of v1 and its failure, another client's write of v2 is acknowledged.
      Runnable afterCommit = () -> other.put("mission", "v2");
      try (RenewingRaftClient raft = new RenewingRaftClient(
          leader -> first.getAndSet(false)
              ? closedAfterCommit(ratisClient(fleet), afterCommit) : ratisClient(fleet),
          timer, WAIT)) {
        RaftClientReply reply = new Proposer(raft, null).propose(put("mission", "v1"))
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(reply.isSuccess()).isTrue();
        assertThat(CommandReply.parseFrom(RatisBytes.content(reply.getMessage())).hasPut())
            .as("the reply to the write sent again is a put's").isTrue();
        KeyValue now = other.get("mission").orElseThrow();
        assertThat(now.getValue().toStringUtf8())
            .as("the acknowledged later write is not overwritten").isEqualTo("v2");
        assertThat(now.getVersion()).as("puts applied to the key").isEqualTo(2);
      }
    }
  }

  private static Command put(String key, String value) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
  }

  private static RaftClient ratisClient(LocalFleet fleet) {
    return RaftClient.newBuilder().setProperties(new RaftProperties())
        .setRaftGroup(fleet.group().toRatis()).build();
  }

  /**
   * {@code real}, but its first async send is committed, then {@code afterCommit} runs, and then
   * the send fails with {@link AlreadyClosedException}.
   */
  private static RaftClient closedAfterCommit(RaftClient real, Runnable afterCommit) {
    AtomicBoolean failNext = new AtomicBoolean(true);
    AsyncApi async = (AsyncApi) Proxy.newProxyInstance(AsyncApi.class.getClassLoader(),
        new Class<?>[] {AsyncApi.class}, (proxy, method, args) -> {
          Object result = invoke(method, real.async(), args);
          if (method.getName().equals("send") && args.length == 1 && args[0] instanceof Message
              && failNext.getAndSet(false)) {
            return ((CompletableFuture<?>) result).thenComposeAsync(committed -> {
              afterCommit.run();
              return CompletableFuture.failedFuture(
                  new AlreadyClosedException("the window was closed"));
            });
          }
          return result;
        });
    return (RaftClient) Proxy.newProxyInstance(RaftClient.class.getClassLoader(),
        new Class<?>[] {RaftClient.class}, (proxy, method, args) ->
            method.getName().equals("async") ? async : invoke(method, real, args));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
