package io.flotilla.agent.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.api.ElectionCall;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.WatchCall;
import io.flotilla.agent.api.WatchCreate;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.api.WatchReply;
import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client-limits} on a real agent node. Each test calls from addresses of its own
 * (127.0.0.x are all this machine), so that each is a client of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLimitsTest {
  @TempDir static Path dir;
  private InProcessAgents fleet;
  /** The node's client limits count time on this clock; only the tests move it. */
  private final AtomicLong now = new AtomicLong();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    fleet = new InProcessAgents(dir, 1,
        "limits: {min-lease-ttl-ms: 200}\n"
            + "client-limits: {requests-per-second: 20, burst: 10, watches: 2, leases: 2}\n",
        now::get);
    await().atMost(Duration.ofSeconds(30)).until(() -> fleet.settledLeaderIndex() >= 0);
  }

  @AfterAll
  void stop() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    fleet.close();
  }

  /** A channel to the node whose connections come from {@code localAddress}. */
  private ManagedChannel from(String localAddress) {
    ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", fleet.apiPort(0))
        .usePlaintext()
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public SocketAddress createSocketAddress(SocketAddress remote, Attributes attrs) {
            return new InetSocketAddress(localAddress, 0);
          }
        })
        .build();
    channels.add(c);
    return c;
  }

  private static void assertRefused(Runnable call, String limit) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).startsWith("client-limits." + limit + " exceeded");
    });
  }

  @Test
  void aClientOverItsRateIsRefusedUntilItsBucketRefills() throws Exception {
    var status = StatusGrpc.newBlockingStub(from("127.0.0.3"))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    for (int i = 0; i < 10; i++) {
      assertThat(status.status(StatusCall.getDefaultInstance()).getNodeId()).isEqualTo("n1");
    }
    assertThatThrownBy(() -> status.status(StatusCall.getDefaultInstance()))
        .as("the 11th call while the clock stands still")
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo(
              "client-limits.requests-per-second exceeded: client 127.0.0.3 made more than 20 "
                  + "requests per second (burst 10); slow down and retry");
        });
    var other = StatusGrpc.newBlockingStub(from("127.0.0.4")).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThat(other.status(StatusCall.getDefaultInstance()).getNodeId()).isEqualTo("n1");

    now.addAndGet(Duration.ofMillis(100).toNanos()); // two tokens at 20 a second
    assertThat(status.status(StatusCall.getDefaultInstance()).getNodeId()).isEqualTo("n1");
    assertThat(status.status(StatusCall.getDefaultInstance()).getNodeId()).isEqualTo("n1");
    assertRefused(() -> status.status(StatusCall.getDefaultInstance()), "requests-per-second");
    assertThat(rejections("requests-per-second")).isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void aStreamOverTheRateEndsAndGivesBackItsWatches() throws Exception {
    ManagedChannel channel = from("127.0.0.5");
    Stream stream = new Stream(channel);
    stream.create("rate/a");
    stream.create("rate/b");
    assertThat(stream.next().getCreated()).isTrue();
    assertThat(stream.next().getCreated()).isTrue();
    // The call took one token, its first message none, the second one: eight are left.
    for (int i = 0; i < 15; i++) {
      stream.send(WatchCall.newBuilder().setCancelWatchId(1000 + i).build());
    }
    Throwable ended = stream.error.poll(10, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(Status.fromThrowable(ended).getDescription())
        .startsWith("client-limits.requests-per-second exceeded: client 127.0.0.5");

    now.addAndGet(Duration.ofMillis(500).toNanos()); // ten tokens: the bucket is full again
    Stream again = new Stream(channel);
    again.create("rate/c");
    again.create("rate/d");
    assertThat(again.next().getCreated()).as("the ended stream's watches were given back").isTrue();
    assertThat(again.next().getCreated()).isTrue();
    again.close();
  }

  @Test
  void aWatchOverTheClientsLimitIsCanceledWhileOtherClientsStillWatch() throws Exception {
    Stream mine = new Stream(from("127.0.0.6"));
    mine.create("w/1");
    mine.create("w/2");
    mine.create("w/3");
    assertThat(mine.next().getCreated()).isTrue();
    assertThat(mine.next().getCreated()).isTrue();
    WatchReply third = mine.next();
    assertThat(third.getWatchId()).isEqualTo(3);
    assertThat(third.getCreated()).isFalse();
    assertThat(third.getCanceled()).isTrue();
    assertThat(third.getCancelCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
    assertThat(third.getCancelReason()).isEqualTo("client-limits.watches exceeded: client "
        + "127.0.0.6 holds 2 watches on this node; cancel one first");
    // An Election observe is a watch too.
    var observe = ElectionGrpc.newBlockingStub(from("127.0.0.6"))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .observe(ElectionCall.newBuilder().setName("coordinator").build());
    assertRefused(observe::hasNext, "watches");

    Stream theirs = new Stream(from("127.0.0.7"));
    theirs.create("w/1");
    assertThat(theirs.next().getCreated()).isTrue();

    mine.send(WatchCall.newBuilder().setCancelWatchId(1).build());
    assertThat(mine.next().getCanceled()).isTrue();
    mine.create("w/4");
    assertThat(mine.next().getCreated()).isTrue();
    assertThat(rejections("watches")).isGreaterThanOrEqualTo(2.0);
    mine.close();
    theirs.close();
  }

  @Test
  void aGrantOverTheClientsLeaseLimitIsRefusedUntilOneIsRevokedOrExpires() throws Exception {
    var mine = LeaseGrpc.newBlockingStub(from("127.0.0.8")).withDeadlineAfter(10, TimeUnit.SECONDS);
    LeaseGrantCall grant = LeaseGrantCall.newBuilder().setTtlMillis(60_000).build();
    long first = mine.grant(grant).getId();
    mine.grant(grant);
    assertRefused(() -> mine.grant(grant), "leases");
    var theirs = LeaseGrpc.newBlockingStub(from("127.0.0.9")).withDeadlineAfter(10, TimeUnit.SECONDS);
    long short1 = theirs.grant(grant.toBuilder().setTtlMillis(200).build()).getId();
    theirs.grant(grant.toBuilder().setTtlMillis(200).build());

    mine.revoke(LeaseCall.newBuilder().setId(first).build());
    mine.grant(grant);
    assertRefused(() -> mine.grant(grant), "leases");

    // Their two short leases expire; the next grant at the limit finds them gone. The limits'
    // clock moves a second per look, as it would for a client that waits between calls.
    await().atMost(Duration.ofSeconds(10)).until(() -> later(theirs).list(
        io.flotilla.agent.api.GroupCall.getDefaultInstance()).getLeasesList().stream()
        .noneMatch(l -> l.getId() == short1));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
        .until(() -> later(theirs).grant(grant).getId() > 0);
    assertThat(rejections("leases")).isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void clientsThatHoldNothingAreForgottenOnceIdle() {
    long[] now = {0};
    ClientTable table = new ClientTable(new ClientLimits(10, 10, 1, 1), limit -> {}, () -> now[0]);
    WatchQuota watches = new WatchQuota(table);
    table.with("a", (s, t) -> s.takeRequest(t));
    table.with("b", (s, t) -> s.takeRequest(t));
    assertThat(watches.acquire("b")).isNull();
    assertThat(watches.acquire("b").getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    now[0] += ClientTable.IDLE.toNanos();
    table.evictIdle();
    assertThat(table.size()).as("b holds a watch").isEqualTo(1);
    watches.release("b");
    table.evictIdle();
    assertThat(table.size()).isZero();
  }

  @Test
  void anEmptiedBucketIsKeptUntilItHasRefilled() {
    long[] now = {0};
    ClientTable table = new ClientTable(new ClientLimits(1, 100, 0, 0), limit -> {}, () -> now[0]);
    for (int i = 0; i < 100; i++) {
      table.with("a", (s, t) -> s.takeRequest(t));
    }
    now[0] += ClientTable.IDLE.toNanos();
    table.evictIdle();
    assertThat(table.size()).as("60 of 100 tokens back").isEqualTo(1);
    now[0] += Duration.ofSeconds(40).toNanos();
    table.evictIdle();
    assertThat(table.size()).isZero();
  }

  /** {@code stub}, a second later on the limits' clock. */
  private <T> T later(T stub) {
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    return stub;
  }

  private double rejections(String limit) throws Exception {
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + fleet.metricsPort(0) + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String sample = "flotilla_client_limit_rejections_total{limit=\"" + limit + "\"} ";
    return body.lines().filter(l -> l.startsWith(sample))
        .mapToDouble(l -> Double.parseDouble(l.substring(sample.length()))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + sample + "in\n" + body));
  }

  /** One Watch stream, its replies and its end. */
  private static final class Stream {
    final BlockingQueue<WatchReply> replies = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> error = new LinkedBlockingQueue<>();
    final StreamObserver<WatchCall> calls;

    Stream(ManagedChannel channel) {
      calls = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
        @Override
        public void onNext(WatchReply r) {
          replies.add(r);
        }

        @Override
        public void onError(Throwable t) {
          error.add(t);
        }

        @Override
        public void onCompleted() {}
      });
    }

    void create(String key) {
      send(WatchCall.newBuilder().setCreate(WatchCreate.newBuilder()
          .setKey(ByteString.copyFromUtf8(key))).build());
    }

    synchronized void send(WatchCall call) {
      calls.onNext(call);
    }

    WatchReply next() throws InterruptedException {
      WatchReply r = replies.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a reply within 10 s").isNotNull();
      return r;
    }

    void close() {
      calls.onCompleted();
    }
  }
}
